"""The lead pipeline: respond, move through stages, log contact, win or lose.

new → contacted → briefed → proposal-sent → negotiating → won | lost (with a reason).
- "contacted" (or any later stage, or an outbound message) records the first response.
- briefed and later stages mean the substantive answer was given.
- "proposal-sent" starts the follow-up ladder; a reply from the client (email-in, call,
  meeting), a win or a loss stops it.
- Won and lost are closed: `reopen` first to move such a lead again. A lead never returns to
  "new" once contacted.
Which moves are allowed and what they mean are the pure rules of `amtui.core.pipeline_rules`
(with the log kinds that count as a reply or a response); this module applies them. Every
service is one transaction and writes one entry on the lead's timeline, which also records
what else the action did (first response, stage, ladder; see `activities`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from amtui.core import journal, notices
from amtui.core.activities import ActivityKind, add_effects, record_activity
from amtui.core.clients import ensure_client
from amtui.core.config import Config
from amtui.core.dates import to_utc
from amtui.core.drafts import draft_from_text
from amtui.core.errors import InputError
from amtui.core.followups import (
    lead_zone,
    pending_step,
    start_ladder,
    stop_ladder,
    stop_ladder_on_reply,
)
from amtui.core.lookup import fetch, find_client
from amtui.core.models import Activity, Client, Lead, Reminder, Task, first, get, save
from amtui.core.pipeline_rules import (
    LOG_KINDS,
    OUTBOUND_KINDS,
    REPLY_KINDS,
    LogKind,
    check_open,
    check_stage_target,
    plan_stage_move,
    reopen_stage,
)
from amtui.core.sla import answer_due, response_owed
from amtui.core.sql import Database, Tx
from amtui.core.tasks import create_task
from amtui.core.validate import check_choice, check_name
from amtui.core.vocabulary import CLOSED_STAGES, STAGES, Stage

#: The event a reply logs when it came before the running ladder began (it does not answer
#: the proposal, so the ladder goes on).
LADDER_GOES_ON = "ladder goes on: this reply came before it began"


@dataclass
class StageResult:
    lead: Lead
    previous: str
    ladder_step: Reminder | None = None
    stopped: Reminder | None = None
    events: list[str] = field(default_factory=list)


@dataclass
class WinResult:
    lead: Lead
    client: Client
    created_client: bool
    tasks: list[Task]


def _open_lead(tx: Tx, reference: str) -> Lead:
    lead = fetch(tx, Lead, reference)
    check_open(lead.ref, lead.stage)
    return lead


def _record_first_response(
    lead: Lead, *, now: datetime, entry: Activity, events: list[str]
) -> None:
    if lead.first_response_at is not None:
        return
    lead.first_response_at = now
    if entry.kind != ActivityKind.RESPONDED:  # a `responded` entry says so by its kind
        add_effects(entry, first_response=True)
    events.append("first response recorded")
    if lead.stage == Stage.NEW.value:
        _move_stage(lead, Stage.CONTACTED.value, now=now, entry=entry, events=events)


def _record_answer(lead: Lead, *, now: datetime, entry: Activity, events: list[str]) -> None:
    if lead.answered_at is None:
        lead.answered_at = now
        add_effects(entry, answered=True)
        events.append("answer recorded")


_STAGE_ENTRIES = (ActivityKind.STAGE_CHANGE.value, ActivityKind.PROPOSAL_SENT.value)


def _stage_entry(tx: Tx, lead: Lead, kind: str, *, now: datetime) -> Activity:
    """The one timeline entry of a stage move (`stage-change`, or `proposal-sent`): its data
    says where the lead came from and went to; `_finish_stage_entry` writes its text."""
    data = {"from": lead.stage, "to": lead.stage}
    return record_activity(tx, lead, kind, "", now=now, data=data)


def _finish_stage_entry(entry: Activity, note: str | None = None) -> None:
    data = entry.data or {}
    entry.text = f"{data['from']} → {data['to']}" + (f": {note}" if note else "")


def _save(tx: Tx, lead: Lead, entry: Activity) -> None:
    """Store what an action changed on the lead and on its one timeline entry."""
    save(tx, lead)
    save(tx, entry)


def _move_stage(
    lead: Lead, stage: str, *, now: datetime, entry: Activity, events: list[str]
) -> None:
    """Move the lead. A stage entry carries the move in its data (from the first stage to the
    last, when one action moves twice); any other entry records it as an effect."""
    previous = lead.stage
    lead.stage = stage
    lead.updated_at = now
    if entry.kind in _STAGE_ENTRIES:
        entry.data = {**(entry.data or {}), "to": stage}
    else:
        first = ((entry.data or {}).get("effects", {}).get("stage") or {}).get("from", previous)
        add_effects(entry, stage={"from": first, "to": stage})
    events.append(f"stage {previous} → {stage}")


def respond_lead(
    db: Database,
    reference: str,
    *,
    now: datetime,
    config: Config,
    note: str | None = None,
    answered: bool = False,
    answer_by: str | datetime | None = None,
) -> StageResult:
    """Record the first response (new → contacted). The first call may also say the answer was
    complete (`answered`) or promise it for a time (`answer_by`); a later call records the
    substantive answer itself."""
    with db.write() as tx:
        lead = _open_lead(tx, reference)
        previous = lead.stage
        events: list[str] = []
        owed = response_owed(lead, config.response_rule)
        if owed == "respond":
            entry = record_activity(
                tx, lead, ActivityKind.RESPONDED, note or "first response", now=now
            )
            _record_first_response(lead, now=now, entry=entry, events=events)
            if answered:
                _record_answer(lead, now=now, entry=entry, events=events)
        elif owed is None:
            raise InputError(f"{lead.ref} was already responded to and answered")
        elif answer_by is None:
            entry = record_activity(
                tx, lead, ActivityKind.EMAIL_OUT, note or "answer sent", now=now
            )
            _record_answer(lead, now=now, entry=entry, events=events)
        else:
            entry = record_activity(tx, lead, ActivityKind.NOTE, note or "", now=now)
        if answer_by is not None:
            if lead.answered_at is not None:
                raise InputError(f"{lead.ref} is answered already; nothing to promise")
            promised = _resolve_time(answer_by, tx, lead, now=now, config=config)
            if promised <= now:
                raise InputError("the promised answer time must be in the future")
            # The rule's limit, not an earlier promise: a promise may move within the day.
            latest = answer_due(lead.received_at, lead_zone(tx, lead, config), config.working_hours)
            if promised > latest:
                raise InputError(
                    f"the answer is due by {latest:%Y-%m-%d %H:%M} UTC at the latest (one working "
                    "day in the client's time zone); promise that time or an earlier one"
                )
            lead.answer_due_at = promised
            notices.forget(tx, lead, "answer_notified_at")
            add_effects(entry, answer_due_at=promised.isoformat())
            events.append("answer promised")
        lead.updated_at = now
        _save(tx, lead, entry)
        journal.note(tx, "lead respond", _said(lead), now=now)
    return StageResult(lead, previous, events=events)


def change_stage(
    db: Database,
    reference: str,
    stage: str,
    *,
    now: datetime,
    config: Config,
    note: str | None = None,
    expected: str | None = None,
) -> StageResult:
    """Move an open lead to another open stage (won and lost have their own commands); what a
    move means is `pipeline_rules.plan_stage_move`. `expected`: the stage the caller showed
    (a move on the app's pipeline board); a lead that has moved since is refused, unchanged."""
    check_stage_target(stage)  # bad input is refused before anything is read
    with db.write() as tx:
        lead = fetch(tx, Lead, reference)
        if expected is not None and lead.stage != expected:
            raise InputError(
                f"{lead.ref} is {lead.stage} now, not {expected}: it was moved meanwhile; "
                "look again and move it from there"
            )
        move = plan_stage_move(lead.ref, lead.stage, stage)
        target = move.target
        events: list[str] = []
        result = StageResult(lead, move.current, events=events)
        kind = ActivityKind.PROPOSAL_SENT if move.starts_ladder else ActivityKind.STAGE_CHANGE
        entry = _stage_entry(tx, lead, kind, now=now)
        _record_first_response(lead, now=now, entry=entry, events=events)
        if lead.stage != target:
            _move_stage(lead, target, now=now, entry=entry, events=events)
        if move.answers:
            _record_answer(lead, now=now, entry=entry, events=events)
        if move.starts_ladder:
            result.ladder_step = start_ladder(tx, lead, now=now, config=config, entry=entry)
            events.append("follow-up ladder started")
        elif move.stops_ladder:
            # Negotiating (or a new brief) means the client answered: no more chasing.
            reason = f"moved to {target}"
            result.stopped = stop_ladder(tx, lead, now=now, reason=reason, entry=entry)
            if result.stopped is not None:
                events.append("follow-up ladder stopped")
        _finish_stage_entry(entry, note)
        _save(tx, lead, entry)
        journal.note(tx, "lead stage", f"{_said(lead)}: {move.current} → {target}", now=now)
    return result


def record_proposal_sent(
    tx: Tx, lead: Lead, *, now: datetime, config: Config, number: str, data: dict[str, Any]
) -> StageResult:
    """The lead's side of sending a proposal, in the caller's transaction: one `proposal-sent`
    entry on its timeline (with `data`, e.g. which proposal). A lead before proposal-sent
    moves there and its follow-up ladder starts; one at proposal-sent has its ladder started
    again (a new version went out); one further on (negotiating) keeps its stage and ladder.
    A won or lost lead is refused: reopen it first."""
    check_open(lead.ref, lead.stage)
    previous = lead.stage
    events: list[str] = []
    result = StageResult(lead, previous, events=events)
    entry = _stage_entry(tx, lead, ActivityKind.PROPOSAL_SENT, now=now)
    entry.data = {**(entry.data or {}), **data}
    _record_first_response(lead, now=now, entry=entry, events=events)
    target = Stage.PROPOSAL_SENT.value
    if STAGES.index(lead.stage) < STAGES.index(target):
        _move_stage(lead, target, now=now, entry=entry, events=events)
    _record_answer(lead, now=now, entry=entry, events=events)
    if lead.stage == target:
        result.ladder_step = start_ladder(tx, lead, now=now, config=config, entry=entry)
        events.append("follow-up ladder started")
    moved = (entry.data or {}).get("from") != (entry.data or {}).get("to")
    if moved:
        _finish_stage_entry(entry, f"{number} sent")
    else:
        entry.text = f"{number} sent"
    lead.updated_at = now
    _save(tx, lead, entry)
    return result


def log_lead(
    db: Database,
    reference: str,
    kind: str,
    text: str = "",
    *,
    now: datetime,
    config: Config,
    awaits_reply: bool = False,
    at: str | datetime | None = None,
) -> StageResult:
    """Log contact with the lead: a reply (email-in, call, meeting) stops the ladder; our own
    message (email-out, call, meeting) counts as the first response; `awaits_reply` on an
    outgoing message (re)starts the ladder."""
    kind = check_choice(kind, LOG_KINDS, "contact kind")
    with db.write() as tx:
        lead = _open_lead(tx, reference)
        occurred = now if at is None else _resolve_time(at, tx, lead, now=now, config=config)
        journal.note(tx, f"lead log {kind}", _said(lead), now=now)
        return log_contact(
            tx,
            lead,
            kind,
            text,
            now=now,
            config=config,
            occurred=occurred,
            awaits_reply=awaits_reply,
        )


def log_contact(
    tx: Tx,
    lead: Lead,
    kind: str,
    text: str = "",
    *,
    now: datetime,
    config: Config,
    occurred: datetime,
    awaits_reply: bool = False,
    data: dict[str, Any] | None = None,
) -> StageResult:
    """`log_lead` in the caller's transaction, on an open lead (intake logs a mail there)."""
    if occurred > now:
        raise InputError("contact cannot be logged in the future")
    if occurred < lead.received_at:
        raise InputError(
            f"contact cannot be logged before {lead.ref} arrived "
            f"({lead.received_at:%Y-%m-%d %H:%M} UTC); if it arrived earlier, correct that "
            f"first: amtui lead edit {lead.ref} --received …"
        )
    if awaits_reply and kind != LogKind.EMAIL_OUT.value:
        raise InputError("--awaits-reply goes with an outgoing message (email-out)")
    if kind == LogKind.NOTE.value and not text.strip():
        # A call or a mail happened even unworded; a note without text says nothing at all.
        raise InputError(f'a note needs its text, e.g. amtui lead log {lead.ref} note "…"')
    events: list[str] = []
    result = StageResult(lead, lead.stage, events=events)
    entry = record_activity(tx, lead, kind, text, now=now, occurred_at=occurred, data=data)
    if kind in OUTBOUND_KINDS:
        _record_first_response(lead, now=occurred, entry=entry, events=events)
    if kind in REPLY_KINDS:
        add_effects(entry, reply=True)
        result.stopped = stop_ladder_on_reply(tx, lead, now=now, occurred=occurred, entry=entry)
        if result.stopped is not None:
            events.append("follow-up ladder stopped")
        elif pending_step(tx, lead) is not None:
            events.append(LADDER_GOES_ON)
        if lead.cold_at is not None:
            lead.cold_at = None
            add_effects(entry, warm=True)
            events.append("no longer cold")
    if awaits_reply:
        result.ladder_step = start_ladder(tx, lead, now=now, config=config, entry=entry)
        events.append("follow-up ladder started")
    lead.updated_at = now
    _save(tx, lead, entry)
    return result


def win_lead(
    db: Database, reference: str, *, now: datetime, config: Config, client: str | None = None
) -> WinResult:
    """Close a lead as won: link (or create) its client and add the starter tasks."""
    with db.write() as tx:
        lead = _open_lead(tx, reference)
        created = False
        owner: Client | None = None
        if client:
            owner = find_client(tx, client)
            if owner is None:
                owner, created = ensure_client(tx, client, now=now)
        elif lead.client_id:
            owner = get(tx, Client, lead.client_id)
        if owner is None:
            raise InputError(f"{lead.ref} has no client yet; name one with --client NAME")
        lead.client_id = owner.id
        events: list[str] = []
        entry = _stage_entry(tx, lead, ActivityKind.STAGE_CHANGE, now=now)
        _record_first_response(lead, now=now, entry=entry, events=events)
        _record_answer(lead, now=now, entry=entry, events=events)
        stop_ladder(tx, lead, now=now, reason="won", entry=entry)
        _move_stage(lead, Stage.WON.value, now=now, entry=entry, events=events)
        _finish_stage_entry(entry)
        lead.closed_at = now
        _save(tx, lead, entry)
        tasks = []
        for line in config.win_tasks:
            draft = draft_from_text(line, now=now, config=config)
            draft.lead = lead.ref
            draft.client = owner.ref
            tasks.append(create_task(tx, draft, now=now, config=config).task)
        journal.note(tx, "lead win", _said(lead), now=now)
    return WinResult(lead, owner, created, tasks)


def lose_lead(db: Database, reference: str, reason: str, *, now: datetime) -> StageResult:
    """Close a lead as lost, with the reason (price, timing, chose another agency…)."""
    reason = check_name(reason, "reason for losing the lead")
    with db.write() as tx:
        lead = _open_lead(tx, reference)
        events: list[str] = []
        result = StageResult(lead, lead.stage, events=events)
        entry = _stage_entry(tx, lead, ActivityKind.STAGE_CHANGE, now=now)
        result.stopped = stop_ladder(tx, lead, now=now, reason="lost", entry=entry)
        _move_stage(lead, Stage.LOST.value, now=now, entry=entry, events=events)
        _finish_stage_entry(entry, reason)
        lead.lost_reason = reason
        lead.closed_at = now
        _save(tx, lead, entry)
        journal.note(tx, "lead lose", _said(lead), now=now)
    return result


def reopen_lead(db: Database, reference: str, *, now: datetime, config: Config) -> StageResult:
    """Undo a win or a loss: the lead returns to the stage it was closed from."""
    with db.write() as tx:
        lead = fetch(tx, Lead, reference)
        if lead.stage not in CLOSED_STAGES:
            raise InputError(f"{lead.ref} is open ({lead.stage}); nothing to reopen")
        closing = first(
            tx,
            Activity,
            "SELECT * FROM activity WHERE lead_id = :id AND kind = :kind ORDER BY id DESC LIMIT 1",
            {"id": lead.id, "kind": ActivityKind.STAGE_CHANGE.value},
        )
        closed_from = (closing.data or {}).get("from") if closing else None
        target = reopen_stage(closed_from, responded=lead.first_response_at is not None)
        events: list[str] = []
        previous = lead.stage
        entry = _stage_entry(tx, lead, ActivityKind.STAGE_CHANGE, now=now)
        _move_stage(lead, target, now=now, entry=entry, events=events)
        lead.closed_at = None
        lead.lost_reason = None
        result = StageResult(lead, previous, events=events)
        if target == Stage.PROPOSAL_SENT.value:
            result.ladder_step = start_ladder(tx, lead, now=now, config=config, entry=entry)
            events.append("follow-up ladder started")
        _finish_stage_entry(entry, "reopened")
        _save(tx, lead, entry)
        journal.note(tx, "lead reopen", _said(lead), now=now)
    return result


def _said(lead: Lead) -> str:
    """A lead as the journal names it."""
    return f"{lead.ref} {lead.title}"


def _resolve_time(
    value: str | datetime, tx: Tx, lead: Lead, *, now: datetime, config: Config
) -> datetime:
    """A time for a lead: `client` in the expression means the lead's (client's) zone."""
    if isinstance(value, datetime):
        return to_utc(value)
    return config.read_instant(value, now=now, zones={"client": lead_zone(tx, lead, config)})
