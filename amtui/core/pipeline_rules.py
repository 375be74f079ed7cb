"""The lead pipeline's rules as pure functions: which stage moves are allowed and what each one
means (DESIGN §1), and which logged contact counts as a reply or as our response.

new → contacted → briefed → proposal-sent → negotiating → won | lost. Any move records the
first response; briefed and later stages mean the substantive answer was given;
proposal-sent starts the follow-up ladder and leaving it for another open stage stops it (the
client answered). A lead never goes back to new; won and lost have their own commands, and a
closed lead is reopened first. `amtui.core.pipeline` applies these in a transaction; a second
storage path can apply them too. `plan_column_move` says where a lead goes one column left or
right on the app's pipeline board (the stages in order, won and lost last), so that the app
offers only the moves these rules allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from amtui.core.errors import InputError
from amtui.core.validate import check_choice
from amtui.core.vocabulary import ANSWERED_STAGES, CLOSED_STAGES, OPEN_STAGES, STAGES, Stage


class LogKind(StrEnum):
    EMAIL_OUT = "email-out"
    EMAIL_IN = "email-in"
    CALL = "call"  # a conversation with the client
    CALL_OUT = "call-out"  # we called and did not get through (voicemail, no answer)
    MEETING = "meeting"
    NOTE = "note"


LOG_KINDS = tuple(k.value for k in LogKind)
#: Contact that counts as the client replying: it stops the follow-up ladder.
REPLY_KINDS = (LogKind.EMAIL_IN.value, LogKind.CALL.value, LogKind.MEETING.value)
#: Contact that counts as us answering a new lead.
OUTBOUND_KINDS = (
    LogKind.EMAIL_OUT.value,
    LogKind.CALL.value,
    LogKind.CALL_OUT.value,
    LogKind.MEETING.value,
)


@dataclass(frozen=True)
class StageMove:
    """What moving a lead from `current` to `target` means."""

    current: str
    target: str
    answers: bool  # the move counts as the substantive answer
    starts_ladder: bool  # a proposal went out: check it arrived, then follow up
    stops_ladder: bool  # left proposal-sent for another open stage: the client answered


def check_open(ref: str, stage: str) -> None:
    """A won or lost lead moves only after `reopen`."""
    if stage in CLOSED_STAGES:
        raise InputError(f"{ref} is {stage}; reopen it first with `amtui lead reopen {ref}`")


def check_stage_target(target: str) -> str:
    """A stage `lead stage` can move to: any open stage by name (any case); won and lost are
    refused, naming the command that closes a lead."""
    target = check_choice(target, STAGES, "stage")
    if target == Stage.WON.value:
        raise InputError("use `amtui lead win` to win a lead (it links the client and adds tasks)")
    if target == Stage.LOST.value:
        raise InputError("use `amtui lead lose --reason …` to close a lead as lost")
    return target


def plan_stage_move(ref: str, current: str, target: str) -> StageMove:
    """Check a move between open stages (`lead stage`) and say what it means; a move that is
    not allowed raises InputError saying what is."""
    target = check_stage_target(target)
    check_open(ref, current)
    if target == current:
        raise InputError(f"{ref} is already {target}")
    if target == Stage.NEW.value:
        raise InputError(f"{ref} was contacted already; it cannot go back to new")
    proposal = Stage.PROPOSAL_SENT.value
    return StageMove(
        current,
        target,
        answers=target in ANSWERED_STAGES,
        starts_ladder=target == proposal,
        stops_ladder=current == proposal,
    )


def plan_column_move(ref: str, current: str, step: int) -> str:
    """The stage a lead at `current` moves to one column left (`step` -1) or right (+1) on the
    pipeline board, whose columns are the stages in order (new … negotiating, won, lost).
    An open stage is a `lead stage` move (`plan_stage_move` says what it means); won is a win
    (`lead win`, which asks for the client). A closed lead does not move (reopen it first), a
    lead never goes back to new, and lost is never a neighbour of an open stage (`lead lose`
    asks for the reason). A move that is not allowed raises InputError saying why."""
    if step not in (-1, 1):
        raise InputError("a lead moves one column left or right")
    current = check_choice(current, STAGES, "stage")
    check_open(ref, current)
    index = STAGES.index(current) + step
    if index < 0:
        raise InputError(f"{ref} is at the first stage already")
    target = STAGES[index]
    if target == Stage.WON.value:  # the only closed stage next to an open one
        return target
    return plan_stage_move(ref, current, target).target


def reopen_stage(closed_from: str | None, *, responded: bool) -> str:
    """Where `reopen` puts a won or lost lead: the open stage it was closed from (negotiating
    when that is unknown), never back to new once it was responded to."""
    target = closed_from if closed_from in OPEN_STAGES else Stage.NEGOTIATING.value
    if target == Stage.NEW.value and responded:
        return Stage.CONTACTED.value
    return target
