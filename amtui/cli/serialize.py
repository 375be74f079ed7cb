"""Stable JSON shapes (documented in the README) and shared text fragments for records.

Datetimes are ISO 8601 in the user's zone with its offset; all-day dates are `YYYY-MM-DD`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from amtui.core.money import format_value, value_number
from amtui.core.refs import Kind, ref, ref_or_none

if TYPE_CHECKING:
    from amtui.core.agenda import Agenda, AgendaItem, Section
    from amtui.core.clients import ClientSummary
    from amtui.core.config import Config
    from amtui.core.lead_queries import LeadDetails, LeadRow
    from amtui.core.models import Activity, Client, Contact, Reminder
    from amtui.core.notify import DueItem
    from amtui.core.reminders import ReminderRow
    from amtui.core.report import LeadReport
    from amtui.core.search import SearchHit
    from amtui.core.sla import LeadDeadlines, ResponseRule
    from amtui.core.task_queries import TaskRow


def iso(value: date | datetime | None, tz: tzinfo) -> str | None:
    """An instant in `tz` as `value.astimezone(tz).isoformat(timespec="seconds")` writes it
    (`2026-12-02T09:30:00+01:00`); a date as `2026-12-02`.

    `isoformat` formats through `PyUnicode_FromFormat`, ~11 k instructions a call; the agenda's
    JSON writes ~1 500 instants. The day and the UTC offset repeat, so each is formatted once
    and kept; the time of day is three table look-ups (~9 k instructions in all with the zone
    conversion, which stays `astimezone`'s). tests/cli/test_serialize.py holds it to isoformat.
    """
    if value is None:
        return None
    if not isinstance(value, datetime):
        return value.isoformat()
    local = value.astimezone(tz)
    ordinal = local.toordinal()
    day = _ISO_DAYS.get(ordinal)
    if day is None:
        day = _ISO_DAYS[ordinal] = local.date().isoformat() + "T"
    offset = local.utcoffset()
    zone = _ISO_OFFSETS.get(offset)
    if zone is None:  # "+01:00"; "+05:30:15" and finer exist in old zone data too
        zone = _ISO_OFFSETS[offset] = local.isoformat(timespec="seconds")[19:]
    two = _TWO_DIGITS
    return f"{day}{two[local.hour]}:{two[local.minute]}:{two[local.second]}{zone}"


_ISO_DAYS: dict[int, str] = {}  # a date's ordinal → "2026-12-02T"
_ISO_OFFSETS: dict[timedelta | None, str] = {}
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))


def task_json(row: TaskRow, tz: tzinfo) -> dict[str, Any]:
    task = row.task
    return {
        "ref": task.ref,
        "title": task.title,
        "notes": task.notes,
        "column": task.column,
        "position": task.position,
        "parent": ref_or_none(Kind.TASK, task.parent_id),
        "client": {"ref": ref(Kind.CLIENT, task.client_id), "name": row.client_name}
        if task.client_id
        else None,
        "lead": ref_or_none(Kind.LEAD, task.lead_id),
        "due": iso(task.due, tz),
        "all_day": None if task.due is None else task.due_at is None,
        "priority": task.priority,
        "tags": row.tags,
        "assignee": task.assignee,
        "estimate_hours": task.estimate_hours,
        "owner": row.owner,
        "subtasks": {"done": row.subtasks_done, "total": row.subtasks_total},
        "done_at": iso(task.done_at, tz),
        "created_at": iso(task.created_at, tz),
        "updated_at": iso(task.updated_at, tz),
        "recur": task.recur,
        "series": ref(Kind.TASK, task.series_id or task.id) if task.recur else None,
    }


def lead_json(row: LeadRow, tz: tzinfo, rule: ResponseRule) -> dict[str, Any]:
    from amtui.core.sla import deadlines_of

    lead = row.lead
    deadlines = deadlines_of(lead, rule)  # None once the lead is closed
    respond_by = deadlines.first_response.due if deadlines else rule.due(lead.received_at)
    return {
        "ref": lead.ref,
        "title": lead.title,
        "stage": lead.stage,
        "source": lead.source,
        "partner": lead.partner,
        "channel": lead.channel,
        "owner": row.owner,
        "client": {"ref": ref(Kind.CLIENT, lead.client_id), "name": row.client_name}
        if lead.client_id
        else None,
        "contact": {
            "name": lead.contact_name,
            "email": lead.contact_email,
            "phone": lead.contact_phone,
        },
        "value": _value(lead.value_minor, lead.currency),
        "currency": lead.currency,
        "timezone": lead.timezone,
        "received_at": iso(lead.received_at, tz),
        "respond_by": iso(respond_by, tz),
        "first_response_at": iso(lead.first_response_at, tz),
        "answer_due_at": iso(lead.answer_due_at, tz),
        "answered_at": iso(lead.answered_at, tz),
        "next_deadline": _next_deadline(deadlines, tz),
        "cold_at": iso(lead.cold_at, tz),
        "lost_reason": lead.lost_reason,
        "brief": lead.brief,
        "external_id": lead.external_id,
        "notes": lead.notes,
        "created_at": iso(lead.created_at, tz),
        "updated_at": iso(lead.updated_at, tz),
    }


def _next_deadline(deadlines: LeadDeadlines | None, tz: tzinfo) -> dict[str, Any] | None:
    upcoming = deadlines.next() if deadlines else None
    return None if upcoming is None else {"kind": upcoming.kind, "due": iso(upcoming.due, tz)}


def next_step_json(step: Reminder, tz: tzinfo, zone: tzinfo) -> dict[str, Any]:
    """The pending ladder step: `{ref, step, due, client_due, client_zone}`."""
    return {
        "ref": step.ref,
        "step": step.step,
        "due": iso(step.effective_due, tz),
        "client_due": iso(step.effective_due, zone),
        "client_zone": str(zone),
    }


def followups_json(details: LeadDetails, config: Config, now: datetime) -> dict[str, Any]:
    """A lead's ladder for `show L7 --format json`: `{status, steps, done, next, planned,
    cold_at}`; `planned` lists every remaining step from the pending one on, `{step, kind,
    due, client_due}`, by the rule that schedules them."""
    from amtui.core.sla import ladder_plan, ladder_state

    tz = config.timezone
    zone = config.deadline_zone(details.zone)
    state = ladder_state(details.row.lead, details.reminders, config)
    return {
        "status": state.status,
        "steps": state.steps,
        "done": state.done,
        "next": None if state.pending is None else next_step_json(state.pending, tz, zone),
        "planned": [
            {
                "step": p.step,
                "kind": p.kind,
                "due": iso(p.due, tz),
                "client_due": iso(p.due, zone),
            }
            for p in ladder_plan(state, config, zone, now)
        ],
        "cold_at": iso(state.cold_at, tz),
    }


def client_json(
    client: Client, tz: tzinfo, summary: ClientSummary | None = None, owner: str | None = None
) -> dict[str, Any]:
    """A client; `owner` (or the summary's) is its owner's member handle."""
    from amtui.core.clients import kam_quadrant

    data: dict[str, Any] = {
        "ref": client.ref,
        "name": client.name,
        "timezone": client.timezone,
        "owner": summary.owner if summary is not None else owner,
        "kam": {
            "attractiveness": client.kam_attractiveness,
            "relationship": client.kam_relationship,
            "quadrant": kam_quadrant(client.kam_attractiveness, client.kam_relationship),
        },
        "relationship_stage": client.relationship_stage,
        "locale": client.locale,
        "notes": client.notes,
        "archived": client.archived,
        "created_at": iso(client.created_at, tz),
    }
    if summary is not None:
        data["open_tasks"] = summary.open_tasks
        data["open_leads"] = summary.open_leads
    return data


def contact_json(contact: Contact, client: Client) -> dict[str, Any]:
    return {
        "id": contact.id,
        "client": {"ref": client.ref, "name": client.name},
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "role": contact.role,
    }


def reminder_json(row: ReminderRow, tz: tzinfo) -> dict[str, Any]:
    reminder = row.reminder
    return {
        "ref": reminder.ref,
        "text": reminder.text,
        "kind": reminder.kind,
        "step": reminder.step,
        "due": iso(reminder.effective_due, tz),
        "original_due": iso(reminder.due_at, tz),
        "snoozed_until": iso(reminder.snoozed_until, tz),
        "about": {"ref": row.subject_ref, "title": row.subject_title} if row.subject_ref else None,
        "done_at": iso(reminder.done_at, tz),
        "notified_at": iso(reminder.notified_at, tz),
    }


def activity_json(activity: Activity, tz: tzinfo) -> dict[str, Any]:
    from amtui.core.activities import describe_activity

    return {
        "kind": activity.kind,
        "text": activity.text,
        "summary": describe_activity(activity, tz),
        "occurred_at": iso(activity.occurred_at, tz),
        "data": activity.data,
        "by": activity.actor,
    }


def search_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "ref": hit.ref,
        "kind": hit.kind,
        "title": hit.title,
        "detail": hit.detail,
        "open": hit.open,
    }


def agenda_item_json(item: AgendaItem, tz: tzinfo, rule: ResponseRule) -> dict[str, Any]:
    due, zone = iso(item.due, tz), item.zone
    data: dict[str, Any] = {
        "ref": item.ref,
        "due": due,
        "overdue": item.overdue,
        "client_zone": str(zone) if zone else None,
        "client_due": (due if zone is tz else iso(item.due, zone))
        if zone and isinstance(item.due, datetime)
        else None,
    }
    if item.task is not None:
        data["type"], data["all_day"] = "task", item.task.task.due_at is None
        data["task"] = task_json(item.task, tz)
    elif item.lead is not None:
        data["type"], data["all_day"], data["deadline"] = "lead", False, item.deadline
        data["lead"] = lead_json(item.lead, tz, rule)
    elif item.reminder is not None:
        data["type"], data["all_day"] = "reminder", False
        data["reminder"] = reminder_json(item.reminder, tz)
    elif item.invoice is not None:
        from amtui.cli.money_json import invoice_json

        data["type"], data["all_day"] = "invoice", True
        data["invoice"] = invoice_json(item.invoice)
    return data


def agenda_json(agenda: Agenda, rule: ResponseRule) -> dict[str, Any]:
    tz = agenda.timezone

    def section(part: Section) -> dict[str, Any]:
        return {
            "total": part.total,
            "items": [agenda_item_json(i, tz, rule) for i in part.items],
        }

    from amtui.core.describe_agenda import agenda_sections

    data: dict[str, Any] = {
        "date": agenda.day.isoformat(),
        "timezone": str(tz),
        "generated_at": iso(agenda.now, tz),
        "days": agenda.days,
        "owner": agenda.owner,
    }
    for part in agenda_sections(agenda):  # the agenda's one order, and its JSON keys
        data[part.key] = section(part.section)
    return data


def _value(minor: int | None, currency: str | None) -> float | None:
    """A lead's value in major units (`12000.5`; the JSON number it has always been)."""
    return None if minor is None else value_number(minor, currency)


def lead_value(row: LeadRow) -> str:
    return format_value(row.lead.value_minor, row.lead.currency)


def due_json(item: DueItem, tz: tzinfo, rule: ResponseRule) -> dict[str, Any]:
    """One `remind due` item: a reminder or a lead deadline, with the client's local time."""
    data: dict[str, Any] = {
        "ref": item.ref,
        "type": item.kind,
        "due": iso(item.due, tz),
        "client_zone": str(item.zone) if item.zone else None,
        "client_due": iso(item.due, item.zone) if item.zone else None,
    }
    if item.reminder is not None:
        data["reminder"] = reminder_json(item.reminder, tz)
    if item.lead is not None:
        data["lead"] = lead_json(item.lead, tz, rule)
    if item.invoice is not None:
        from amtui.cli.money_json import invoice_json

        data["invoice"] = invoice_json(item.invoice)
    return data


def _minutes(span: timedelta | None) -> float | None:
    return None if span is None else round(span.total_seconds() / 60, 1)


def report_json(report: LeadReport) -> dict[str, Any]:
    return {
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "timezone": str(report.timezone),
        "leads": report.received,
        "by_source": report.by_source,
        "by_channel": report.by_channel,
        "responded": report.responded,
        "first_response_minutes": {
            "median": _minutes(report.response_median),
            "p90": _minutes(report.response_p90),
        },
        "within_target": {
            "minutes": report.target_minutes,
            "count": report.within_target,
            "of": report.decided,
            "share": report.within_target_share,
        },
        "proposals_sent": report.proposals_sent,
        "replies": report.replies,
        "won": report.won,
        "lost": report.lost,
        "win_rate": report.win_rate,
        "gone_cold": report.gone_cold,
    }


def report_rows(report: LeadReport) -> list[list[str]]:
    from amtui.core.display import format_span

    def share(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    def span(value: timedelta | None) -> str:
        return "-" if value is None else format_span(value)

    rows = [
        ["period", f"{report.start} – {report.end} ({report.timezone})"],
        ["leads received", str(report.received)],
    ]
    rows += [[f"  from {source}", str(n)] for source, n in report.by_source.items()]
    rows += [[f"  via {channel}", str(n)] for channel, n in report.by_channel.items()]
    rows += [
        ["first response, median", span(report.response_median)],
        ["first response, 90th percentile", span(report.response_p90)],
        [
            f"answered within {report.target_minutes} min",
            f"{report.within_target} of {report.decided} ({share(report.within_target_share)})",
        ],
        ["proposals sent", str(report.proposals_sent)],
        ["replies received", str(report.replies)],
        ["won / lost", f"{report.won} / {report.lost}"],
        ["win rate", share(report.win_rate)],
        ["gone cold", str(report.gone_cold)],
    ]
    return rows
