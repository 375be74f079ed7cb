"""Finding records by reference or name inside a transaction; unknown ones raise NotFound.

Clients are also found by what a person types (`kettle`, `c vistula`, `client:Granel`): the
rules are `amtui.core.names.match_client_names` (pure; re-exported here), applied to the
database by `match_client` and `find_client`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from amtui.core.errors import InputError, NotFoundError
from amtui.core.models import (
    Client,
    Invoice,
    Lead,
    Proposal,
    Record,
    Reminder,
    Task,
    first,
    get,
)
from amtui.core.names import (
    AmbiguousClientError,
    ClientMatch,
    ClientName,
    match_client_names,
    match_key,
)
from amtui.core.refs import Kind, Ref, looks_like_ref, parse_ref
from amtui.core.sql import Tx
from amtui.core.text import fold, one_line

__all__ = [
    "AmbiguousClientError",
    "ClientMatch",
    "ClientName",
    "fetch",
    "fetch_any",
    "fetch_each",
    "find_client",
    "get_client",
    "load_client_names",
    "match_client",
    "match_client_names",
    "match_key",
]

MODELS: dict[Kind, type[Record]] = {
    Kind.TASK: Task,
    Kind.LEAD: Lead,
    Kind.CLIENT: Client,
    Kind.REMINDER: Reminder,
    Kind.PROPOSAL: Proposal,
    Kind.INVOICE: Invoice,
}
KINDS: dict[type[Record], Kind] = {model: kind for kind, model in MODELS.items()}

M = TypeVar("M", bound=Record)


def fetch(tx: Tx, model: type[M], text: str | Ref) -> M:
    """The record a reference names (`T12`, or a bare `12` for the model's kind)."""
    reference = text if isinstance(text, Ref) else parse_ref(text, KINDS[model])
    return _get(tx, model, reference)


def fetch_any(tx: Tx, text: str | Ref) -> Record:
    """The record any reference names: `show T12`, `show L7`…"""
    reference = text if isinstance(text, Ref) else parse_ref(text)
    return _get(tx, MODELS[reference.kind], reference)


def fetch_each(tx: Tx, model: type[M], references: Sequence[str]) -> list[M]:
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
    return [_get(tx, model, reference) for reference in wanted]


def _get(tx: Tx, model: type[M], reference: Ref) -> M:
    if KINDS[model] is not reference.kind:
        raise NotFoundError(f"{reference} is not a {KINDS[model].noun}")
    record = get(tx, model, reference.id)
    if record is None:
        raise NotFoundError(f"no {reference.kind.noun} {reference}")
    return record


# --- clients by what a person types ----------------------------------------------------------


def client_by_key(tx: Tx, key: str) -> Client | None:
    """The client whose folded name (`text.fold`) is `key`: one unique-index lookup."""
    return first(tx, Client, "SELECT * FROM client WHERE name_key = :key", {"key": key})


def load_client_names(tx: Tx) -> list[ClientName]:
    """Every client's id, name and archived flag (one narrow query; clients are few)."""
    query = "SELECT id, name, archived FROM client ORDER BY name_key"
    return [ClientName(i or 0, name, bool(archived)) for i, name, archived in tx.tuples(query)]


def match_client(tx: Tx, text: str) -> ClientMatch:
    """`match_client_names` against the database: a reference or a whole name is one indexed
    lookup; only a partial name reads the list of names."""
    if looks_like_ref(text, Kind.CLIENT):
        client = get(tx, Client, parse_ref(text, Kind.CLIENT).id)
        found = (ClientName(client.id or 0, client.name, client.archived),) if client else ()
        return ClientMatch(text, found, exact=True)
    if not match_key(text):
        return ClientMatch(text)
    whole = client_by_key(tx, fold(text))
    if whole is not None:
        return ClientMatch(text, (ClientName(whole.id or 0, whole.name, whole.archived),), True)
    return match_client_names(load_client_names(tx), text)


def find_client(tx: Tx, text: str) -> Client | None:
    """The client `text` picks (reference, whole name, or unique beginning of the name or of
    one of its words); None if none matches. Several matches raise AmbiguousClientError; an
    unknown `C9` raises NotFoundError."""
    match = match_client(tx, text)
    if match.ambiguous:
        raise AmbiguousClientError(match)
    if match.client is None:
        if match.exact:
            raise NotFoundError(f"no client {parse_ref(text, Kind.CLIENT)}")
        return None
    return get(tx, Client, match.client.id)


def get_client(tx: Tx, text: str) -> Client:
    """Like `find_client`, but no match is an error."""
    client = find_client(tx, text)
    if client is None:
        raise NotFoundError(f"no client named {one_line(text.strip())!r} (see `amtui client list`)")
    return client
