"""Reading leads: the inbox in its one order, rows with their next action, one lead's details.

Rows are decorated in batches (client names, next actions: one query each for a page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from amtui.core.errors import NotFoundError
from amtui.core.members import EVERYONE, Scope, member_handles
from amtui.core.models import (
    REMINDER_DUE_SQL,
    Activity,
    Client,
    Lead,
    Reminder,
    Task,
    get,
    records,
)
from amtui.core.sla import NextAction, ResponseRule, deadlines_of, next_action
from amtui.core.sql import Database, Tx, contains_folded, like_pattern
from amtui.core.structs import struct
from amtui.core.text import one_line
from amtui.core.validate import check_choice
from amtui.core.vocabulary import (
    CHANNELS,
    CLOSED_STAGES,
    LEAD_WAITING_SQL,
    OPEN_STAGES,
    SOURCES,
    STAGES,
)


@struct
class LeadRow:
    lead: Lead
    client_name: str | None = None
    next_action: NextAction | None = None  # filled when the caller passes a ResponseRule
    owner: str | None = None  # the owner's handle (team mode)


@struct
class LeadDetails:
    row: LeadRow
    tasks: list[Task]
    reminders: list[Reminder]
    activities: list[Activity]
    client_zone: str | None = None

    @property
    def zone(self) -> str | None:
        """The client's IANA zone as far as it is known: the lead's own, else its client's."""
        return self.row.lead.timezone or self.client_zone


def list_leads(
    db: Database,
    *,
    stage: str | None = None,
    waiting: bool = False,
    client: str | None = None,
    source: str | None = None,
    channel: str | None = None,
    include_closed: bool = False,
    limit: int | None = 200,
    offset: int = 0,
    rule: ResponseRule | None = None,
    scope: Scope = EVERYONE,
) -> list[LeadRow]:
    """Leads in the inbox order (`inbox_page`), closed ones last when asked for. With `rule`,
    each row carries its next action; with `scope`, one member's (and nobody's) only."""
    from amtui.core.lookup import find_client

    with db.read() as tx:
        params: dict[str, Any] = {}
        where: list[str] = [] if scope.everyone else [scope.owned(params)]
        if stage is not None:
            stage = check_choice(stage, STAGES, "stage")
            where.append("stage = :stage")
            params["stage"] = stage
            include_closed = include_closed or stage in CLOSED_STAGES
        if waiting:
            where.append("first_response_at IS NULL")
        if client is not None:
            found = find_client(tx, client)
            if found is None:
                raise NotFoundError(f"no client named {one_line(client)!r}")
            where.append("client_id = :client")
            params["client"] = found.id
        if source is not None:
            where.append("source = :source")
            params["source"] = check_choice(source, SOURCES, "source")
        if channel is not None:
            where.append("channel = :channel")
            params["channel"] = check_choice(channel, CHANNELS, "channel")
        _, leads = inbox_leads(
            tx, where, params, offset=offset, limit=limit, include_closed=include_closed
        )
        return lead_rows(tx, leads, rule)


#: SQL for when an answered-or-responded lead next needs something: its answer deadline while
#: the answer is owed, or its earliest open reminder (follow-up steps included).
_REMINDER_DUE = (
    f"(SELECT min({REMINDER_DUE_SQL}) FROM reminder "
    "WHERE reminder.lead_id = lead.id AND reminder.done_at IS NULL)"
)
_ANSWER_DUE = "(CASE WHEN lead.answered_at IS NULL THEN lead.answer_due_at ELSE NULL END)"
NEXT_ACTION_SQL = (
    f"(CASE WHEN {_REMINDER_DUE} IS NULL THEN {_ANSWER_DUE} "
    f"WHEN {_ANSWER_DUE} IS NULL THEN {_REMINDER_DUE} "
    f"WHEN {_ANSWER_DUE} < {_REMINDER_DUE} THEN {_ANSWER_DUE} ELSE {_REMINDER_DUE} END)"
)


def _inbox_groups(include_closed: bool) -> list[tuple[str, str]]:
    """The inbox order as (condition, order) per group. Each group walks an index: waiting
    leads `ix_lead_waiting` (oldest first: the most urgent), the other open ones the stage
    index (next action first: `NEXT_ACTION_SQL`), closed ones last (newest first)."""
    open_stages = ", ".join(f"'{stage}'" for stage in OPEN_STAGES)
    groups = [
        # Literal SQL text, so SQLite can prove the partial index ix_lead_waiting applies.
        (LEAD_WAITING_SQL, "received_at, id"),
        (
            # IN, not NOT IN: it walks ix_lead_stage.
            f"first_response_at IS NOT NULL AND stage IN ({open_stages})",
            f"CASE WHEN {NEXT_ACTION_SQL} IS NULL THEN 1 ELSE 0 END, {NEXT_ACTION_SQL}, "
            "received_at DESC, id DESC",
        ),
    ]
    if include_closed:
        closed = ", ".join(f"'{stage}'" for stage in CLOSED_STAGES)
        groups.append((f"stage IN ({closed})", "received_at DESC, id DESC"))
    return groups


