"""Textual bindings built from the verb registry (`amtui.tui.logic.verbs`).

Each widget or screen that owns keys asks for its place's bindings: `verb_bindings("board")`.
A binding runs the owner's `action_verb(name)`, carries the registry's id (so `[keys]` in the
config remaps it), its label for the footer and its help as the tooltip.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from amtui.tui.logic.verbs import verbs_at

#: How a few keys read in the footer and `?` help.
KEY_DISPLAY = {"slash": "/"}


def view_bindings(other: str) -> list[BindingType]:
    """The money views' own keys (the pipeline board, the accounts): Esc goes back, Tab shows
    the `other` view in this one's place."""
    return [
        Binding("escape,q", "close", "Close", id="money.close"),
        Binding("tab", "switch", other, id="money.switch"),
    ]


def verb_bindings(place: str, action: str = "verb") -> list[BindingType]:
    """The bindings of every verb with a key in `place`, running `action_<action>(name)`."""
    return [
        Binding(
            key.keys,
            f"{action}('{item.name}')",
            key.label or item.label,
            show=item.show if key.show is None else key.show,
            key_display=KEY_DISPLAY.get(key.keys),
            tooltip=item.help,
            id=key.id,
        )
        for item, key in verbs_at(place)
    ]
