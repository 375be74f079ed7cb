"""Finding records by reference or name inside a transaction; unknown ones raise NotFound."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel, select

from amtui.core.errors import NotFoundError
from amtui.core.models import Client, Lead, Reminder, Task
from amtui.core.refs import Kind, Ref, looks_like_ref, parse_ref
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


def _get(session: Session, model: type[M], reference: Ref) -> M:
    if KINDS[model] is not reference.kind:
        raise NotFoundError(f"{reference} is not a {KINDS[model].noun}")
    record = session.get(model, reference.id)
    if record is None:
        raise NotFoundError(f"no {reference.kind.noun} {reference}")
    return record


def find_client(session: Session, text: str) -> Client | None:
    """A client by reference (`C3`) or by name in any case and script; None if unknown."""
    if looks_like_ref(text, Kind.CLIENT):
        return fetch(session, Client, text)
    return session.exec(select(Client).where(Client.name_key == fold(text))).first()


def get_client(session: Session, text: str) -> Client:
    """Like `find_client`, but an unknown client is an error."""
    client = find_client(session, text)
    if client is None:
        raise NotFoundError(f"no client named {one_line(text)!r} (see `amtui client list`)")
    return client
