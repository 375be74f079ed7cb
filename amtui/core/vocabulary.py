"""The words records use: lead sources, channels and pipeline stages, reminder kinds, task
priorities, and the SQL conditions that name "waiting" and "answer owed" leads.

One place for every list of allowed values and its order. Pure (plain values, no database),
so rules and validators use them freely; `amtui.core.schema` declares its tables from these and
`amtui.core.models` re-exports the enums.
"""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    CLIENT = "client"
    PARTNER = "partner"


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    SOCIAL = "social"
    MESSENGER = "messenger"
    WEB_BRIEF = "web-brief"
    MEETING = "meeting"
    REFERRAL = "referral"
    OTHER = "other"


class Stage(StrEnum):
    """The lead pipeline, in order: new → … → negotiating, then closed as won or lost."""

    NEW = "new"
    CONTACTED = "contacted"
    BRIEFED = "briefed"
    PROPOSAL_SENT = "proposal-sent"
    NEGOTIATING = "negotiating"
    WON = "won"
    LOST = "lost"


SOURCES = tuple(s.value for s in Source)
CHANNELS = tuple(c.value for c in Channel)
#: Every stage in pipeline order.
STAGES = tuple(s.value for s in Stage)
#: A closed lead is won or lost: no deadlines, no ladder, out of the inbox.
CLOSED_STAGES = (Stage.WON.value, Stage.LOST.value)
#: Open stages in pipeline order (what the inbox shows and `lead stage` moves between).
OPEN_STAGES = tuple(s for s in STAGES if s not in CLOSED_STAGES)
#: Stages that mean the substantive answer was given (a brief taken, a proposal, talks).
ANSWERED_STAGES = (Stage.BRIEFED.value, Stage.PROPOSAL_SENT.value, Stage.NEGOTIATING.value)


_CLOSED_SQL = ", ".join(f"'{stage}'" for stage in CLOSED_STAGES)
#: Leads still waiting for a first touch. Queries use this literal text (not bound parameters)
#: so that SQLite can prove they match the partial index `ix_lead_waiting`.
LEAD_WAITING_SQL = f"first_response_at IS NULL AND stage NOT IN ({_CLOSED_SQL})"
#: Leads whose substantive answer is still owed (partial index `ix_lead_answer_due`).
LEAD_ANSWER_PENDING_SQL = f"answered_at IS NULL AND stage NOT IN ({_CLOSED_SQL})"


class ReminderKind(StrEnum):
    CUSTOM = "custom"
    CALL = "call"
    PAYMENT = "payment"
    FIRST_RESPONSE = "first-response"
    CHECK_RECEIPT = "check-receipt"
    FOLLOW_UP = "follow-up"


#: Kinds a person adds by hand; the others are scheduled by the lead rules.
MANUAL_KINDS = (ReminderKind.CUSTOM.value, ReminderKind.CALL.value, ReminderKind.PAYMENT.value)
#: The follow-up ladder's steps: step 1 checks the proposal arrived, later steps follow up.
LADDER_KINDS = (ReminderKind.CHECK_RECEIPT.value, ReminderKind.FOLLOW_UP.value)


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


PRIORITIES = tuple(p.value for p in Priority)
PRIORITY_RANK = {Priority.LOW: 1, Priority.NORMAL: 2, Priority.HIGH: 3, Priority.URGENT: 4}
