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

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from amtui.core.agenda import Agenda, AgendaItem, Section
from amtui.core.config import Config
from amtui.core.errors import NotFoundError
from amtui.core.lead_queries import LeadRow, inbox_leads, lead_filters, lead_rows
from amtui.core.lookup import ClientName, find_client, load_client_names
from amtui.core.members import EVERYONE, Scope
from amtui.core.models import Client, Task, get, records
from amtui.core.refs import Kind, ref
from amtui.core.sql import Database, Tx, contains_folded, like_pattern
from amtui.core.structs import field, replace, struct
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


@struct(frozen=True)
class ClientChoice:
    """A client a view is filtered to."""

    id: int
    name: str

    @property
    def ref(self) -> str:
        return ref(Kind.CLIENT, self.id)


@struct
class ColumnPage:
    """One board column: `total` matching cards, `rows` from `offset` in board order."""

    name: str
    total: int
    rows: list[TaskRow] = field(default_factory=list)
    offset: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - self.offset - len(self.rows))


@struct
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
    with db.read() as tx:
        client = find_client(tx, text.strip())
        if client is None:
            raise NotFoundError(f"no client named {one_line(text.strip())!r}")
        return ClientChoice(client.id or 0, client.name)


def client_choices(db: Database) -> list[ClientName]:
    """Every client (id, name, archived) for matching as the user types: call
    `lookup.match_client_names(choices, text)` on each key; its `.client` is exactly what
    `find_client_choice` (Enter) picks, `.describe()` says so in words, and `.completion()`
    gives an inline suggestion when the text begins the name."""
    with db.read() as tx:
        return load_client_names(tx)


def client_names(db: Database, *, limit: int = 500) -> list[str]:
    """Client names in name order, for form suggestions (active clients first)."""
    with db.read() as tx:
        query = "SELECT name FROM client ORDER BY archived, name_key" + tx.page(limit)
        return tx.column(query)


def client_zone(db: Database, client_id: int | None) -> str | None:
    """A client's IANA time zone (for "their local time" in the detail view), if it has one."""
    if client_id is None:
        return None
    with db.read() as tx:
        client = get(tx, Client, client_id)
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
    scope: Scope = EVERYONE,
) -> list[ColumnPage]:
    """Every column's first page (`limits` per column name, default BOARD_PAGE; `sorts` per
    column name, default by hand) in one read."""
    limits, sorts = limits or {}, sorts or {}
    with db.read() as tx:
        return [
            _column(
                tx,
                name,
                config=config,
                now=now,
                client=client,
                text=text,
                offset=0,
                limit=limits.get(name, BOARD_PAGE),
                sort=sorts.get(name, "position"),
                scope=scope,
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
    scope: Scope = EVERYONE,
) -> ColumnPage:
    """One page of one column (the next page when the user scrolls to its end)."""
    with db.read() as tx:
        return _column(
            tx,
            column,
            config=config,
            now=now,
            client=client,
            text=text,
            offset=offset,
            limit=limit,
            sort=sort,
            scope=scope,
        )


def _column(
    tx: Tx,
    name: str,
    *,
    config: Config,
    now: datetime,
    client: int | None,
    text: str | None,
    offset: int,
    limit: int,
    sort: str = "position",
    scope: Scope = EVERYONE,
) -> ColumnPage:
    where = ['parent_id IS NULL AND "column" = :column']
    params: dict[str, Any] = {"column": name}
    if not scope.everyone:
        where.append(scope.owned(params))
    if name == config.done_column:
        # Done shows only recent cards; older ones stay reachable through search and `show`.
        where.append("done_at >= :recent")
        params["recent"] = now - timedelta(days=config.done_recent_days)
    else:
        where.append("done_at IS NULL")
    if client is not None:
        where.append("client_id = :client")
        params["client"] = client
    if text and text.strip():
        where.append(_task_matches(text.strip(), params, tx.dialect))
    clause = " AND ".join(where)
    total = int(tx.scalar(f"SELECT count(*) FROM task WHERE {clause}", params))
    order, order_params = _column_order(sort)
    sql = f"SELECT * FROM task WHERE {clause} ORDER BY {order}" + tx.page(limit, offset)
    found = records(tx, Task, sql, {**params, **order_params}) if total > offset else []
    return ColumnPage(name, total, rows_for(tx, found), offset)


def _column_order(sort: str) -> tuple[str, dict[str, Any]]:
    """ORDER BY for a column sorted `sort` (one of COLUMN_SORTS); ties keep the hand order."""
    if sort not in COLUMN_SORTS:
        raise ValueError(f"unknown column sort {sort!r}; one of {', '.join(COLUMN_SORTS)}")
    by_hand = "position, id"
    # Both stored kinds of deadline in one key: SQLite compares the stored text (a date sorts
    # before the times of its day), PostgreSQL casts the date to the start of its day.
    due = "coalesce(due_at, due_date)"
    by_due = f"CASE WHEN {due} IS NULL THEN 1 ELSE 0 END, {due}"
    if sort == "due":
        return f"{by_due}, {by_hand}", {}
    if sort == "priority":
        whens = " ".join(
            f"WHEN :pri_{i} THEN {-rank}" for i, rank in enumerate(PRIORITY_RANK.values())
        )
        params = {f"pri_{i}": str(name) for i, name in enumerate(PRIORITY_RANK)}
        return f"CASE priority {whens} ELSE 0 END, {by_due}, {by_hand}", params
    return by_hand, {}


def _task_matches(text: str, params: dict[str, Any], dialect: str) -> str:
    """SQL for cards whose title, notes, assignee or a tag contain `text` (binds its params)."""
    params["text"] = like_pattern(text)
    params["who"] = like_pattern(text.lstrip("@"))
    params["tag"] = fold(text).lstrip("+")
    return (
        f"({contains_folded(('title', 'notes'), 'text', dialect)} "
        f"OR {contains_folded(('assignee',), 'who', dialect)} "
        "OR id IN (SELECT task_id FROM task_tag WHERE tag = :tag))"
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
    scope: Scope = EVERYONE,
) -> InboxPage:
    """A page of open leads in the inbox order (`leads.inbox_leads`, as `amtui lead list`),
    with the counts; each row carries its next action."""
    with db.read() as tx:
        params: dict[str, Any] = {}
        extra: list[str] = [] if scope.everyone else [scope.owned(params)]
        extra += lead_filters(tx, params, client=client, text=text)
        (waiting, rest), leads = inbox_leads(
            tx, extra, params, offset=offset, limit=limit, count=True
        )
        rows = lead_rows(tx, leads, rule)
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
        invoices=section(agenda.invoices),
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
    if item.invoice is not None:
        invoice = item.invoice.invoice
        return [invoice.number or "", invoice.notes, item.invoice.client_name]
    assert item.reminder is not None
    return [item.reminder.reminder.text, item.reminder.subject_title or ""]
