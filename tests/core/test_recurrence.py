"""Recurring tasks (issue 11): the `rec:` rules, and the next occurrence made when a recurring
card is done, in the same transaction (so one undo takes both back). Pinned clock; services on
the `db` fixture (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from amtui.core import journal
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import TaskOptions, task_draft, task_patch
from amtui.core.errors import InputError
from amtui.core.recurrence import Rule, next_due, parse_rule, repeat_mark
from amtui.core.reminders import add_reminder
from amtui.core.task_queries import get_task_details, list_tasks
from amtui.core.tasks import (
    NextOccurrence,
    add_task,
    complete_task,
    edit_task,
    move_task,
    reopen_task,
)
from tests.conftest import BERLIN
from tests.core.conftest import QuickAdd


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("1m", Rule(1, "m", from_due=False)),
        ("+1w", Rule(1, "w", from_due=True)),
        ("1b", Rule(1, "b", from_due=False)),
        (" +2W ", Rule(2, "w", from_due=True)),
        ("monthly", Rule(1, "m", from_due=True)),
        ("weekdays", Rule(1, "b", from_due=True)),
        ("quarterly", Rule(3, "m", from_due=True)),
        ("+1q", Rule(1, "q", from_due=True)),
    ],
)
def test_rules_read_as_documented(text: str, rule: Rule) -> None:
    assert parse_rule(text) == rule


@pytest.mark.parametrize("text", ["", "m", "1", "+0d", "1x", "-1w", "every week", "1000d", "1 w 2"])
def test_anything_else_is_refused_saying_what_is_accepted(text: str) -> None:
    with pytest.raises(InputError, match="accepted: rec:1w"):
        parse_rule(text)


def test_labels_say_what_a_rule_means() -> None:
    assert parse_rule("+1m").label == "every month"
    assert parse_rule("+2w").label == "every 2 weeks"
    assert parse_rule("1b").label == "a working day after it is done"
    assert parse_rule("3d").label == "3 days after it is done"


DONE = datetime(2026, 1, 30, 12, 0, tzinfo=UTC)


def _next(rule: str, due: date | datetime | None, done: datetime = DONE, **kw: object) -> object:
    return next_due(parse_rule(rule), due=due, done_at=done, tz=BERLIN, **kw)  # type: ignore[arg-type]


def test_months_never_drift_from_the_series_first_day() -> None:
    assert _next("+1m", date(2026, 1, 31), anchor_day=31) == date(2026, 2, 28)
    feb = datetime(2026, 2, 27, 12, tzinfo=UTC)
    assert _next("+1m", date(2026, 2, 28), feb, anchor_day=31) == date(2026, 3, 31)
    assert _next("+1m", date(2026, 4, 30), datetime(2026, 4, 29, tzinfo=UTC), anchor_day=30) == (
        date(2026, 5, 30)
    )
    assert _next("+1y", date(2028, 2, 29), datetime(2028, 2, 1, tzinfo=UTC), anchor_day=29) == (
        date(2029, 2, 28)
    )


def test_a_fixed_schedule_done_late_skips_what_is_past() -> None:
    # Weekly on Mondays from 5 Jan; done on Friday 30 Jan: the next is Monday 2 Feb.
    assert _next("+1w", date(2026, 1, 5)) == date(2026, 2, 2)
    # Done early: the schedule holds (the next one after the 9 Feb due, not after today).
    assert _next("+1w", date(2026, 2, 9)) == date(2026, 2, 16)


def test_counted_from_completion_and_in_working_days() -> None:
    assert _next("2w", date(2026, 1, 5)) == date(2026, 2, 13)  # two weeks after Fri 30 Jan
    assert _next("1b", None) == date(2026, 2, 2)  # Friday → Monday
    assert _next("1m", date(2026, 1, 31)) == date(2026, 2, 28)  # a month after the 30th Jan


def test_a_timed_task_keeps_its_local_time_across_a_dst_change() -> None:
    due = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Berlin (CET)
    done = datetime(2026, 3, 23, 10, 0, tzinfo=UTC)
    after = _next("+1w", due, done)
    assert after == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # still 10:00, now CEST


def test_a_fixed_schedule_needs_a_due_date() -> None:
    with pytest.raises(InputError, match="repeats from the due date"):
        _next("+1w", None)


# --- the service --------------------------------------------------------------------------------


def test_done_makes_the_next_occurrence_with_tags_and_subtasks_in_one_change(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    quick("Monthly report due:2026-11-30 rec:+1m client:Granel +report @analyst est:2h")
    quick("Collect numbers parent:T1 due:2026-11-27 +data")
    quick("Draft parent:T1")
    before = journal.entries(db)
    result = complete_task(db, "T1", now=now, config=config)
    following = result.next_task
    assert following is not None and following.ref == "T4"
    assert (following.due_date, following.recur, following.series_id) == (
        date(2026, 12, 30),
        "+1m",
        1,
    )
    details = get_task_details(db, "T4")
    assert details.row.tags == ["report"]
    assert (details.row.client_name, details.row.task.assignee) == ("Granel", "@analyst"[1:])
    assert details.row.task.estimate_hours == 2.0
    assert details.row.task.column == config.new_task_column
    subtasks = [(s.task.title, s.task.due, s.task.done_at, s.tags) for s in details.subtasks]
    assert subtasks == [
        ("Collect numbers", date(2026, 12, 27), None, ["data"]),
        ("Draft", None, None, []),
    ]
    # One journal entry for the done card and its next occurrence: undo takes both back.
    assert len(journal.entries(db)) == len(before) + 1
    journal.undo_latest(db, now=now)
    assert [t.task.ref for t in list_tasks(db, config=config, include_done=True)] == ["T1"]
    assert get_task_details(db, "T1").row.task.done_at is None


def test_moving_a_recurring_card_to_done_repeats_it_too(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    quick("Water plants rec:3d")
    result = move_task(db, "T1", config.done_column, now=now, config=config)
    assert result.next_task is not None
    assert result.next_task.due_date == date(2026, 11, 28)


def test_the_series_keeps_its_first_task_and_its_month_day(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    quick("Invoice run due:2027-01-31 rec:+1m")
    dues = []
    when = now
    ref = "T1"
    for _ in range(3):
        result = complete_task(db, ref, now=when, config=config)
        assert result.next_task is not None and result.next_task.series_id == 1
        dues.append(result.next_task.due_date)
        ref = result.next_task.ref
    assert dues == [date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_rec_as_an_option_must_agree_with_the_token_and_refuses_bad_places(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    draft = task_draft("Report due:fri", TaskOptions(recur="+1w"), now=now, config=config)
    assert add_task(db, draft, now=now, config=config).task.recur == "+1w"
    with pytest.raises(InputError, match="disagree"):
        task_draft("Report rec:1w", TaskOptions(recur="2w"), now=now, config=config)
    with pytest.raises(InputError, match="repeats from the due date"):
        quick("Call rec:+1w")
    with pytest.raises(InputError, match="a subtask repeats with its card"):
        quick("Sub parent:T1 rec:1w")
    with pytest.raises(InputError, match="can't read 'sometimes' as a repeat"):
        quick("Call rec:sometimes")
    assert [t.task.ref for t in list_tasks(db, config=config, include_done=True)] == [
        "T1"
    ]  # nothing else was written


def test_editing_sets_changes_and_stops_a_repeat(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    quick("Report due:fri")

    def edit(text: str) -> str | None:
        patch, column = task_patch(text, now=now, config=config)
        return edit_task(db, "T1", patch, now=now, config=config, column=column).task.recur

    assert edit("rec:weekly") == "+1w"
    with pytest.raises(InputError, match="repeats from the due date"):
        edit("due:none")  # a fixed schedule cannot lose its due date
    assert edit("rec:2w due:none") == "2w"
    assert edit("rec:none") is None
    done = complete_task(db, "T1", now=now + timedelta(hours=1), config=config)
    assert done.next_task is None


def open_refs(db: Database, config: Config) -> list[str]:
    return sorted(t.task.ref for t in list_tasks(db, config=config))


def test_reopening_a_finished_recurring_card_takes_back_its_untouched_next_occurrence(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    """Done by mistake, reopened: one open report again, not two; the next occurrence (with
    its subtasks and tags) goes, in the reopen's own journal entry, so undo brings it back."""
    quick("Monthly report due:2026-11-30 rec:+1m client:Granel +report")
    quick("Collect numbers parent:T1")
    complete_task(db, "T1", now=now, config=config)  # T3, with its subtask T4
    later = now + timedelta(hours=2)
    result = reopen_task(db, "T1", now=later, config=config)
    assert result.reopened_next == NextOccurrence("T3", removed=True)
    assert result.reopened_next.said == ("next occurrence T3 removed (untouched since it was made)")
    assert open_refs(db, config) == ["T1"]
    with db.read() as tx:
        assert tx.scalar("SELECT count(*) FROM task WHERE id IN (3, 4)") == 0
        assert tx.scalar("SELECT count(*) FROM task_tag WHERE task_id = 3") == 0
    assert journal.undo_latest(db, now=later).entry.action == "task reopen"
    assert open_refs(db, config) == ["T3"]  # done again, its next occurrence back
    # Taken out of the done column on the board (H, `task move`): the same.
    moved = move_task(db, "T1", "To do", now=later, config=config)
    assert moved.reopened_next == NextOccurrence("T3", removed=True)
    assert open_refs(db, config) == ["T1"]