def inbox_leads(
    tx: Tx,
    where: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
    include_closed: bool = False,
    count: bool = False,
) -> tuple[list[int], list[Lead]]:
    """The one inbox order, for `lead list` and the app's inbox alike: leads waiting for a
    first response (oldest first), then the other open leads by their next action (answer
    deadline or earliest reminder; none last, newest first), then (`include_closed`) won and
    lost ones, newest first. `where`: further SQL conditions on `lead`, with their `params`.
    Returns how many match in each group (with `count`, or as far as `offset` needed them; -1
    when not counted) and the page from `offset`."""
    counts: list[int] = []
    leads: list[Lead] = []
    skip = offset
    for condition, order in _inbox_groups(include_closed):
        clause = " AND ".join([condition, *where])
        total = -1
        if count or skip > 0:
            total = int(tx.scalar(f"SELECT count(*) FROM lead WHERE {clause}", params))
        counts.append(total)
        room = None if limit is None else limit - len(leads)
        if room == 0:
            continue
        if skip > 0 and skip >= total:
            skip -= total
            continue
        sql = f"SELECT * FROM lead WHERE {clause} ORDER BY {order}" + tx.page(room, skip)
        leads.extend(records(tx, Lead, sql, params))
        skip = 0
    return counts, leads


#: The words a lead filter (`/` in the inbox, the pipeline board) looks in.
LEAD_TEXT_FIELDS = ("title", "partner", "contact_name", "contact_email", "notes")


def lead_filters(
    tx: Tx, params: dict[str, Any], *, client: int | None = None, text: str | None = None
) -> list[str]:
    """SQL conditions on `lead` for one client and for `text` anywhere in its words (any
    case, any script), binding their values in `params`."""
    where = []
    if client is not None:
        where.append("client_id = :client")
        params["client"] = client
    if text and text.strip():
        where.append(contains_folded(LEAD_TEXT_FIELDS, "text", tx.dialect))
        params["text"] = like_pattern(text.strip())
    return where


def lead_rows(tx: Tx, leads: list[Lead], rule: ResponseRule | None = None) -> list[LeadRow]:
    """Attach client names (and, given the response rule, each open lead's next action) with
    one query each for the whole page."""
    ids = tuple({lead.client_id for lead in leads if lead.client_id})
    names: dict[int | None, str] = {}
    if ids:
        names = dict(tx.tuples("SELECT id, name FROM client WHERE id IN :ids", {"ids": ids}))
    owners = member_handles(tx, {lead.owner_id for lead in leads})
    # Every field by position: the struct's quick path (with a keyword it names each one).
    rows = [
        LeadRow(lead, names.get(lead.client_id), None, owners.get(lead.owner_id or 0))
        for lead in leads
    ]
    if rule is not None:
        _attach_next_actions(tx, rows, rule)
    return rows


def _attach_next_actions(tx: Tx, rows: list[LeadRow], rule: ResponseRule) -> None:
    open_rows = {row.lead.id: row for row in rows if row.lead.stage not in CLOSED_STAGES}
    if not open_rows:
        return
    reminders: dict[int, NextAction] = {}
    query = (
        f'SELECT lead_id, id, kind, step, {REMINDER_DUE_SQL} AS "due [DATETIME]" FROM reminder '
        f"WHERE lead_id IN :ids AND done_at IS NULL ORDER BY {REMINDER_DUE_SQL}, id"
    )
    for lead_id, reminder_id, kind, step, due in tx.tuples(query, {"ids": tuple(open_rows)}):
        if lead_id not in reminders:
            reminders[lead_id] = NextAction(kind, due, reminder_id, step)
    for lead_id, row in open_rows.items():
        row.next_action = next_action(deadlines_of(row.lead, rule), reminders.get(lead_id or 0))


def get_lead_details(db: Database, reference: str) -> LeadDetails:
    """Everything the detail view and `amtui show L7` print about one lead."""
    from amtui.core.activities import list_activities
    from amtui.core.lookup import fetch

    with db.read() as tx:
        lead = fetch(tx, Lead, reference)
        (row,) = lead_rows(tx, [lead])
        params = {"id": lead.id}
        tasks = records(tx, Task, "SELECT * FROM task WHERE lead_id = :id ORDER BY id", params)
        reminders = records(
            tx, Reminder, "SELECT * FROM reminder WHERE lead_id = :id ORDER BY due_at, id", params
        )
        client = get(tx, Client, lead.client_id)
        return LeadDetails(
            row,
            tasks,
            reminders,
            list_activities(tx, lead),
            client.timezone if client else None,
        )
