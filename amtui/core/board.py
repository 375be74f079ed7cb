"""Paged views for the full-screen app: board columns, the lead inbox, a client filter.

The TUI never loads a whole table: each board column and the inbox come as a page (the first
`limit` rows from `offset`) plus the total that matches, so the first screen costs the same
with 100 rows or 100 000. Every query here walks an index:
- a board column reads `ix_task_board (parent_id, column, position)` in its own order; sorted
  by due date or priority (`COLUMN_SORTS`) it sorts the column's open cards, which are few;
- waiting leads read the partial index `ix_lead_waiting` (oldest first, the most urgent);
- the rest of the open leads come by their next action, found through the stage index.

The inbox order is `leads.inbox_leads`, the one `amtui lead list` uses; here it is paged, with
a text filter and the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from amtui.core.agenda import Agenda, AgendaItem, Section
from amtui.core.config import Config
from amtui.core.db import Database, contains_folded
from amtui.core.errors import NotFoundError
from amtui.core.lead_queries import LeadRow, inbox_leads, lead_rows
from amtui.core.lookup import ClientName, find_client, load_client_names
from amtui.core.models import Client, Lead, Task, TaskTag
from amtui.core.refs import Kind, ref
from amtui.core.task_queries import TaskRow, rows_for
from amtui.core.text import fold, one_line
from amtui.core.vocabulary import PRIORITY_RANK

if TYPE_CHECKING:
    from amtui.core.sla import ResponseRule

BOARD_PAGE = 15  # a column shows about 8 cards at 40 lines; the next page loads on demand
INBOX_PAGE = 25

#: How a board column can be ordered: by hand (J/K move cards), by due date (soonest first,
#: none last; an all-day due sorts at the start of its day), or by priority (then due date).
COLUMN_SORTS = ("position", "due", "priority")


@dataclass(frozen=True)
class ClientChoice:
    """A client a view is filtered to."""

    id: int
    name: str

    @property
    def ref(self) -> str:
        return ref(Kind.CLIENT, self.id)


@dataclass
class ColumnPage:
    """One board column: `total` matching cards, `rows` from `offset` in board order."""

    name: str
    total: int
    rows: list[TaskRow] = field(default_factory=list)
    offset: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - self.offset - len(self.rows))


@dataclass
class InboxPage:
    """Open leads: `total` matching, of which `waiting` still need a first response."""

    total: int
    waiting: int
    rows: list[LeadRow] = field(default_factory=list)
    offset: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - self.offset - len(self.rows))


def find_client_choice(db: Database, text: str) -> ClientChoice:
    """The client `text` picks (reference, whole name, or a unique beginning of the name or of
    one of its words; see `lookup`), for `agenda --client` and the "filter to client" key.
    Several matches raise AmbiguousClientError (exit 2), none NotFoundError."""
    with db.read() as session:
        client = find_client(session, text.strip())
        if client is None:
            raise NotFoundError(f"no client named {one_line(text.strip())!r}")
        return ClientChoice(client.id or 0, client.name)


def client_choices(db: Database) -> list[ClientName]:
    """Every client (id, name, archived) for matching as the user types: call
    `lookup.match_client_names(choices, text)` on each key; its `.client` is exactly what
    `find_client_choice` (Enter) picks, `.describe()` says so in words, and `.completion()`
    gives an inline suggestion when the text begins the name."""
    with db.read() as session:
        return load_client_names(session)


def client_names(db: Database, *, limit: int = 500) -> list[str]:
    """Client names in name order, for form suggestions (active clients first)."""
    with db.read() as session:
        query = (
            select(Client.name).order_by(col(Client.archived), col(Client.name_key)).limit(limit)
        )
        return list(session.exec(query))


def client_zone(db: Database, client_id: int | None) -> str | None:
    """A client's IANA time zone (for "their local time" in the detail view), if it has one."""
    if client_id is None:
        return None
    with db.read() as session:
        client = session.get(Client, client_id)
        return client.timezone if client else None


# --- the board --------------------------------------------------------------------------------


def load_board(
    db: Database,
    *,
    config: Config,
    now: datetime,
    client: int | None = None,
    text: str | None = None,
    limits: dict[str, int] | None = None,
    sorts: dict[str, str] | None = None,
) -> list[ColumnPage]:
    """Every column's first page (`limits` per column name, default BOARD_PAGE; `sorts` per
    column name, default by hand) in one read."""
    limits, sorts = limits or {}, sorts or {}
    with db.read() as session:
        return [
            _column(
                session,
                name,
                config=config,
                now=now,
                client=client,
                text=text,
                offset=0,
                limit=limits.get(name, BOARD_PAGE),
                sort=sorts.get(name, "position"),
            )
            for name in config.columns
        ]


