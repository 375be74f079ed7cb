"""Untrusted text made safe for one line of the screen, or for an input to show."""

from __future__ import annotations

from amtui.core.text import clean, one_line

MAX_CELL = 200  # a row shows at most this much of any one field; the detail view shows all


def safe(text: object, limit: int = MAX_CELL) -> str:
    """One line of untrusted text with control characters escaped, at most `limit` long."""
    value = one_line("" if text is None else str(text))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def safe_block(text: str | None, limit: int = 4000) -> str:
    """Multi-line untrusted text (notes) with control characters escaped; tabs as spaces."""
    value = clean(text or "").replace("\t", "    ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def shown(text: str | None) -> str:
    """A stored value as an input shows it: control characters as visible escapes.

    Saving compares against this same text, so an untouched field is never rewritten.
    """
    return one_line(text or "")
