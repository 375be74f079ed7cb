"""Regular expressions compiled when first used, not when their module is imported.

Compiling one costs 0.2–1 M instructions (0.1–0.3 ms); a command imports ~30 of amtui's and
uses a few (`amtui agenda` parses no date, amount, estimate or reference), so compiling them
all at import cost every command ~15 M instructions, 4% of the agenda. `lazy(...)` stands in
for `re.compile(...)` at module level: the first use compiles the pattern and keeps its
methods as the stand-in's own attributes, so every later call costs what the pattern's own
does. Only its methods and attributes work (`.fullmatch`, `.sub`, `.pattern`…), which is how
amtui uses every module-level pattern; `re.sub(PATTERN, …)` would need the real one.
"""

from __future__ import annotations

import re
from typing import Any, cast

#: What a compiled pattern offers (each stand-in takes them all at once).
_ATTRIBUTES = (
    "match",
    "fullmatch",
    "search",
    "sub",
    "subn",
    "split",
    "findall",
    "finditer",
    "scanner",
    "pattern",
    "flags",
    "groups",
    "groupindex",
)


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done when the pattern is first used."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # Called only for what the instance does not have yet: the first use.
        compiled = re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r})"
