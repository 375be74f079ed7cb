"""Finding records by reference or name inside a transaction; unknown ones raise NotFound.

Clients are also found by what a person types (`kettle`, `c vistula`, `client:Granel`): one
matcher, `match_client_names`, decides for the CLI, quick-add and the TUI alike:

1. `C3` is client 3;
2. the whole name, in any case and script (`гранель` is "Гранель"), wins outright;
3. otherwise the text must begin the name or one of its words (`kettle` finds "Blue Kettle
   Studio", `harbor ho` finds "Blue Harbor Hotels"); archived clients answer only to 1 and 2.

One candidate is the client; several are ambiguous (`AmbiguousClientError`, exit 2, listing
them); none is "no such client" (quick-add then creates one, see `clients.find_or_create`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session, SQLModel, col, select

from amtui.core.errors import InputError, NotFoundError
from amtui.core.models import Client, Lead, Reminder, Task
from amtui.core.refs import Kind, Ref, looks_like_ref, parse_ref, ref
from amtui.core.text import fold, one_line

MODELS: dict[Kind, type[SQLModel]] = {
    Kind.TASK: Task,
    Kind.LEAD: Lead,
    Kind.CLIENT: Client,
    Kind.REMINDER: Reminder,
}
KINDS: dict[type[SQLModel], Kind] = {model: kind for kind, model in MODELS.items()}

M = TypeVar("M", bound=SQLModel)


def fetch(session: Session, model: type[M], text: str | Ref) -> M:
    """The record a reference names (`T12`, or a bare `12` for the model's kind)."""
    reference = text if isinstance(text, Ref) else parse_ref(text, KINDS[model])
    return _get(session, model, reference)


def fetch_any(session: Session, text: str | Ref) -> SQLModel:
    """The record any reference names: `show T12`, `show L7`…"""
    reference = text if isinstance(text, Ref) else parse_ref(text)
    return _get(session, MODELS[reference.kind], reference)


def fetch_each(session: Session, model: type[M], references: Sequence[str]) -> list[M]:
    """The records several references name (`task done T1 T2`), each named once; an unknown,
    malformed or repeated reference raises before the caller changes anything, so a command
    over several records is all or nothing."""
    kind = KINDS[model]
    wanted = [parse_ref(text, kind) for text in references]
    if not wanted:
        raise InputError(f"name at least one {kind.noun}, e.g. {kind.value}12")
    twice = sorted({str(r) for r in wanted if wanted.count(r) > 1})
    if twice:
        raise InputError(f"{', '.join(twice)} given more than once; name each {kind.noun} once")
    return [_get(session, model, reference) for reference in wanted]


def _get(session: Session, model: type[M], reference: Ref) -> M:
    if KINDS[model] is not reference.kind:
        raise NotFoundError(f"{reference} is not a {KINDS[model].noun}")
    record = session.get(model, reference.id)
    if record is None:
        raise NotFoundError(f"no {reference.kind.noun} {reference}")
    return record


# --- clients by what a person types ----------------------------------------------------------


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


def load_client_names(session: Session) -> list[ClientName]:
    """Every client's id, name and archived flag (one narrow query; clients are few)."""
    query = select(Client.id, Client.name, Client.archived).order_by(col(Client.name_key))
    return [ClientName(i or 0, name, bool(archived)) for i, name, archived in session.exec(query)]


def match_client(session: Session, text: str) -> ClientMatch:
    """`match_client_names` against the database: a reference or a whole name is one indexed
    lookup; only a partial name reads the list of names."""
    if looks_like_ref(text, Kind.CLIENT):
        client = session.get(Client, parse_ref(text, Kind.CLIENT).id)
        found = (ClientName(client.id or 0, client.name, client.archived),) if client else ()
        return ClientMatch(text, found, exact=True)
    if not match_key(text):
        return ClientMatch(text)
    whole = session.exec(select(Client).where(Client.name_key == fold(text))).first()
    if whole is not None:
        return ClientMatch(text, (ClientName(whole.id or 0, whole.name, whole.archived),), True)
    return match_client_names(load_client_names(session), text)


def find_client(session: Session, text: str) -> Client | None:
    """The client `text` picks (reference, whole name, or unique beginning of the name or of
    one of its words); None if none matches. Several matches raise AmbiguousClientError; an
    unknown `C9` raises NotFoundError."""
    match = match_client(session, text)
    if match.ambiguous:
        raise AmbiguousClientError(match)
    if match.client is None:
        if match.exact:
            raise NotFoundError(f"no client {parse_ref(text, Kind.CLIENT)}")
        return None
    return session.get(Client, match.client.id)


def get_client(session: Session, text: str) -> Client:
    """Like `find_client`, but no match is an error."""
    client = find_client(session, text)
    if client is None:
        raise NotFoundError(f"no client named {one_line(text.strip())!r} (see `amtui client list`)")
    return client
