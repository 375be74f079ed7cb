"""Reminders: a time at which something about a lead, client or task needs doing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from amtui.core.clients import add_client
from amtui.core.config import Config
from amtui.core.dates import DateParseError
from amtui.core.db import Database
from amtui.core.describe import View, reminder_line
from amtui.core.errors import InputError, NotFoundError
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.models import Activity
from amtui.core.reminders import (
    add_reminder,
    complete_reminder,
    get_reminder,
    list_reminders,
    snooze_reminder,
)
from tests.core.conftest import QuickAdd
from tests.storage import rows


def test_add_a_reminder_about_a_lead(db: Database, config: Config, now: datetime) -> None:
    lead = add_lead(db, LeadDraft("Website redesign"), now=now, config=config).lead
    row = add_reminder(
        db, "Call Anna", "tomorrow 10:00", now=now, config=config, about=f"L{lead.id}", kind="Call"
    )
    assert row.reminder.due_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert row.reminder.kind == "call"
    assert row.reminder.lead_id == lead.id
    assert (row.subject_ref, row.subject_title) == (f"L{lead.id}", "Website redesign")
    assert reminder_line(View(config, now), row) == f"Call Anna (about L{lead.id} Website redesign)"
    notes = [a.text for a in rows(db, Activity, "kind = 'note'")]
    assert notes == [f"reminder R{row.reminder.id}: Call Anna"]


def test_about_a_task_and_a_client(
    db: Database, config: Config, now: datetime, quick: QuickAdd
) -> None:
    task = quick("Send estimate").task
    client = add_client(db, "Granel", now=now)
    on_task = add_reminder(db, "Chase", "fri", now=now, config=config, about=f"T{task.id}")
    on_client = add_reminder(db, "Invoice", "fri", now=now, config=config, about=f"C{client.id}")
    assert on_task.reminder.task_id == task.id
    assert on_task.subject_title == "Send estimate"
    assert on_client.reminder.client_id == client.id
    assert on_client.subject_title == "Granel"


def test_a_date_alone_means_the_start_of_the_working_day(
    db: Database, config: Config, now: datetime
) -> None:
    row = add_reminder(db, "Chase", "fri", now=now, config=config)
    assert row.reminder.due_at == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 Berlin
    assert row.subject_ref is None
    assert reminder_line(View(config, now), row) == "Chase"


def test_client_keyword_reads_the_time_in_the_clients_zone(
    db: Database, config: Config, now: datetime
) -> None:
    client = add_client(db, "Harbor", now=now, timezone="America/New_York")
    lead = add_lead(db, LeadDraft("Site", client="Harbor"), now=now, config=config).lead
    for about in (f"C{client.id}", f"L{lead.id}"):
        row = add_reminder(db, "Call", "fri 9:00 client", now=now, config=config, about=about)
        assert row.reminder.due_at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 09:00 EST


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"text": " "}, InputError, "empty"),
        ({"kind": "follow-up"}, InputError, "reminder kind"),  # scheduled by the lead rules only
        ({"when": "frii"}, DateParseError, "frii"),
        ({"about": "L99"}, NotFoundError, "L99"),
        ({"about": "R1"}, InputError, "not another reminder"),
        ({"about": "12"}, InputError, "ambiguous"),
    ],
)
def test_bad_reminders_are_refused(
    db: Database,
    config: Config,
    now: datetime,
    kwargs: dict[str, str],
    error: type[Exception],
    message: str,
) -> None:
    add_reminder(db, "First", "fri", now=now, config=config)
    values = {"text": "Call", "when": "fri 10:00", **kwargs}
    with pytest.raises(error, match=message):
        add_reminder(db, now=now, config=config, **values)  # type: ignore[arg-type]
    assert [r.reminder.text for r in list_reminders(db)] == ["First"]


def test_complete_and_list(db: Database, config: Config, now: datetime) -> None:
    later = add_reminder(db, "Later", "fri 10:00", now=now, config=config).reminder
    sooner = add_reminder(db, "Sooner", "thu 10:00", now=now, config=config).reminder
    assert [r.reminder.text for r in list_reminders(db)] == ["Sooner", "Later"]
    done = complete_reminder(db, f"R{sooner.id}", now=now, config=config)
    assert done.row.reminder.done_at == now
    assert done.next_step is None  # a custom reminder has no follow-up ladder
    assert [r.reminder.text for r in list_reminders(db)] == ["Later"]
    assert [r.reminder.text for r in list_reminders(db, include_done=True)] == ["Sooner", "Later"]
    with pytest.raises(InputError, match="already done"):
        complete_reminder(db, str(sooner.id), now=now, config=config)
    with pytest.raises(NotFoundError):
        complete_reminder(db, "R99", now=now, config=config)
    assert get_reminder(db, f"R{later.id}").reminder.text == "Later"


def test_list_orders_by_the_snoozed_time(db: Database, config: Config, now: datetime) -> None:
    first = add_reminder(db, "First", "thu 10:00", now=now, config=config).reminder
    add_reminder(db, "Second", "fri 10:00", now=now, config=config)
    snoozed = snooze_reminder(db, f"R{first.id}", "sat 10:00", now=now, config=config)
    assert snoozed.reminder.snoozed_until == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert snoozed.reminder.due_at == first.due_at  # the original time is kept
    assert [r.reminder.text for r in list_reminders(db)] == ["Second", "First"]
    assert list_reminders(db)[1].reminder.effective_due == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    with pytest.raises(InputError, match="future"):
        snooze_reminder(db, f"R{first.id}", "-1d", now=now, config=config)


def test_list_about_one_subject(
    db: Database, config: Config, now: datetime, quick: QuickAdd
) -> None:
    task = quick("Card").task
    add_reminder(db, "On task", "fri", now=now, config=config, about=f"T{task.id}")
    add_reminder(db, "Free", "fri", now=now, config=config)
    assert [r.reminder.text for r in list_reminders(db, about=f"T{task.id}")] == ["On task"]
    assert list_reminders(db, about="L1") == []
    with pytest.raises(InputError):
        list_reminders(db, about="R1")


def test_edit_a_reminder_moves_it_and_clears_snooze_and_notice(
    db: Database, config: Config, now: datetime
) -> None:
    from amtui.core.reminders import edit_reminder

    row = add_reminder(db, "Call Anna", "today 11:00", now=now, config=config)
    ref = f"R{row.reminder.id}"
    snooze_reminder(db, ref, "+2h", now=now, config=config)
    edited = edit_reminder(
        db, ref, now=now, config=config, text="Call Anna back", when="fri 10:00", kind="call"
    )
    assert edited.reminder.text == "Call Anna back"
    assert edited.reminder.kind == "call"
    assert edited.reminder.due_at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert edited.reminder.snoozed_until is None and edited.reminder.notified_at is None
    with pytest.raises(InputError, match="nothing to change"):
        edit_reminder(db, ref, now=now, config=config)
    with pytest.raises(InputError, match="reminder kind"):
        edit_reminder(db, ref, now=now, config=config, kind="follow-up")


def test_delete_a_reminder(db: Database, config: Config, now: datetime) -> None:
    from amtui.core.reminders import delete_reminder

    row = add_reminder(db, "Call Anna", "today 11:00", now=now, config=config)
    ref = f"R{row.reminder.id}"
    assert delete_reminder(db, ref).reminder.text == "Call Anna"
    with pytest.raises(NotFoundError):
        get_reminder(db, ref)
