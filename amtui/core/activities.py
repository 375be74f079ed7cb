"""The timeline: every change to a lead, client or task is recorded as an activity.

One action, one entry: a command writes exactly one activity on its subject, whatever else it
sets off. `lead log L7 call` on a new lead is one `call` entry, and what it also did (the first
response, new → contacted, the reply that stopped the ladder at step 2) is kept on that entry
under `data["effects"]` (`add_effects`) and told by `describe_activity`. Older databases may
hold separate entries for those effects (`responded`, `reply-received`, ladder notes).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Any

from amtui.core.models import Activity, Client, Lead, Task, insert, records
from amtui.core.patterns import lazy
from amtui.core.sql import Tx


class ActivityKind(StrEnum):
    CREATED = "created"
    EDITED = "edited"
    MOVED = "moved"
    DONE = "done"
    REOPENED = "reopened"
    NOTE = "note"
    EMAIL_IN = "email-in"
    EMAIL_OUT = "email-out"
    CALL = "call"
    MEETING = "meeting"
    PROPOSAL_SENT = "proposal-sent"
    REPLY_RECEIVED = "reply-received"
    STAGE_CHANGE = "stage-change"
    RESPONDED = "responded"
    ASSIGNED = "assigned"  # a lead or task changed owner (taken, assigned, handed over)


def record_activity(
    tx: Tx,
    subject: Task | Lead | Client,
    kind: ActivityKind | str,
    text: str = "",
    *,
    now: datetime,
    occurred_at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    """Add one timeline entry to `subject` in the caller's transaction. Later changes to the
    entry (`add_effects`, a stage move's text) are the caller's to `save`."""
    activity = Activity(
        kind=str(kind),
        text=text,
        data=data,
        occurred_at=occurred_at or now,
        created_at=now,
        task_id=subject.id if isinstance(subject, Task) else None,
        lead_id=subject.id if isinstance(subject, Lead) else None,
        client_id=subject.id if isinstance(subject, Client) else None,
        actor=tx.actor,
    )
    return insert(tx, activity)


def list_activities(tx: Tx, subject: Task | Lead | Client) -> list[Activity]:
    """The subject's timeline, oldest first."""
    column = {Task: "task_id", Lead: "lead_id", Client: "client_id"}[type(subject)]
    return records(
        tx,
        Activity,
        f"SELECT * FROM activity WHERE {column} = :id ORDER BY occurred_at, id",
        {"id": subject.id},
    )


def add_effects(entry: Activity, **effects: Any) -> None:
    """Record on an action's one timeline entry something else the action did (a stage it
    moved the lead to, the ladder it started or stopped…)."""
    data = dict(entry.data or {})
    data["effects"] = {**data.get("effects", {}), **effects}
    entry.data = data  # a new dict: the JSON column notices the change


#: A time older versions wrote into an entry's text, in UTC (`snoozed until 2026-11-25 17:00 UTC`).
_UTC_IN_TEXT = lazy(r"\b(\d{4}-\d\d-\d\d \d\d:\d\d) UTC\b")


def _local(text: str, tz: tzinfo) -> str:
    """Times written into old entries' text in UTC, shown in `tz` like every other time."""

    def convert(match: re.Match[str]) -> str:
        moment = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"

    return _UTC_IN_TEXT.sub(convert, text)


def describe_activity(activity: Activity, tz: tzinfo) -> str:
    """An entry's text followed by what else it did, times in `tz`:
    `Talked to Anna · first response · new → contacted · follow-up ladder stopped at step 2`."""
    effects: dict[str, Any] = (activity.data or {}).get("effects", {})
    text = _local(activity.text, tz) if activity.text else ""
    if effects.get("snoozed_until"):
        until = datetime.fromisoformat(effects["snoozed_until"]).astimezone(tz)
        text = f"{text} until {until:%Y-%m-%d %H:%M}"
    parts = [text] if text else []
    if effects.get("first_response"):
        parts.append("first response")
    stage = effects.get("stage")
    if stage:
        parts.append(f"{stage['from']} → {stage['to']}")
    if effects.get("answered"):
        parts.append("answer recorded")
    if effects.get("answer_due_at"):
        promised = datetime.fromisoformat(effects["answer_due_at"]).astimezone(tz)
        parts.append(f"answer promised for {promised:%Y-%m-%d %H:%M}")
    stopped = effects.get("ladder_stopped")
    if stopped:
        parts.append(f"follow-up ladder stopped at step {stopped['step']} ({stopped['reason']})")
    started = effects.get("ladder_started")
    if started:
        parts.append(f"follow-up ladder started, step 1 is R{started['reminder']}")
    if effects.get("warm"):
        parts.append("no longer cold")
    if effects.get("cold"):
        parts.append("gone cold: the follow-up ladder ended without a reply")
    if activity.actor:
        parts.append(f"by {activity.actor}")
    return " · ".join(parts)
