"""The timeline: every change to a lead, client or task is recorded as an activity."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from amtui.core.models import Activity, Client, Lead, Task


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


def record_activity(
    session: Session,
    subject: Task | Lead | Client,
    kind: ActivityKind | str,
    text: str = "",
    *,
    now: datetime,
    occurred_at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    """Add one timeline entry to `subject` in the caller's transaction."""
    activity = Activity(
        kind=str(kind),
        text=text,
        data=data,
        occurred_at=occurred_at or now,
        created_at=now,
        task_id=subject.id if isinstance(subject, Task) else None,
        lead_id=subject.id if isinstance(subject, Lead) else None,
        client_id=subject.id if isinstance(subject, Client) else None,
    )
    session.add(activity)
    return activity


def list_activities(session: Session, subject: Task | Lead | Client) -> list[Activity]:
    """The subject's timeline, oldest first."""
    column = {Task: Activity.task_id, Lead: Activity.lead_id, Client: Activity.client_id}[
        type(subject)
    ]
    query = (
        select(Activity)
        .where(column == subject.id)
        .order_by(col(Activity.occurred_at), col(Activity.id))
    )
    return list(session.exec(query))
