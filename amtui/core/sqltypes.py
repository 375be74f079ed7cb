"""What a value bound for the database may be wrapped in; re-exported by `amtui.core.sql`.

A module of its own so that the modules `amtui.core.sql` calls while it writes (the undo
journal, and the archive encoding it uses) need no import of `sql` at run time: the core's
modules stay free of import cycles (pyproject.toml's import-linter contracts).
"""

from __future__ import annotations

from typing import Any


class Json:
    """A value bound for a JSON column (a bare list or dict is refused, to catch mistakes)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value
