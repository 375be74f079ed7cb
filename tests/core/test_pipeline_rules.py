"""The pipeline's rules without a database: which stage moves are allowed and what each means."""

from __future__ import annotations

import pytest

from amtui.core.errors import InputError
from amtui.core.pipeline_rules import (
    OUTBOUND_KINDS,
    REPLY_KINDS,
    StageMove,
    check_open,
    plan_column_move,
    plan_stage_move,
    reopen_stage,
)


@pytest.mark.parametrize(
    ("current", "target", "move"),
    [
        ("new", "contacted", (False, False, False)),
        ("contacted", "briefed", (True, False, False)),
        ("contacted", "Proposal-Sent", (True, True, False)),  # any case
        ("proposal-sent", "negotiating", (True, False, True)),  # the client answered
        ("proposal-sent", "briefed", (True, False, True)),
        ("negotiating", "contacted", (False, False, False)),
    ],
)
def test_what_a_move_means(current: str, target: str, move: tuple[bool, bool, bool]) -> None:
    planned = plan_stage_move("L7", current, target)
    assert isinstance(planned, StageMove)
    assert planned.target == target.lower()
    assert (planned.answers, planned.starts_ladder, planned.stops_ladder) == move


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        ("contacted", "won", "amtui lead win"),
        ("contacted", "lost", "amtui lead lose"),
        ("contacted", "maybe", "stage"),
        ("contacted", "contacted", "L7 is already contacted"),
        ("briefed", "new", "cannot go back to new"),
        ("won", "briefed", "reopen it first with `amtui lead reopen L7`"),
        ("lost", "contacted", "L7 is lost"),
    ],
)
def test_moves_that_are_refused_say_what_is_allowed(
    current: str, target: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        plan_stage_move("L7", current, target)


def test_reopen_returns_to_the_stage_a_lead_was_closed_from() -> None:
    assert reopen_stage("proposal-sent", responded=True) == "proposal-sent"
    assert reopen_stage(None, responded=True) == "negotiating"
    assert reopen_stage("won", responded=True) == "negotiating"  # never to a closed stage
    assert reopen_stage("new", responded=False) == "new"
    assert reopen_stage("new", responded=True) == "contacted"  # never back to new once answered
    check_open("L7", "briefed")  # open: no error


def test_a_conversation_is_both_our_response_and_their_reply() -> None:
    assert set(REPLY_KINDS) & set(OUTBOUND_KINDS) == {"call", "meeting"}
    assert "call-out" not in REPLY_KINDS  # a call that did not get through stops nothing
    assert "email-in" not in OUTBOUND_KINDS


@pytest.mark.parametrize(
    ("current", "step", "target"),
    [
        ("new", 1, "contacted"),
        ("contacted", 1, "briefed"),
        ("briefed", 1, "proposal-sent"),
        ("proposal-sent", 1, "negotiating"),
        ("negotiating", 1, "won"),  # a win: the app asks what `lead win` asks
        ("negotiating", -1, "proposal-sent"),
        ("briefed", -1, "contacted"),
    ],
)
def test_a_column_move_on_the_pipeline_board(current: str, step: int, target: str) -> None:
    assert plan_column_move("L7", current, step) == target


@pytest.mark.parametrize(
    ("current", "step", "message"),
    [
        ("new", -1, "first stage already"),
        ("contacted", -1, "cannot go back to new"),
        ("won", 1, "is won; reopen it first"),
        ("won", -1, "is won; reopen it first"),
        ("lost", -1, "is lost; reopen it first"),
        ("briefed", 2, "one column"),
        ("archived", 1, "unknown stage"),
    ],
)
def test_column_moves_that_are_refused(current: str, step: int, message: str) -> None:
    with pytest.raises(InputError, match=message):
        plan_column_move("L7", current, step)
