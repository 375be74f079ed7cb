"""Reading leads: the inbox in its one order, rows with their next action, one lead's details.

Rows are decorated in batches (client names, next actions: one query each for a page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from amtui.core.activities import list_activities
from amtui.core.db import Database
from amtui.core.errors import NotFoundError
from amtui.core.lookup import fetch, find_client
from amtui.core.models import Activity, Client, Lead, Reminder, Task, effective_due
from amtui.core.sla import NextAction, ResponseRule, deadlines_of, next_action
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


@dataclass
class LeadRow:
    lead: Lead
    client_name: str | None = None
    next_action: NextAction | None = None  # filled when the caller passes a ResponseRule


@dataclass
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
) -> list[LeadRow]:
    """Leads in the inbox order (`inbox_page`), closed ones last when asked for. With `rule`,
    each row carries its next action."""
    with db.read() as session:
        where: list[sa.ColumnElement[bool]] = []
        if stage is not None:
            stage = check_choice(stage, STAGES, "stage")
            where.append(col(Lead.stage) == stage)
            include_closed = include_closed or stage in CLOSED_STAGES
        if waiting:
            where.append(col(Lead.first_response_at).is_(None))
        if client is not None:
            found = find_client(session, client)
            if found is None:
                raise NotFoundError(f"no client named {one_line(client)!r}")
            where.append(col(Lead.client_id) == found.id)
        if source is not None:
            where.append(col(Lead.source) == check_choice(source, SOURCES, "source"))
        if channel is not None:
            where.append(col(Lead.channel) == check_choice(channel, CHANNELS, "channel"))
        _, leads = inbox_leads(
            session, where, offset=offset, limit=limit, include_closed=include_closed
        )
        return lead_rows(session, leads, rule)


def _inbox_groups(include_closed: bool) -> list[tuple[list[Any], list[Any]]]:
    """The inbox order as (conditions, order) per group. Each group walks an index: waiting
    leads `ix_lead_waiting` (oldest first: the most urgent), the other open ones the stage
    index (next action first: `next_action_order`), closed ones last (newest first)."""
    next_action = next_action_order()
    groups: list[tuple[list[Any], list[Any]]] = [
        # Literal SQL text, so SQLite can prove the partial index ix_lead_waiting applies.
        ([sa.text(LEAD_WAITING_SQL)], [col(Lead.received_at), col(Lead.id)]),
        (
            # IN, not NOT IN: it walks ix_lead_stage.
            [col(Lead.first_response_at).is_not(None), col(Lead.stage).in_(OPEN_STAGES)],
            [
                sa.case((next_action.is_(None), 1), else_=0),
                next_action,
                col(Lead.received_at).desc(),
                col(Lead.id).desc(),
            ],
        ),
    ]
    if include_closed:
        closed = [col(Lead.stage).in_(CLOSED_STAGES)]
        groups.append((closed, [col(Lead.received_at).desc(), col(Lead.id).desc()]))
    return groups


def inbox_leads(
    session: Session,
    where: Sequence[sa.ColumnElement[bool]] = (),
    *,
    offset: int = 0,
    limit: int | None = None,
    include_closed: bool = False,
    count: bool = False,
) -> tuple[list[int], list[Lead]]:
    """The one inbox order, for `lead list` and the app's inbox alike: leads waiting for a
    first response (oldest first), then the other open leads by their next action (answer
    deadline or earliest reminder; none last, newest first), then (`include_closed`) won and
    lost ones, newest first. Returns how many match in each group (with `count`, or as far as
    `offset` needed them; -1 when not counted) and the page from `offset`."""
    counts: list[int] = []
    leads: list[Lead] = []
    skip = offset
    for conditions, order in _inbox_groups(include_closed):
        clause = [*conditions, *where]
        total = -1
        if count or skip > 0:
            total = session.exec(select(func.count()).select_from(Lead).where(*clause)).one()
        counts.append(total)
        room = None if limit is None else limit - len(leads)
        if room == 0:
            continue
        if skip > 0 and skip >= total:
            skip -= total
            continue
        query = select(Lead).where(*clause).order_by(*order).offset(skip)
        if room is not None:
            query = query.limit(room)
        leads.extend(session.exec(query))
        skip = 0
    return counts, leads


def lead_rows(
    session: Session, leads: list[Lead], rule: ResponseRule | None = None
) -> list[LeadRow]:
    """Attach client names (and, given the response rule, each open lead's next action) with
    one query each for the whole page."""
    ids = {lead.client_id for lead in leads if lead.client_id}
    names: dict[int | None, str] = {}
    if ids:
        names = dict(
            session.execute(select(Client.id, Client.name).where(col(Client.id).in_(ids))).all()
        )
    rows = [LeadRow(lead, names.get(lead.client_id)) for lead in leads]
    if rule is not None:
        _attach_next_actions(session, rows, rule)
    return rows


def _attach_next_actions(session: Session, rows: list[LeadRow], rule: ResponseRule) -> None:
    open_rows = {row.lead.id: row for row in rows if row.lead.stage not in CLOSED_STAGES}
    if not open_rows:
        return
    reminders: dict[int, NextAction] = {}
    query = (
        sa.select(
            col(Reminder.lead_id),
            col(Reminder.id),
            col(Reminder.kind),
            col(Reminder.step),
            effective_due(),
        )
        .where(col(Reminder.lead_id).in_(list(open_rows)), col(Reminder.done_at).is_(None))
        .order_by(effective_due(), col(Reminder.id))
    )
    for lead_id, reminder_id, kind, step, due in session.execute(query):
        if lead_id not in reminders:
            due = due if due.tzinfo else due.replace(tzinfo=UTC)  # coalesce() skips the type
            reminders[lead_id] = NextAction(kind, due, reminder_id, step)
    for lead_id, row in open_rows.items():
        row.next_action = next_action(deadlines_of(row.lead, rule), reminders.get(lead_id or 0))


def next_action_order() -> sa.ColumnElement[Any]:
    """SQL for when an answered-or-responded lead next needs something: its answer deadline
    while the answer is owed, or its earliest open reminder (follow-up steps included)."""
    reminder = (
        select(func.min(effective_due()))
        .where(col(Reminder.lead_id) == Lead.id, col(Reminder.done_at).is_(None))
        .scalar_subquery()
    )
    answer = sa.case((col(Lead.answered_at).is_(None), col(Lead.answer_due_at)), else_=None)
    return sa.case(
        (reminder.is_(None), answer),
        (answer.is_(None), reminder),
        (answer < reminder, answer),
        else_=reminder,
    )


def get_lead_details(db: Database, reference: str) -> LeadDetails:
    """Everything the detail view and `amtui show L7` print about one lead."""
    with db.read() as session:
        lead = fetch(session, Lead, reference)
        (row,) = lead_rows(session, [lead])
        tasks = list(
            session.exec(select(Task).where(col(Task.lead_id) == lead.id).order_by(col(Task.id)))
        )
        reminders = list(
            session.exec(
                select(Reminder)
                .where(col(Reminder.lead_id) == lead.id)
                .order_by(col(Reminder.due_at))
            )
        )
        client = session.get(Client, lead.client_id) if lead.client_id else None
        return LeadDetails(
            row,
            tasks,
            reminders,
            list_activities(session, lead),
            client.timezone if client else None,
        )
