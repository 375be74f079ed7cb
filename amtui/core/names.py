"""Client names as people type them: one pure matcher for the CLI, quick-add and the TUI.

1. `C3` is client 3;
2. the whole name, in any case and script (`гранель` is "Гранель"), wins outright;
3. otherwise the text must begin the name or one of its words (`kettle` finds "Blue Kettle
   Studio", `harbor ho` finds "Blue Harbor Hotels"); archived clients answer only to 1 and 2.

One candidate is the client; several are ambiguous (`AmbiguousClientError`, exit 2, listing
them); none is "no such client". Pure and free of SQL, so the TUI can match on every key and
shell completion can use it without loading the database layer (`lookup` does the queries).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from amtui.core.errors import InputError
from amtui.core.refs import Kind, looks_like_ref, parse_ref, ref
from amtui.core.structs import struct
from amtui.core.text import fold, one_line


@struct(frozen=True)
class ClientName:
    """What the matcher needs of a client (the TUI keeps a list of these to match per key)."""

    id: int
    name: str
    archived: bool = False

    @property
    def ref(self) -> str:
        return ref(Kind.CLIENT, self.id)

    @property
    def label(self) -> str:
        """`Blue Harbor (C1)`, safe for one line."""
        return f"{one_line(self.name)} ({self.ref})"


@struct(frozen=True)
class ClientMatch:
    """What a typed client name picks: one client, several (ambiguous), or none."""

    text: str
    candidates: tuple[ClientName, ...] = ()
    exact: bool = False  # by reference or by the whole name

    @property
    def client(self) -> ClientName | None:
        """The client Enter picks, when exactly one matches."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    def completion(self) -> str | None:
        """The typed text completed to the picked client's full name, for an inline
        suggestion (`kett` → `Kettle Studio`); None unless the text begins that name."""
        client = self.client
        typed = self.text.lstrip()
        if client is None or not typed or not fold(client.name).startswith(fold(typed)):
            return None
        return typed + client.name[len(typed) :] if len(typed) <= len(client.name) else None

    def describe(self, *, creates: bool = False) -> str:
        """What Enter will do, in one line: `→ Blue Harbor (C1)`, `ambiguous: …`,
        `new client "Acme"` (when `creates`) or `no client matches`."""
        if self.client is not None:
            return f"→ {self.client.label}"
        if self.ambiguous:
            return f"ambiguous: {_listing(self.candidates)}"
        if not self.text.strip():
            return ""
        if creates:
            return f"new client {one_line(self.text.strip())!r}"
        return f"no client matches {one_line(self.text.strip())!r}"


class AmbiguousClientError(InputError):
    """A typed name begins several clients' names; the message lists them."""

    def __init__(self, match: ClientMatch) -> None:
        self.match = match
        super().__init__(
            f"{one_line(match.text.strip())!r} matches {len(match.candidates)} clients: "
            f"{_listing(match.candidates)}; type more of the name or use its C-reference"
        )


def _listing(candidates: tuple[ClientName, ...], shown: int = 5) -> str:
    text = ", ".join(c.label for c in candidates[:shown])
    more = len(candidates) - shown
    return text + (f" and {more} more" if more > 0 else "")


def match_key(text: str) -> str:
    """The form names are compared in: folded (any case, any script), spaces collapsed."""
    return " ".join(fold(text).split())


def _word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"  # letters, marks (Devanagari vowels), digits


def _begins_a_word(name_key: str, wanted: str) -> bool:
    for index in range(len(name_key)):
        starts_word = index == 0 or (
            _word_char(name_key[index]) and not _word_char(name_key[index - 1])
        )
        if starts_word and name_key.startswith(wanted, index):
            return True
    return False


def match_client_names(names: Iterable[ClientName], text: str) -> ClientMatch:
    """Match typed text against clients (pure: the TUI calls it on every key; see the module
    docstring for the rules). Candidates come back in name order."""
    clients = sorted(names, key=lambda c: (match_key(c.name), c.id))
    if looks_like_ref(text, Kind.CLIENT):
        wanted_id = parse_ref(text, Kind.CLIENT).id
        return ClientMatch(text, tuple(c for c in clients if c.id == wanted_id), exact=True)
    wanted = match_key(text)
    if not wanted:
        return ClientMatch(text)
    exact = tuple(c for c in clients if match_key(c.name) == wanted)
    if exact:
        return ClientMatch(text, exact, exact=True)
    found = tuple(
        c for c in clients if not c.archived and _begins_a_word(match_key(c.name), wanted)
    )
    return ClientMatch(text, found)
