"""`patterns.lazy` behaves as the compiled pattern it stands for, compiling it on first use."""

from __future__ import annotations

import re

from amtui.core.patterns import lazy


def test_a_lazy_pattern_compiles_on_first_use_and_then_is_the_pattern() -> None:
    pattern = lazy(r"([a-z]+)-(\d+)", re.ASCII)
    assert "fullmatch" not in vars(pattern)  # nothing compiled yet
    match = pattern.fullmatch("abc-12")
    assert match is not None and match.groups() == ("abc", "12")
    compiled = re.compile(r"([a-z]+)-(\d+)", re.ASCII)
    methods = ("match", "fullmatch", "search", "sub", "split", "findall", "finditer")
    assert all(name in vars(pattern) for name in methods)  # its own now: no look-up detour
    assert pattern.sub(r"\2", "x-1 y-2") == compiled.sub(r"\2", "x-1 y-2")
    assert pattern.search("--- q-7") is not None
    assert pattern.pattern == compiled.pattern and pattern.flags == compiled.flags
    assert pattern.groups == 2 and pattern.groupindex == compiled.groupindex
    assert [m.group() for m in pattern.finditer("a-1 b-2")] == ["a-1", "b-2"]
