"""What a record says (`describe`, `describe_leads`, `describe_agenda`): one wording for both
front ends, as labelled parts with a tone.

NOW is Wednesday 2026-11-25 10:00 in Berlin (09:00Z); the user's zone is Europe/Berlin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from amtui.core.agenda import build_agenda
from amtui.core.clients import add_client, get_client_details
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.describe import (
    Field,
    Part,
    Tone,
    View,
    client_fields,
    kam_text,
    plain,
    reminder_text,
    task_fields,
)
from amtui.core.describe_agenda import (
    agenda_line,
    agenda_line_changes,
    agenda_sections,
    due_line,
)
from amtui.core.describe_leads import (
    lead_fields,
    next_action,
    next_action_changes,
    stage_outcome,
)
from amtui.core.lead_queries import get_lead_details
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.models import Client
from amtui.core.notify import collect_due
from amtui.core.pipeline import change_stage, respond_lead
from amtui.core.reminders import add_reminder, get_reminder
from amtui.core.sla import NextAction
from amtui.core.structs import replace
from amtui.core.task_queries import get_task_details
from tests.core.conftest import QuickAdd

BERLIN = ZoneInfo("Europe/Berlin")


def by_label(fields: list[Field]) -> dict[str, str]:
    return {f.label: f.text for f in fields}


def tones(fields: list[Field], label: str) -> set[Tone]:
    [found] = [f for f in fields if f.label == label]
    return {part.tone for part in found.value if part.text.strip()}


def test_a_waiting_leads_deadlines_say_which_is_next_and_count_down(
    db: Database, config: Config, now: datetime
) -> None:
    lead = add_lead(
        db, LeadDraft("Hotel SEO", timezone="America/New_York"), now=now, config=config
    ).lead
    view = View(config, now + timedelta(minutes=3))
    fields = lead_fields(view, get_lead_details(db, lead.ref))
    said = by_label(fields)
    assert said["first response"] == (
        "waiting; due today 10:15 (client today 04:15) — 12:00 left  ← next"
    )
    # One working day in New York: 09:00–18:00 there, i.e. midnight in Berlin.
    assert said["answer"] == "due tomorrow 00:00 (client today 18:00) — 13h 57m left"
    assert said["next deadline"] == "first response today 10:15 (client today 04:15)"
    assert Tone.WARNING in tones(fields, "first response")
    assert "follow-ups" not in said  # no ladder ever ran
    late = lead_fields(View(config, now + timedelta(minutes=20)), get_lead_details(db, lead.ref))
    assert "late 5m" in by_label(late)["first response"]
    assert Tone.LATE in tones(late, "first response")


def test_a_late_first_response_stays_marked_late(
    db: Database, config: Config, now: datetime
) -> None:
    lead = add_lead(db, LeadDraft("Website"), now=now, config=config).lead
    respond_lead(db, lead.ref, now=now + timedelta(minutes=40), config=config)
    fields = lead_fields(View(config, now + timedelta(hours=1)), get_lead_details(db, lead.ref))
    assert by_label(fields)["first response"] == "today 10:40, after 40m (late)"
    assert Tone.LATE in tones(fields, "first response")
    assert by_label(fields)["next deadline"].startswith("answer tomorrow 10:00")


def test_the_ladder_says_its_step_once_and_plans_the_rest(
    db: Database, config: Config, now: datetime
) -> None:
    lead = add_lead(db, LeadDraft("Website"), now=now, config=config).lead
    result = change_stage(db, lead.ref, "proposal-sent", now=now, config=config)
    view = View(config, now)
    assert stage_outcome(view, result) == [
        "first response recorded",
        "stage new → contacted",
        "stage contacted → proposal-sent",
        "answer recorded",
        "ladder started: R1 step 1 of 6 due tomorrow 10:00",
    ]
    said = by_label(lead_fields(view, get_lead_details(db, lead.ref)))
    assert said["follow-ups"] == "step 1 of 6 · R1 due tomorrow 10:00"
    # Each later step counted from the one before: 3 days (Sunday, so Monday's opening),
    # then 1 week, 2 weeks, 1 and 3 months.
    assert said["then, if no reply"] == (
        "step 2 Mon 09:00 · step 3 Mon 7 Dec 09:00 · step 4 Mon 21 Dec 09:00 · "
        "step 5 21 Jan 2027 09:00 · step 6 21 Apr 2027 09:00"
    )
    step = get_reminder(db, "R1").reminder
    assert reminder_text(view, step) == "step 1 of 6 · Check the proposal arrived"


def test_a_step_written_by_an_older_version_still_says_its_number_once(
    db: Database, config: Config, now: datetime
) -> None:
    lead = add_lead(db, LeadDraft("Website"), now=now, config=config).lead
    change_stage(db, lead.ref, "proposal-sent", now=now, config=config)
    with db.write() as tx:
        tx.run("UPDATE reminder SET text = 'Check the proposal arrived (step 1 of 6)' WHERE id = 1")
    view = View(config, now)
    row = get_reminder(db, "R1")
    assert reminder_text(view, row.reminder) == "step 1 of 6 · Check the proposal arrived"


def test_next_action_words_and_tones() -> None:
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    view = View(Config(timezone=BERLIN), now)
    soon = NextAction("first-response", now + timedelta(minutes=12, seconds=4))
    assert next_action(view, soon) == Part("respond 12:04 left", Tone.WARNING)
    late = NextAction("answer", now - timedelta(hours=2, minutes=10))
    assert next_action(view, late) == Part("answer late 2h 10m", Tone.LATE)
    step = NextAction("follow-up", now + timedelta(days=1), reminder=9, step=2)
    assert next_action(view, step) == Part("follow-up 2 tomorrow 10:00", Tone.NORMAL)


def test_kam_text_and_the_relationship_stage(db: Database, config: Config, now: datetime) -> None:
    client = add_client(
        db,
        "Granel",
        now=now,
        kam_attractiveness=5,
        kam_relationship=3,
        relationship_stage="operational",
        timezone="Asia/Tokyo",
    )
    said = by_label(client_fields(View(config, now), get_client_details(db, client.ref)))
    assert (
        said["KAM"]
        == "Star (attractiveness 5, relationship 3): attractive, relationship still to build"
    )
    assert said["relationship stage"] == "operational (2 of 4)"
    assert said["time zone"] == "Asia/Tokyo, now Wed 18:00 (UTC+09:00)"
    half = Client(name="x", name_key="x", kam_attractiveness=2, created_at=now, updated_at=now)
    assert kam_text(half) == "attractiveness 2, relationship -"
    assert kam_text(Client(name="y", name_key="y", created_at=now, updated_at=now)) is None


def test_task_fields_carry_the_client_time_and_a_due_tone(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    add_client(db, "Granel", now=now, timezone="Europe/Moscow")
    task = quick("Send estimate due:today 09:30 client:Granel +urgent").task
    fields = task_fields(View(config, now), get_task_details(db, task.ref))
    said = by_label(fields)
    assert said["due"] == "today 09:30 (30m ago)"
    assert Tone.LATE in tones(fields, "due")
    assert said["client"] == "Granel (C1)"
    assert said["client time"] == "Europe/Moscow, now Wed 12:00 (UTC+03:00)"
    assert said["tags"] == "+urgent"


def test_agenda_sections_in_order_with_their_json_keys(
    db: Database, config: Config, now: datetime
) -> None:
    agenda = build_agenda(db, now=now, config=config)
    assert [(s.key, s.title) for s in agenda_sections(agenda)] == [
        ("overdue", "Overdue"),
        ("today", "Today"),
        ("waiting_leads", "Waiting for a first response"),
        ("answers_due", "Answers due"),
        ("reminders", "Reminders and follow-ups"),
        ("upcoming", "Next 7 days"),
        ("invoices", "Invoices due"),
    ]


def test_agenda_lines_and_due_lines_word_an_item_alike(
    db: Database, config: Config, now: datetime
) -> None:
    lead = add_lead(
        db,
        LeadDraft("Hotel SEO", partner="Pixel", timezone="America/New_York"),
        now=now,
        config=config,
    ).lead
    view = View(config, now + timedelta(minutes=5))
    agenda = build_agenda(db, now=view.now, config=config)
    [item] = agenda.waiting.items
    line = agenda_line(view, item)
    assert (line.ref, line.when) == (lead.ref, Part("10:00 left", Tone.WARNING))
    assert line.text == (
        "Hotel SEO · email from partner Pixel · client today 04:15 America/New_York"
    )
    [due] = collect_due(db, now=view.now, config=config)
    assert due_line(view, due) == (
        "first response due today 10:15 (client today 04:15 America/New_York): "
        "Hotel SEO · email from partner Pixel"
    )


def test_a_client_whose_clock_matches_the_users_gets_no_second_time(
    db: Database, config: Config, now: datetime
) -> None:
    # Paris and Berlin are different zones that show the same time: saying it twice is noise.
    add_lead(db, LeadDraft("Paris lead", timezone="Europe/Paris"), now=now, config=config)
    view = View(config, now)
    [item] = build_agenda(db, now=now, config=config).waiting.items
    assert agenda_line(view, item).client_time is None
    assert view.when(now, ZoneInfo("Europe/Paris")) == "today 10:00"
    assert plain((Part("a"), Part("b", Tone.LATE))) == "ab"


def test_related_records_say_one_line_each_with_their_due_tone(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    """A record's related tasks, subtasks, reminders and leads (the app's detail view)."""
    from amtui.core.describe import lead_item, reminder_item, subtask_item, task_item
    from amtui.core.reminders import add_reminder, complete_reminder

    view = View(config, now)
    late = quick("Send estimate due:today 09:30 @copywriter").task
    later = quick("Write the brief due:fri 15:00").task
    assert plain(task_item(view, late)) == "T1  To do  Send estimate  today 09:30"
    assert task_item(view, late)[0].tone is Tone.ACCENT
    assert task_item(view, late)[-1].tone is Tone.LATE
    assert task_item(view, later)[-1].tone is Tone.MUTED  # not due yet: a detail
    assert plain(subtask_item(view, late)) == "[ ] T1 Send estimate  today 09:30  @copywriter"
    add_reminder(db, "Call \x1b[31mAnna", "today 16:00", now=now, config=config)
    reminder = get_reminder(db, "R1").reminder
    assert plain(reminder_item(view, reminder)) == "R1  today 16:00  Call \\x1b[31mAnna"
    assert reminder_item(view, reminder)[2].tone is Tone.WARNING  # due today
    complete_reminder(db, "R1", now=now, config=config)
    done = reminder_item(view, get_reminder(db, "R1").reminder)
    assert plain(done).endswith("  done") and done[2].tone is Tone.MUTED
    lead = add_lead(db, LeadDraft("Hotel\u202eSEO"), now=now, config=config).lead
    assert plain(lead_item(lead)) == "L1  new  Hotel\\u202eSEO"


# --- words that change with the clock: asked again only when they may -------------------------


def shown_by_ticks(
    words: Callable[[datetime], Any],
    changes: Callable[[datetime], datetime | None],
    start: datetime,
    end: datetime,
    step: timedelta,
) -> list[tuple[datetime, Any, Any]]:
    """A tick every `step` from `start` to `end` that asks for the words again only once
    `changes` says they may have changed (as the app's lists do): the moments where what
    it shows differs from the words asked afresh at that moment."""
    shown, due = words(start), changes(start)
    wrong = []
    moment = start
    while moment <= end:
        if due is not None and due <= moment:
            shown, due = words(moment), changes(moment)
        if shown != words(moment):
            wrong.append((moment, shown, words(moment)))
        moment += step
    return wrong


def test_a_next_action_is_asked_again_only_when_its_words_may_change(config: Config) -> None:
    start = datetime(2026, 11, 25, 9, 0, 0, 250_000, tzinfo=UTC)
    actions = [
        NextAction("first-response", start + timedelta(minutes=12, seconds=4)),  # 12:04 left
        NextAction("answer", start + timedelta(hours=1, minutes=2, seconds=30)),  # 1h 02m left
        NextAction("answer", start - timedelta(hours=2, minutes=10, seconds=7)),  # late 2h 10m
        NextAction("follow-up", start + timedelta(minutes=40), reminder=9, step=2),  # turns late
        NextAction("call", start + timedelta(days=1)),  # tomorrow 10:00, today after midnight
    ]
    for action in actions:

        def words(moment: datetime, action: NextAction = action) -> Part:
            return next_action(View(config, moment), action)

        def changes(moment: datetime, action: NextAction = action) -> datetime | None:
            return next_action_changes(View(config, moment), action)

        # Every 7.3 s for 16 hours: past the deadlines, the hour and Berlin's midnight.
        step = timedelta(seconds=7, milliseconds=300)
        assert shown_by_ticks(words, changes, start, start + timedelta(hours=16), step) == []


def test_an_agenda_line_is_asked_again_only_when_its_words_may_change(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    add_lead(db, LeadDraft("Hotel SEO", timezone="America/New_York"), now=now, config=config)
    quick("Send estimate due:today 10:40")  # turns late at 10:40 Berlin
    quick("Write the brief due:tomorrow")  # a date: tomorrow, then today at midnight
    add_reminder(db, "Call back", "today 11:00", now=now, config=config)
    agenda = build_agenda(db, now=now, config=config)
    items = [item for part in agenda_sections(agenda) for item in part.section.items]
    assert {item.ref for item in items} >= {"L1", "T1", "T2", "R1"}
    # A due between two minutes (an imported one) turns late at its own second.
    [task] = [item for item in items if item.ref == "T1"]
    items.append(replace(task, due=task.due + timedelta(seconds=17, milliseconds=500)))
    for item in items:
        step = timedelta(seconds=3, milliseconds=700)
        wrong = shown_by_ticks(
            lambda moment, item=item: agenda_line(View(config, moment), item),
            lambda moment, item=item: agenda_line_changes(View(config, moment), item),
            now,
            now + timedelta(hours=15, minutes=30),
            step,
        )
        assert wrong == [], item.ref
