"""`collect_due`: reminders and lead deadlines that are due, each reported exactly once.

NOW is Wed 25 Nov 2026 09:00Z (10:00 in Berlin). The concurrency tests run several collectors
at once, each with its own `Database` on the same file, in threads and in separate processes.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from amtui.core.clients import add_client
from amtui.core.config import Config, load_config
from amtui.core.db import Database
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.models import Lead, Reminder
from amtui.core.notify import collect_due
from amtui.core.pipeline import change_stage, lose_lead, respond_lead
from amtui.core.reminders import add_reminder, complete_reminder, snooze_reminder
from tests.storage import one, rows

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def refs(items: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(item.kind, item.ref) for item in items]


def remind(db: Database, config: Config, now: datetime, when: str, text: str = "Call", **kw):  # type: ignore[no-untyped-def]
    return add_reminder(db, text, when, now=now, config=config, **kw).reminder


def lead(db: Database, config: Config, now: datetime, title: str = "Site", **kw) -> Lead:  # type: ignore[no-untyped-def]
    return add_lead(db, LeadDraft(title, **kw), now=now, config=config).lead


# --- reminders ---------------------------------------------------------------------------------


def test_due_reminders_are_returned_once(db: Database, config: Config, now: datetime) -> None:
    earlier = now - timedelta(days=1)
    overdue = remind(db, config, earlier, "today 09:00", "Overdue")  # yesterday 09:00
    exactly = remind(db, config, earlier, "tomorrow 10:00", "Exactly now")  # = NOW
    remind(db, config, earlier, "tomorrow 10:01", "A minute ahead")
    done = remind(db, config, earlier, "today 09:30", "Done already")
    complete_reminder(db, f"R{done.id}", now=earlier, config=config)

    items = collect_due(db, now=now, config=config)
    assert refs(items) == [("reminder", f"R{overdue.id}"), ("reminder", f"R{exactly.id}")]
    assert [item.due for item in items] == [overdue.due_at, exactly.due_at]  # oldest first
    assert items[0].reminder is not None and items[0].reminder.reminder.text == "Overdue"
    notified = [r.id for r in rows(db, Reminder, "notified_at = :now", {"now": now})]
    assert notified == [overdue.id, exactly.id]

    # A second run at the same moment, or a bit later, reports nothing again.
    assert collect_due(db, now=now, config=config) == []
    assert collect_due(db, now=now + timedelta(seconds=59), config=config) == []
    # The next one falls due a minute later and is reported on its own.
    later = collect_due(db, now=now + timedelta(minutes=1), config=config)
    assert [item.reminder.reminder.text for item in later if item.reminder] == ["A minute ahead"]


def test_nothing_due_returns_an_empty_list(db: Database, config: Config, now: datetime) -> None:
    assert collect_due(db, now=now, config=config) == []
    remind(db, config, now, "tomorrow 10:00")
    assert collect_due(db, now=now, config=config) == []


def test_snoozing_resets_the_notification(db: Database, config: Config, now: datetime) -> None:
    reminder = remind(db, config, now - timedelta(hours=1), "today 10:00")
    assert refs(collect_due(db, now=now, config=config)) == [("reminder", f"R{reminder.id}")]
    row = snooze_reminder(db, f"R{reminder.id}", "+2h", now=now, config=config)
    assert row.reminder.notified_at is None
    # Not due again until the snooze ends, then reported once more, at the snoozed time.
    assert collect_due(db, now=now + timedelta(minutes=119), config=config) == []
    again = collect_due(db, now=now + timedelta(hours=2), config=config)
    assert refs(again) == [("reminder", f"R{reminder.id}")]
    assert again[0].due == now + timedelta(hours=2)
    assert collect_due(db, now=now + timedelta(hours=3), config=config) == []


def test_a_follow_up_step_carries_its_lead_and_the_clients_zone(
    db: Database, config: Config, now: datetime
) -> None:
    add_client(db, "Harbor", now=now, timezone="America/New_York")
    proposal = lead(db, config, now, client="Harbor")
    change_stage(db, f"L{proposal.id}", "proposal-sent", now=now, config=config)
    collect_due(db, now=now, config=config)  # the first-response notice is not this test's
    due = datetime(2026, 11, 26, 9, 0, tzinfo=NEW_YORK)
    assert collect_due(db, now=due - timedelta(seconds=1), config=config) == []
    (item,) = collect_due(db, now=due, config=config)
    assert item.kind == "reminder"
    assert item.reminder is not None
    assert (item.reminder.reminder.step, item.reminder.subject_ref) == (1, f"L{proposal.id}")
    assert item.zone == NEW_YORK


def test_a_reminder_about_a_client_carries_the_clients_zone(
    db: Database, config: Config, now: datetime
) -> None:
    client = add_client(db, "Harbor", now=now, timezone="America/New_York")
    remind(db, config, now - timedelta(hours=1), "today 10:00", about=f"C{client.id}")
    remind(db, config, now - timedelta(hours=1), "today 10:00", "No subject")
    items = collect_due(db, now=now, config=config)
    assert [item.zone for item in items] == [NEW_YORK, None]


# --- lead deadlines ----------------------------------------------------------------------------


def test_first_response_deadline_is_reported_as_soon_as_the_lead_arrives(
    db: Database, config: Config, now: datetime
) -> None:
    new = lead(db, config, now)
    (item,) = collect_due(db, now=now, config=config)
    assert (item.kind, item.ref) == ("first-response", f"L{new.id}")
    assert item.due == now + timedelta(minutes=15)
    assert item.lead is not None and item.lead.lead.title == "Site"
    assert item.zone is None  # no client zone known: nothing to show beside the user's time
    # Once is enough, even when the 15 minutes run out unanswered.
    assert collect_due(db, now=now + timedelta(minutes=20), config=config) == []
    stored = one(db, Lead, "id = :id", {"id": new.id})
    assert stored.response_notified_at == now


def test_answered_and_closed_leads_are_not_reported(
    db: Database, config: Config, now: datetime
) -> None:
    answered = lead(db, config, now, "Answered")
    respond_lead(db, f"L{answered.id}", now=now, config=config, answered=True)
    lost = lead(db, config, now, "Lost")
    lose_lead(db, f"L{lost.id}", "spam", now=now)
    assert collect_due(db, now=now + timedelta(days=3), config=config) == []


def test_answer_deadline_is_reported_within_the_warning_window(
    db: Database, config: Config, now: datetime
) -> None:
    new = lead(db, config, now, timezone="America/New_York")
    ref = f"L{new.id}"
    respond_lead(db, ref, now=now + timedelta(minutes=5), config=config)
    collect_due(db, now=now, config=config)  # nothing: it was responded to before any run
    # Received Wed 04:00 in New York (before opening): the answer is due Wed 18:00 there,
    # 23:00Z. With the default 60-minute warning it is reported from 22:00Z.
    answer = datetime(2026, 11, 25, 18, 0, tzinfo=NEW_YORK)
    assert config.answer_warning_minutes == 60
    assert collect_due(db, now=answer - timedelta(minutes=61), config=config) == []
    (item,) = collect_due(db, now=answer - timedelta(minutes=60), config=config)
    assert (item.kind, item.ref, item.due, item.zone) == ("answer", ref, answer, NEW_YORK)
    assert collect_due(db, now=answer + timedelta(hours=1), config=config) == []


def test_a_new_promise_is_reported_again(db: Database, config: Config, now: datetime) -> None:
    new = lead(db, config, now)
    ref = f"L{new.id}"
    respond_lead(db, ref, now=now, config=config)
    # Due Thu 10:00 Berlin (09:00Z): reported at 08:00Z.
    thursday = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert refs(collect_due(db, now=thursday, config=config)) == [("answer", ref)]
    # The manager promises it sooner, for 09:30 (a promise may only bring it forward): the new
    # deadline is reported again.
    respond_lead(db, ref, now=thursday, config=config, answer_by="today 9:30")
    (item,) = collect_due(db, now=thursday, config=config)
    assert (item.kind, item.due) == ("answer", datetime(2026, 11, 26, 9, 30, tzinfo=BERLIN))
    assert collect_due(db, now=thursday, config=config) == []


def test_a_custom_warning_window(db: Database, config: Config, now: datetime) -> None:
    import dataclasses

    wide = dataclasses.replace(config, answer_warning_minutes=24 * 60)
    new = lead(db, config, now)
    respond_lead(db, f"L{new.id}", now=now, config=config)
    # Due Thu 09:00Z; a day's warning means right away.
    assert refs(collect_due(db, now=now, config=wide)) == [("answer", f"L{new.id}")]


def test_reminders_and_deadlines_together_oldest_first(
    db: Database, config: Config, now: datetime
) -> None:
    reminder = remind(db, config, now - timedelta(hours=2), "today 09:30")  # 08:30Z
    first = lead(db, config, now - timedelta(minutes=10), received="today 09:50")  # due 09:05Z
    items = collect_due(db, now=now, config=config)
    assert refs(items) == [("reminder", f"R{reminder.id}"), ("first-response", f"L{first.id}")]


# --- overlapping runs --------------------------------------------------------------------------

WORKERS = 4
ROUNDS = 12  # each worker sweeps the clock over two hours in 10-minute steps


def _populate(db: Database, config: Config, now: datetime) -> set[tuple[str, str]]:
    """60 reminders due over two hours, 15 new leads, 10 answers due: what must be reported."""
    expected: set[tuple[str, str]] = set()
    earlier = now - timedelta(days=1)
    for i in range(60):
        when = (now + timedelta(minutes=2 * i)).isoformat()
        reminder = add_reminder(db, f"Call {i}", when, now=earlier, config=config).reminder
        expected.add(("reminder", f"R{reminder.id}"))
    for i in range(15):
        received = (now - timedelta(minutes=i)).isoformat()
        new = add_lead(db, LeadDraft(f"Lead {i}", received=received), now=now, config=config)
        expected.add(("first-response", f"L{new.lead.id}"))
    for i in range(10):
        new = add_lead(db, LeadDraft(f"Answer {i}"), now=earlier, config=config).lead
        respond_lead(db, f"L{new.id}", now=earlier, config=config)
        expected.add(("answer", f"L{new.id}"))  # due today 10:00 Berlin = NOW
    return expected


def _sweep(path: str, now_iso: str) -> list[tuple[str, str]]:
    """One collector with its own Database: run collect_due as the clock moves on."""
    database = Database(path)
    config = load_config()
    start = datetime.fromisoformat(now_iso)
    seen: list[tuple[str, str]] = []
    try:
        for step in range(ROUNDS + 1):
            moment = start + timedelta(minutes=10 * step)
            seen.extend(refs(collect_due(database, now=moment, config=config)))
    finally:
        database.dispose()
    return seen


def _process_worker(path: str, now_iso: str, barrier, queue) -> None:  # type: ignore[no-untyped-def]
    barrier.wait(timeout=60)
    queue.put(_sweep(path, now_iso))


def _check_union(runs: list[list[tuple[str, str]]], expected: set[tuple[str, str]]) -> None:
    union = [item for run in runs for item in run]
    duplicates = [item for item, n in Counter(union).items() if n > 1]
    assert duplicates == []
    assert set(union) == expected


def test_overlapping_runs_in_threads_never_report_an_item_twice(
    db: Database, config: Config, now: datetime, isolated: Path
) -> None:
    expected = _populate(db, config, now)
    path = db.target  # the same database, SQLite file or PostgreSQL
    barrier = threading.Barrier(WORKERS)
    runs: list[list[tuple[str, str]]] = [[] for _ in range(WORKERS)]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            runs[index] = _sweep(path, now.isoformat())
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    _check_union(runs, expected)
    assert collect_due(db, now=now + timedelta(days=1), config=config) == []


@pytest.mark.processes
def test_overlapping_runs_in_separate_processes_never_report_an_item_twice(
    db: Database, config: Config, now: datetime, isolated: Path
) -> None:
    expected = _populate(db, config, now)
    path = db.target  # the same database, SQLite file or PostgreSQL
    context = multiprocessing.get_context("spawn")  # fresh interpreters, like two cron jobs
    barrier = context.Barrier(WORKERS)
    queue = context.Queue()
    processes = [
        context.Process(target=_process_worker, args=(path, now.isoformat(), barrier, queue))
        for _ in range(WORKERS)
    ]
    for process in processes:
        process.start()
    runs = [queue.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    _check_union(runs, expected)
    assert rows(db, Reminder, "notified_at IS NULL") == []
