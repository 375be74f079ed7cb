"""What is due and not yet notified: reminders and lead deadlines, each reported once to each
member (`amtui.core.notices`).

`collect_due` claims items inside one write transaction (`BEGIN IMMEDIATE` on SQLite, the
advisory write lock on PostgreSQL), so two runs for one member that overlap (a cron job and the
TUI, or two cron jobs) can never both report the same item; another member's run reports it to
them too, if it is theirs or nobody's. Lead deadlines are reported as early as they are
useful: a new lead's first response as soon as it arrives (the whole window is 15 minutes),
the substantive answer `answer_warning_minutes` before it is due. An invoice still owed is
reported once when it falls due within `[money] due_soon_days` and once when it is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from amtui.core import notices
from amtui.core.config import Config
from amtui.core.dates import day_bounds, local_today
from amtui.core.invoice_queries import OWING_SQL, InvoiceRow, invoice_rows
from amtui.core.lead_queries import LeadRow, lead_rows
from amtui.core.members import EVERYONE, Scope
from amtui.core.models import REMINDER_DUE_SQL, Client, Invoice, Lead, Reminder, get, records
from amtui.core.reminders import ReminderRow, reminder_rows
from amtui.core.sla import deadlines_of
from amtui.core.sql import Database, Tx
from amtui.core.vocabulary import LEAD_ANSWER_PENDING_SQL, LEAD_WAITING_SQL


@dataclass
class DueItem:
    """One notification: a reminder, a lead deadline (`first-response` / `answer`) or an
    invoice owed (`invoice-due-soon` / `invoice-overdue`)."""

    kind: str  # "reminder", "first-response", "answer", "invoice-due-soon", "invoice-overdue"
    due: datetime
    zone: ZoneInfo | None  # the client's zone, when known
    reminder: ReminderRow | None = None
    lead: LeadRow | None = None
    invoice: InvoiceRow | None = None

    @property
    def ref(self) -> str:
        if self.reminder is not None:
            return self.reminder.reminder.ref
        if self.invoice is not None:
            return self.invoice.ref
        assert self.lead is not None
        return self.lead.lead.ref


def collect_due(
    db: Database, *, now: datetime, config: Config, scope: Scope = EVERYONE
) -> list[DueItem]:
    """Claim and return everything due now that was not notified before (oldest first);
    `scope`: only one member's (a per-person cron job), nobody's leads included."""
    with db.write() as tx:
        notices.prune(tx)
        told = notices.recipient(tx, config)
        params: dict[str, Any] = {"now": now}
        reminder_scope = scope.reminders(params)
        lead_scope = scope.owned(params)
        reminder_ids = notices.claim(
            tx,
            "reminder",
            f"done_at IS NULL AND {REMINDER_DUE_SQL} <= :now AND {reminder_scope}",
            params,
            told=told,
            now=now,
        )
        waiting_ids = notices.claim(
            tx, "first-response", f"{LEAD_WAITING_SQL} AND {lead_scope}", params, told=told, now=now
        )
        warning = timedelta(minutes=config.answer_warning_minutes)
        answer_ids = notices.claim(
            tx,
            "answer",
            f"{LEAD_ANSWER_PENDING_SQL} AND first_response_at IS NOT NULL "
            f"AND answer_due_at <= :soon AND {lead_scope}",
            {**params, "soon": now + warning},
            told=told,
            now=now,
        )
        items: list[DueItem] = []
        reminders = records(
            tx, Reminder, "SELECT * FROM reminder WHERE id IN :ids", {"ids": tuple(reminder_ids)}
        )
        for reminder_row in reminder_rows(tx, reminders):
            # The client's zone as the agenda shows it: the lead's own, else its client's
            # (for reminders about a lead, a client or a task alike); None when unknown.
            zone = ZoneInfo(reminder_row.zone) if reminder_row.zone else None
            due = reminder_row.reminder.effective_due
            items.append(DueItem("reminder", due, zone, reminder=reminder_row))
        leads = records(
            tx, Lead, "SELECT * FROM lead WHERE id IN :ids", {"ids": (*waiting_ids, *answer_ids)}
        )
        for row in lead_rows(tx, leads):
            lead = row.lead
            zone = _known_zone(tx, lead)
            deadlines = deadlines_of(lead, config.response_rule)
            assert deadlines is not None  # claimed through conditions on open leads only
            for kind, ids in (("first-response", waiting_ids), ("answer", answer_ids)):
                if lead.id in ids:
                    items.append(DueItem(kind, deadlines.of(kind).due, zone, lead=row))
        items.extend(_claim_invoices(tx, now=now, config=config, told=told, scope=scope))
    items.sort(key=lambda item: (item.due, item.ref))
    return items


def _claim_invoices(
    tx: Tx, *, now: datetime, config: Config, told: int, scope: Scope
) -> list[DueItem]:
    """Invoices still owed: once when due within `due_soon_days` (and not yet overdue), once
    when overdue. The due instant is the start of the due day in the user's zone."""
    tz = config.timezone
    today = local_today(now, tz)
    soon = config.money.due_soon_days
    params: dict[str, Any] = {"now": now, "today": today, "soon": today + timedelta(days=soon)}
    owned = scope.invoices(params)
    soon_ids = notices.claim(
        tx,
        "invoice-due-soon",
        f"{OWING_SQL} AND due_on >= :today AND due_on <= :soon AND {owned}",
        params,
        told=told,
        now=now,
    )
    overdue_ids = notices.claim(
        tx,
        "invoice-overdue",
        f"{OWING_SQL} AND due_on < :today AND {owned}",
        params,
        told=told,
        now=now,
    )
    found = records(
        tx, Invoice, "SELECT * FROM invoice WHERE id IN :ids", {"ids": (*soon_ids, *overdue_ids)}
    )
    items = []
    for row in invoice_rows(tx, found, today=today, due_soon_days=soon):
        assert row.invoice.due_on is not None  # claimed through conditions on due_on
        kind = "invoice-overdue" if row.invoice.id in overdue_ids else "invoice-due-soon"
        items.append(DueItem(kind, day_bounds(row.invoice.due_on, tz)[0], None, invoice=row))
    return items


def _known_zone(tx: Tx, lead: Lead) -> ZoneInfo | None:
    """The lead's client zone when known (its own, else its client's); never the user's."""
    if lead.timezone:
        return ZoneInfo(lead.timezone)
    client = get(tx, Client, lead.client_id)
    return ZoneInfo(client.timezone) if client is not None and client.timezone else None