@pytest.mark.parametrize(
    ("touch", "reason"),
    [
        ("edit", "it was changed since it was made"),
        ("done", "it is done"),
        ("subtask", "its subtasks were changed since it was made"),
        ("reminder", "its timeline has entries since it was made"),  # "reminder R1: …"
    ],
)
def test_a_next_occurrence_someone_touched_stays_and_the_reopen_says_why(
    db: Database, quick: QuickAdd, config: Config, now: datetime, touch: str, reason: str
) -> None:
    quick("Monthly report due:2026-11-30 rec:+1m")
    quick("Collect numbers parent:T1")
    complete_task(db, "T1", now=now, config=config)  # T3, with its subtask T4
    later = now + timedelta(hours=1)
    other = Database(db.target)  # a colleague's amtui, its own connection
    try:
        if touch == "edit":
            patch = task_patch("Report (Jan)", now=later, config=config)[0]
            edit_task(other, "T3", patch, now=later, config=config)
        elif touch == "done":
            complete_task(other, "T3", now=later, config=config)
        elif touch == "subtask":
            complete_task(other, "T4", now=later, config=config)
        else:
            add_reminder(other, "Ask", "tomorrow 10:00", now=later, config=config, about="T3")
    finally:
        other.dispose()
    result = reopen_task(db, "T1", now=later, config=config)
    assert result.reopened_next == NextOccurrence("T3", removed=False, reason=reason)
    assert result.reopened_next.said.endswith("; delete it if it is not needed")
    assert "T3" in [t.task.ref for t in list_tasks(db, config=config, include_done=True)]


def test_reopening_a_card_that_does_not_repeat_touches_nothing_else(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    quick("Send estimate")
    quick("Send estimate")  # a twin made the same moment is not an occurrence
    complete_task(db, "T1", now=now, config=config)
    assert reopen_task(db, "T1", now=now, config=config).reopened_next is None
    assert open_refs(db, config) == ["T1", "T2"]


def test_a_repeating_task_is_marked_with_its_rule() -> None:
    assert repeat_mark("+1m") == "↻ every month"
    assert repeat_mark("2w") == "↻ 2 weeks after done"
    assert repeat_mark(None) is None
