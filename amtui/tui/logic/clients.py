"""Client names as the user types them: one matcher (`core.lookup.match_client_names`) gives
the hint under the field, the inline suggestion, and what Enter picks, so the three agree.

`kett` suggests `Kettle Studio` and says `→ Blue Kettle Studio (C4)`; a name that begins two
clients lists both and Enter is refused until it picks one; in a form (where a new name
creates the client) an unknown name says `new client 'Acme'`.
"""

from __future__ import annotations

from collections.abc import Callable

from amtui.core.board import ClientChoice
from amtui.core.errors import InputError, NotFoundError
from amtui.core.lookup import ClientName, match_client_names
from amtui.core.text import one_line
from amtui.tui.logic.fields import Check, FieldSpec

CLIENT_PLACEHOLDER = "name, part of it, or C3 (a new name creates it)"


def client_check(names: list[ClientName], *, creates: bool) -> Check:
    """What Enter would do with the text: the client it picks, `new client …` when `creates`;
    several clients (or none, when not `creates`) are an error that refuses Enter."""

    def check(text: str) -> str:
        match = match_client_names(names, text)
        if match.ambiguous:
            raise InputError(match.describe())
        if match.client is None and not creates and text.strip():
            raise NotFoundError(match.describe())
        return match.describe(creates=creates)

    return check


def client_suggest(names: list[ClientName]) -> Callable[[str], str | None]:
    """The inline completion: the picked client's full name, when the text begins it."""
    return lambda text: match_client_names(names, text).completion()


def pick_client(names: list[ClientName], text: str) -> ClientChoice:
    """The client Enter picks in the `c` prompt (the same match the hint showed)."""
    match = match_client_names(names, text)
    if match.ambiguous:
        raise InputError(match.describe())
    if match.client is None:
        raise NotFoundError(f"no client named {one_line(text.strip())!r}")
    return ClientChoice(match.client.id, match.client.name)


def client_field(names: list[ClientName] | None = None) -> FieldSpec:
    """A form's client field; with the names loaded it checks and completes as you type."""
    if names is None:
        return FieldSpec("client", "Client", CLIENT_PLACEHOLDER)
    return FieldSpec(
        "client",
        "Client",
        CLIENT_PLACEHOLDER,
        check=client_check(names, creates=True),
        suggest=client_suggest(names),
    )