def board_column(
    db: Database,
    column: str,
    *,
    config: Config,
    now: datetime,
    client: int | None = None,
    text: str | None = None,
    offset: int = 0,
    limit: int = BOARD_PAGE,
    sort: str = "position",
) -> ColumnPage:
    """One page of one column (the next page when the user scrolls to its end)."""
    with db.read() as session:
        return _column(
            session,
            column,
            config=config,
            now=now,
            client=client,
            text=text,
            offset=offset,
            limit=limit,
            sort=sort,
        )


def _column(
    session: Session,
    name: str,
    *,
    config: Config,
    now: datetime,
    client: int | None,
    text: str | None,
    offset: int,
    limit: int,
    sort: str = "position",
) -> ColumnPage:
    where = [col(Task.parent_id).is_(None), col(Task.column) == name]
    if name == config.done_column:
        # Done shows only recent cards; older ones stay reachable through search and `show`.
        where.append(col(Task.done_at) >= now - timedelta(days=config.done_recent_days))
    else:
        where.append(col(Task.done_at).is_(None))
    if client is not None:
        where.append(col(Task.client_id) == client)
    if text and text.strip():
        where.append(_task_matches(text.strip()))
    total = session.exec(select(func.count()).select_from(Task).where(*where)).one()
    query = select(Task).where(*where).order_by(*_column_order(sort)).offset(offset).limit(limit)
    rows = rows_for(session, list(session.exec(query))) if total > offset else []
    return ColumnPage(name, total, rows, offset)


def _column_order(sort: str) -> list[Any]:
    """ORDER BY for a column sorted `sort` (one of COLUMN_SORTS); ties keep the hand order."""
    if sort not in COLUMN_SORTS:
        raise ValueError(f"unknown column sort {sort!r}; one of {', '.join(COLUMN_SORTS)}")
    by_hand = [col(Task.position), col(Task.id)]
    # Both stored kinds of deadline in one key: SQLite compares the stored text (a date sorts
    # before the times of its day), PostgreSQL casts the date to the start of its day.
    due = sa.func.coalesce(col(Task.due_at), col(Task.due_date))
    by_due = [sa.case((due.is_(None), 1), else_=0), due]
    if sort == "due":
        return [*by_due, *by_hand]
    if sort == "priority":
        rank = sa.case(
            *((col(Task.priority) == name, -rank) for name, rank in PRIORITY_RANK.items()),
            else_=0,
        )
        return [rank, *by_due, *by_hand]
    return by_hand


def _task_matches(text: str) -> sa.ColumnElement[bool]:
    tag = fold(text).lstrip("+")
    return sa.or_(
        contains_folded(Task.title, text),
        contains_folded(Task.notes, text),
        contains_folded(Task.assignee, text.lstrip("@")),
        col(Task.id).in_(select(TaskTag.task_id).where(TaskTag.tag == tag)),
    )


# --- the inbox --------------------------------------------------------------------------------


def inbox_page(
    db: Database,
    *,
    client: int | None = None,
    text: str | None = None,
    offset: int = 0,
    limit: int = INBOX_PAGE,
    rule: ResponseRule | None = None,
) -> InboxPage:
    """A page of open leads in the inbox order (`leads.inbox_leads`, as `amtui lead list`),
    with the counts; each row carries its next action."""
    extra: list[sa.ColumnElement[bool]] = []
    if client is not None:
        extra.append(col(Lead.client_id) == client)
    if text and text.strip():
        fields = (Lead.title, Lead.partner, Lead.contact_name, Lead.contact_email, Lead.notes)
        extra.append(sa.or_(*(contains_folded(f, text.strip()) for f in fields)))
    with db.read() as session:
        (waiting, rest), leads = inbox_leads(session, extra, offset=offset, limit=limit, count=True)
        rows = lead_rows(session, leads, rule)
        return InboxPage(waiting + rest, waiting, rows, offset)


# --- the agenda, filtered ---------------------------------------------------------------------


def filter_agenda(agenda: Agenda, *, text: str | None = None) -> Agenda:
    """The items of `agenda` containing `text` (any case, any script); the totals then count
    the matching items in the window `agenda` loaded (build it with a generous `limit`).
    For one client, build the agenda with `build_agenda(client_id=…)` instead."""
    if not text or not text.strip():
        return agenda
    needle = fold(text)

    def section(part: Section) -> Section:
        items = [item for item in part.items if needle in fold(" ".join(_item_words(item)))]
        return Section(len(items), items)

    return replace(
        agenda,
        overdue=section(agenda.overdue),
        today=section(agenda.today),
        waiting=section(agenda.waiting),
        answers=section(agenda.answers),
        reminders=section(agenda.reminders),
        upcoming=section(agenda.upcoming),
    )


def _item_words(item: AgendaItem) -> list[str]:
    if item.task is not None:
        task = item.task.task
        return [
            task.title,
            task.notes,
            task.assignee or "",
            item.task.client_name or "",
            *item.task.tags,
        ]
    if item.lead is not None:
        lead = item.lead.lead
        return [lead.title, lead.partner or "", lead.notes, item.lead.client_name or ""]
    assert item.reminder is not None
    return [item.reminder.reminder.text, item.reminder.subject_title or ""]
