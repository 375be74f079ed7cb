"""Workarounds for bugs in the installed Textual that amtui would otherwise pay for; each names
its upstream issue and checks that the code it replaces is still the buggy one, so a Textual
release that fixes it is left alone (then delete the workaround).

`apply()` runs when `amtui.tui.app` is imported, before anything is drawn.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    """What Textual's `StylesCache.get_inner_outer` returns, cached by the two colours only."""
    return _inner_outer(base_background, background)


def apply() -> None:
    """Textual 8.2 (Textualize/textual#6665, open): `StylesCache.get_inner_outer` is an
    `lru_cache` on an instance method, so its 1 024 keys hold the `StylesCache` of every
    widget that ever drew, and with it every line that widget last drew (a `Strip` and its
    seven caches each). A screen closed is never freed: measured in amtui, each opening of the
    pipeline board kept ~15 000–25 000 objects for good, and the garbage collector's full
    passes, which walk them all, grew from ~20 ms to 150–240 ms after ten openings, falling
    inside key presses. The result depends on the two colours only, so it is cached by them.
    """
    current = StylesCache.__dict__.get("get_inner_outer")
    if current is not _get_inner_outer and hasattr(current, "cache_info"):
        StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]
