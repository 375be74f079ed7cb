"""The agenda: one local day of the user, whatever the zone, DST or month end.

NOW is Wednesday 2026-11-25 09:00Z (10:00 in Berlin). Tasks are added with explicit aware
datetimes or dates so each test says exactly which instant or calendar day it means.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from amtui.core.agenda import Agenda, AgendaItem, Section, build_agenda, sort_key
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import TaskDraft
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.models import Lead
from amtui.core.reminders import add_reminder, complete_reminder, snooze_reminder
from amtui.core.tasks import add_task, complete_task
from tests.core.conftest import in_zone

BERLIN = ZoneInfo("Europe/Berlin")


def local(day: date, hour: int, minute: int = 0, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def task(
    db: Database, config: Config, title: str, due: date | datetime | None, now: datetime
) -> int:
    result = add_task(db, TaskDraft(title, due=due), now=now, config=config)
    return result.task.id or 0


def label(item: AgendaItem) -> str:
    if item.task:
        return item.task.task.title
    if item.lead:
        return item.lead.lead.title
    assert item.reminder is not None
    return item.reminder.reminder.text


def titles(section: Section) -> list[str]:
    return [label(item) for item in section.items]


def sections(agenda: Agenda) -> dict[str, list[str]]:
    return {
        "overdue": titles(agenda.overdue),
        "today": titles(agenda.today),
        "reminders": titles(agenda.reminders),
        "upcoming": titles(agenda.upcoming),
    }


WED = date(2026, 11, 25)


def test_overdue_today_and_upcoming_with_timed_and_all_day_tasks(
    db: Database, config: Config, now: datetime
) -> None:
    add = lambda title, due: task(db, config, title, due, now)  # noqa: E731
    add("yesterday 15:00", local(WED - timedelta(days=1), 15))
    add("all-day yesterday", WED - timedelta(days=1))
    add("today 09:30", local(WED, 9, 30))  # half an hour ago
    add("all-day today", WED)
    add("today 16:00", local(WED, 16))
    add("today 11:00", local(WED, 11))
    add("today 23:59", local(WED, 23, 59))
    add("tomorrow 00:00", local(WED + timedelta(days=1), 0))
    add("all-day in 7 days", WED + timedelta(days=7))
    add("in 7 days 23:30", local(WED + timedelta(days=7), 23, 30))
    add("all-day in 8 days", WED + timedelta(days=8))
    add("in 8 days 00:30", local(WED + timedelta(days=8), 0, 30))
    add("no due", None)
    done = add("done yesterday", WED - timedelta(days=1))
    complete_task(db, f"T{done}", now=now, config=config)

    agenda = build_agenda(db, now=now, config=config)

    assert agenda.day == WED and agenda.is_today
    assert sections(agenda) == {
        "overdue": ["yesterday 15:00", "all-day yesterday", "today 09:30"],
        "today": ["today 11:00", "today 16:00", "today 23:59", "all-day today"],
        "reminders": [],
        # An all-day deadline sorts after the timed ones of its day.
        "upcoming": ["tomorrow 00:00", "in 7 days 23:30", "all-day in 7 days"],
    }
    assert all(item.overdue for item in agenda.overdue.items)
    assert not any(item.overdue for item in agenda.today.items + agenda.upcoming.items)
    assert agenda.today.items[-1].due == WED  # all-day items keep their date
    assert agenda.overdue.total == 3 and agenda.overdue.more == 0


def test_reminders_today_overdue_and_snoozed(db: Database, config: Config, now: datetime) -> None:
    def remind(text: str, when: datetime) -> str:
        return f"R{add_reminder(db, text, when, now=now, config=config).reminder.id}"

    remind("this morning", local(WED, 8))
    remind("this afternoon", local(WED, 15))
    snoozed_in = remind("snoozed from yesterday", local(WED - timedelta(days=1), 10))
    snoozed_out = remind("snoozed to tomorrow", local(WED, 12))
    finished = remind("done", local(WED, 13))
    remind("tomorrow", local(WED + timedelta(days=1), 9))
    snooze_reminder(db, snoozed_in, local(WED, 14), now=now, config=config)
    snooze_reminder(db, snoozed_out, local(WED + timedelta(days=1), 8), now=now, config=config)
    complete_reminder(db, finished, now=now, config=config)
    task(db, config, "task yesterday", WED - timedelta(days=1), now)

    agenda = build_agenda(db, now=now, config=config)

    assert titles(agenda.reminders) == ["snoozed from yesterday", "this afternoon"]
    assert agenda.reminders.items[0].due == local(WED, 14)
    assert not any(item.overdue for item in agenda.reminders.items)
    # Tasks and reminders are merged in one overdue list, by time.
    assert titles(agenda.overdue) == ["task yesterday", "this morning"]
    assert agenda.overdue.total == 2
    # The next days hold reminders too, by when they are next due (the snooze counts).
    assert titles(agenda.upcoming) == ["snoozed to tomorrow", "tomorrow"]


def test_leads_waiting_for_a_first_response(db: Database, config: Config, now: datetime) -> None:
    def lead(title: str, minutes_ago: int) -> Lead:
        received = now - timedelta(minutes=minutes_ago)
        return add_lead(db, LeadDraft(title, received=received), now=now, config=config).lead

    lead("Fresh", 5)
    late = lead("Late", 40)
    lead("Answered", 60)
    lead("Won", 90)
    with db.write() as tx:  # answered and closed leads no longer wait
        tx.run(
            "UPDATE lead SET first_response_at = :at WHERE title = 'Answered'",
            {"at": now - timedelta(minutes=50)},
        )
        tx.run("UPDATE lead SET stage = 'won' WHERE title = 'Won'")

    agenda = build_agenda(db, now=now, config=config)

    assert titles(agenda.waiting) == ["Late", "Fresh"]  # oldest first
    first, second = agenda.waiting.items
    assert first.due == late.received_at + timedelta(minutes=15)
    assert first.overdue and not second.overdue
    assert second.due == now + timedelta(minutes=10)
    assert agenda.waiting.total == 2


def test_limit_keeps_the_earliest_items_and_counts_the_rest(
    db: Database, config: Config, now: datetime
) -> None:
    for days_ago in range(1, 6):
        task(db, config, f"overdue {days_ago}", local(WED - timedelta(days=days_ago), 12), now)
    for hour in (20, 14, 18):
        task(db, config, f"today {hour}:00", local(WED, hour), now)
    task(db, config, "all-day a", WED, now)
    task(db, config, "all-day b", WED, now)

    agenda = build_agenda(db, now=now, config=config, limit=2)
    assert agenda.overdue.total == 5
    assert titles(agenda.overdue) == ["overdue 5", "overdue 4"]
    assert agenda.overdue.more == 3

    agenda = build_agenda(db, now=now, config=config, limit=4)
    assert agenda.today.total == 5
    assert titles(agenda.today) == ["today 14:00", "today 18:00", "today 20:00", "all-day a"]

    everything = build_agenda(db, now=now, config=config, limit=None)
    assert everything.overdue.total == len(everything.overdue.items) == 5
    assert everything.today.more == 0


def test_agenda_for_another_day(db: Database, config: Config, now: datetime) -> None:
    thu = WED + timedelta(days=1)
    task(db, config, "today 16:00", local(WED, 16), now)
    task(db, config, "thu 10:00", local(thu, 10), now)
    task(db, config, "all-day thu", thu, now)
    task(db, config, "all-day wed+8", WED + timedelta(days=8), now)
    add_reminder(db, "call thu", local(thu, 9), now=now, config=config)

    agenda = build_agenda(db, now=now, config=config, day=thu)

    assert not agenda.is_today
    assert sections(agenda) == {
        # Seen from Thursday, Wednesday afternoon's deadline has passed.
        "overdue": ["today 16:00"],
        "today": ["thu 10:00", "all-day thu"],
        "reminders": ["call thu"],
        "upcoming": ["all-day wed+8"],  # Thursday + 7 days reaches 3 December
    }


def test_days_sets_the_upcoming_horizon(db: Database, config: Config, now: datetime) -> None:
    task(db, config, "tomorrow", WED + timedelta(days=1), now)
    task(db, config, "in 3 days", WED + timedelta(days=3), now)
    assert titles(build_agenda(db, now=now, config=config, days=0).upcoming) == []
    assert titles(build_agenda(db, now=now, config=config, days=2).upcoming) == ["tomorrow"]
    assert build_agenda(db, now=now, config=config).days == config.agenda_days


@pytest.mark.parametrize(
    ("day", "label_day"),
    [
        (date(2026, 3, 29), "spring forward: a 23-hour day"),
        (date(2026, 10, 25), "fall back: a 25-hour day"),
    ],
)
def test_dst_days_keep_late_evening_tasks_on_their_local_day(
    db: Database, config: Config, day: date, label_day: str
) -> None:
    now = local(day, 10)
    task(db, config, "late on the day", local(day, 23, 30), now)
    task(db, config, "just after midnight", local(day + timedelta(days=1), 0, 30), now)
    task(db, config, "late the day before", local(day - timedelta(days=1), 23, 30), now)
    task(db, config, "early on the day", local(day, 0, 30), now)

    agenda = build_agenda(db, now=now, config=config)

    assert agenda.day == day, label_day
    assert titles(agenda.today) == ["late on the day"]
    assert titles(agenda.upcoming) == ["just after midnight"]
    assert titles(agenda.overdue) == ["late the day before", "early on the day"]
    # The same day asked for from the day before (cutoff = the day's own start).
    ahead = build_agenda(db, now=now - timedelta(days=1), config=config, day=day)
    assert titles(ahead.today) == ["early on the day", "late on the day"]
    assert titles(ahead.overdue) == ["late the day before"]


def test_month_and_year_ends(db: Database, config: Config) -> None:
    now = local(date(2026, 11, 30), 10)  # Monday, the last day of November
    task(db, config, "30 nov 23:30", local(date(2026, 11, 30), 23, 30), now)
    # 00:30 in Berlin on 1 December is still 30 November in UTC.
    task(db, config, "1 dec 00:30", local(date(2026, 12, 1), 0, 30), now)
    task(db, config, "7 dec", date(2026, 12, 7), now)
    task(db, config, "8 dec", date(2026, 12, 8), now)
    task(db, config, "2 jan", date(2027, 1, 2), now)

    agenda = build_agenda(db, now=now, config=config)
    assert titles(agenda.today) == ["30 nov 23:30"]
    assert titles(agenda.upcoming) == ["1 dec 00:30", "7 dec"]

    new_year = build_agenda(db, now=now, config=config, day=date(2026, 12, 31), days=2)
    assert titles(new_year.upcoming) == ["2 jan"]
    assert titles(new_year.overdue) == ["30 nov 23:30", "1 dec 00:30", "7 dec", "8 dec"]


def test_far_east_zone_where_the_local_day_is_ahead_of_utc(db: Database, config: Config) -> None:
    auckland = ZoneInfo("Pacific/Auckland")
    cfg = in_zone(config, "Pacific/Auckland")
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # Thursday 26 November, 01:00 NZDT
    thu = date(2026, 11, 26)
    task(db, cfg, "all-day wed", date(2026, 11, 25), now)
    task(db, cfg, "wed 23:00 NZ", local(date(2026, 11, 25), 23, tz=auckland), now)
    task(db, cfg, "all-day thu", thu, now)
    task(db, cfg, "thu 09:00 NZ", local(thu, 9, tz=auckland), now)  # 25 Nov 20:00 UTC
    task(db, cfg, "fri 00:30 NZ", local(thu + timedelta(days=1), 0, 30, tz=auckland), now)

    agenda = build_agenda(db, now=now, config=cfg)

    assert agenda.day == thu
    assert titles(agenda.overdue) == ["wed 23:00 NZ", "all-day wed"]
    assert titles(agenda.today) == ["thu 09:00 NZ", "all-day thu"]
    assert titles(agenda.upcoming) == ["fri 00:30 NZ"]


def test_far_west_zone_where_the_local_day_is_behind_utc(db: Database, config: Config) -> None:
    la = ZoneInfo("America/Los_Angeles")
    cfg = in_zone(config, "America/Los_Angeles")
    now = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # Tuesday 24 November, 21:00 PST
    tue = date(2026, 11, 24)
    task(db, cfg, "tue 23:00 LA", local(tue, 23, tz=la), now)  # 25 Nov 07:00 UTC
    task(db, cfg, "all-day wed", date(2026, 11, 25), now)
    task(db, cfg, "all-day tue", tue, now)
    add_reminder(db, "wed 01:00 LA", datetime(2026, 11, 25, 9, 0, tzinfo=UTC), now=now, config=cfg)
    add_reminder(db, "tue 22:00 LA", local(tue, 22, tz=la), now=now, config=cfg)

    agenda = build_agenda(db, now=now, config=cfg)

    assert agenda.day == tue
    assert titles(agenda.today) == ["tue 23:00 LA", "all-day tue"]
    assert titles(agenda.upcoming) == ["wed 01:00 LA", "all-day wed"]
    assert titles(agenda.reminders) == ["tue 22:00 LA"]
    assert titles(agenda.overdue) == []


def test_an_all_day_task_is_not_overdue_until_its_day_ends(
    db: Database, config: Config, now: datetime
) -> None:
    task(db, config, "all-day today", WED, now)
    late_evening = local(WED, 23, 59)
    agenda = build_agenda(db, now=late_evening, config=config)
    assert titles(agenda.today) == ["all-day today"]
    assert not agenda.today.items[0].overdue
    next_morning = build_agenda(db, now=local(WED + timedelta(days=1), 0, 1), config=config)
    assert titles(next_morning.overdue) == ["all-day today"]
    assert next_morning.overdue.items[0].overdue


def test_the_agenda_of_one_client(db: Database, config: Config, now: datetime) -> None:
    from amtui.core.clients import add_client

    granel = add_client(db, "Granel", now=now)
    other = add_client(db, "Other", now=now)
    add_task(db, TaskDraft("Ours", due=now.date(), client="Granel"), now=now, config=config)
    add_task(db, TaskDraft("Theirs", due=now.date(), client="Other"), now=now, config=config)
    ours = add_lead(db, LeadDraft("Our lead", client="Granel"), now=now, config=config).lead
    add_lead(db, LeadDraft("Their lead", client="Other"), now=now, config=config)
    later = now + timedelta(hours=1)
    add_reminder(db, "About our lead", later, now=now, config=config, about=f"L{ours.id}")
    add_reminder(db, "About us", later, now=now, config=config, about=f"C{granel.id}")
    add_reminder(db, "About them", later, now=now, config=config, about=f"C{other.id}")
    agenda = build_agenda(db, now=now, config=config, client_id=granel.id)
    assert titles(agenda.today) == ["Ours"]
    assert titles(agenda.waiting) == ["Our lead"]
    assert titles(agenda.reminders) == ["About our lead", "About us"]
    assert agenda.today.total == 1 and agenda.waiting.total == 1


def test_next_days_hold_follow_up_steps_and_answers_due_later(
    db: Database, config: Config, now: datetime
) -> None:
    """Issue 7: "Next N days" is every deadline ahead, not only tasks; nothing is listed twice."""
    from amtui.core.pipeline import change_stage, respond_lead

    # Arrived this evening: answered within one working day, i.e. tomorrow.
    evening = add_lead(
        db, LeadDraft("Evening lead", received=local(WED, 17)), now=local(WED, 17), config=config
    ).lead
    respond_lead(db, evening.ref, now=local(WED, 17, 5), config=config)
    proposal = add_lead(db, LeadDraft("Proposal lead", received=now), now=now, config=config).lead
    change_stage(db, proposal.ref, "proposal-sent", now=now, config=config)  # step 1 tomorrow
    task(db, config, "task on friday", WED + timedelta(days=2), now)

    agenda = build_agenda(db, now=local(WED, 17, 10), config=config)

    upcoming = agenda.upcoming.items
    assert [item.ref for item in upcoming] == [
        item.ref for item in sorted(upcoming, key=lambda i: sort_key(i.due, config.timezone))
    ]
    kinds = {(item.ref, item.deadline) for item in upcoming if item.lead is not None}
    assert kinds == {(evening.ref, "answer")}
    steps = [item.reminder for item in upcoming if item.reminder is not None]
    assert [(row.subject_ref, row.reminder.step) for row in steps] == [(proposal.ref, 1)]
    assert "task on friday" in titles(agenda.upcoming)
    assert agenda.upcoming.total == 3
    # The answer is in the next days only: today's "answers due" stays empty.
    assert agenda.answers.total == 0
