"""Leads: one inbox for enquiries from clients and partner agencies, from any channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amtui.core import board
from amtui.core.config import Config
from amtui.core.dates import DateParseError
from amtui.core.db import Database
from amtui.core.errors import InputError, NotFoundError
from amtui.core.lead_queries import get_lead_details, list_leads
from amtui.core.leads import (
    DuplicateLeadError,
    LeadDraft,
    add_lead,
    delete_lead,
    edit_lead,
    parse_brief,
)
from amtui.core.models import Activity, Client, Lead, Reminder, Task
from amtui.core.reminders import add_reminder
from tests.core.conftest import QuickAdd
from tests.storage import count, one, rows

LATER = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def add(db: Database, config: Config, now: datetime, title: str = "Website", **kwargs):  # type: ignore[no-untyped-def]
    return add_lead(db, LeadDraft(title, **kwargs), now=now, config=config)


def test_add_lead_with_every_field(db: Database, config: Config, now: datetime) -> None:
    result = add(
        db,
        config,
        now,
        "SEO audit for a hotel chain",
        partner="Pixel Partners",
        channel="Web Brief",
        contact_name="Anna",
        contact_email="anna@hotel.example",
        contact_phone="+49 30 123",
        client="Hotel Chain",
        value="12 000,50",
        currency="usd",
        received="2026-11-25 09:30",
        timezone="America/New_York",
        brief=parse_brief(["Budget=12k", "Deadline = March "]),
        external_id=" <abc@mail> ",
        notes="From the website",
    )
    lead = result.lead
    assert lead.source == "partner"  # naming a partner says where it came from
    assert lead.partner == "Pixel Partners"
    assert lead.channel == "web-brief"
    assert lead.value_minor == 1_200_050
    assert lead.currency == "USD"
    assert lead.received_at == datetime(2026, 11, 25, 8, 30, tzinfo=UTC)  # 09:30 Berlin
    assert lead.brief == [{"q": "Budget", "a": "12k"}, {"q": "Deadline", "a": "March"}]
    assert lead.external_id == "<abc@mail>"
    assert lead.stage == "new"
    assert lead.first_response_at is None
    assert result.created_client and result.client is not None
    assert result.client.name == "Hotel Chain"


def test_defaults(db: Database, config: Config, now: datetime) -> None:
    lead = add(db, config, now).lead
    assert (lead.source, lead.partner, lead.channel) == ("client", None, "email")
    assert lead.received_at == now
    assert lead.value_minor is None and lead.currency is None


def test_a_date_alone_means_the_start_of_that_working_day(
    db: Database, config: Config, now: datetime
) -> None:
    lead = add(db, config, now, received="yesterday").lead
    assert lead.received_at == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 09:00 Berlin


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"title": " "}, InputError, "empty"),
        ({"source": "partner"}, InputError, "partner's name"),
        ({"source": "cold call"}, InputError, "source"),
        ({"channel": "pigeon"}, InputError, "channel"),
        ({"contact_email": "anna at hotel"}, InputError, "email"),
        ({"value": "lots"}, InputError, "amount"),
        ({"value": "-5"}, InputError, "amount"),
        ({"currency": "euro"}, InputError, "currency"),
        ({"timezone": "Moon/Base"}, InputError, "time zone"),
        ({"received": "tomorrow 10:00"}, InputError, "future"),
        ({"received": "frii"}, DateParseError, "frii"),
    ],
)
def test_bad_input_writes_nothing(
    db: Database,
    config: Config,
    now: datetime,
    kwargs: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    values = {"title": "Website", "client": "Newco", **kwargs}
    with pytest.raises(error, match=message) as info:
        add_lead(db, LeadDraft(**values), now=now, config=config)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    assert count(db, Lead) == 0
    assert count(db, Client) == 0


def test_duplicate_external_id_is_refused_and_creates_no_client(
    db: Database, config: Config, now: datetime
) -> None:
    first = add(db, config, now, external_id="<abc@mail>").lead
    with pytest.raises(DuplicateLeadError, match=f"L{first.id}") as info:
        add(db, config, now, "Again", external_id="<abc@mail>", client="Newco")
    assert info.value.exit_code == 1
    assert count(db, Lead) == 1
    assert count(db, Client) == 0


def test_lead_for_an_existing_client_in_any_case(db: Database, config: Config, now: datetime):  # type: ignore[no-untyped-def]
    add(db, config, now, client="Гранель")
    result = add(db, config, now, "Second", client="гранель")
    assert not result.created_client
    assert count(db, Client) == 1


def test_edit_lead(db: Database, config: Config, now: datetime) -> None:
    lead = add(db, config, now, partner="Pixel").lead
    result = edit_lead(
        db,
        f"L{lead.id}",
        now=LATER,
        config=config,
        title="Website redesign",
        source="client",
        value="1.5k",
        client="Granel",
        add_brief=[("Budget", "15k")],
    )
    assert result.lead.title == "Website redesign"
    assert (result.lead.source, result.lead.partner) == ("client", None)
    assert result.lead.value_minor == 150_000
    assert result.created_client
    assert result.lead.brief == [{"q": "Budget", "a": "15k"}]
    assert result.lead.updated_at == LATER
    assert set(result.changed) >= {"title", "source", "partner", "value_minor", "client_id"}
    details = get_lead_details(db, str(lead.id))
    assert details.row.client_name == "Granel"
    assert [a.kind for a in details.activities] == ["created", "edited"]


def test_edit_lead_errors_change_nothing(db: Database, config: Config, now: datetime) -> None:
    lead = add(db, config, now).lead
    ref = f"L{lead.id}"
    with pytest.raises(InputError, match="nothing to change"):
        edit_lead(db, ref, now=LATER, config=config)
    with pytest.raises(InputError, match="partner"):
        edit_lead(db, ref, now=LATER, config=config, source="partner")
    with pytest.raises(InputError, match="future"):
        edit_lead(db, ref, now=LATER, config=config, received="+2d", client="Newco")
    with pytest.raises(NotFoundError):
        edit_lead(db, "L99", now=LATER, config=config, title="x")
    assert count(db, Client) == 0
    assert get_lead_details(db, ref).row.lead.updated_at == now


def test_delete_lead_keeps_its_tasks_unlinked(
    db: Database, config: Config, now: datetime, quick: QuickAdd
) -> None:
    lead = add(db, config, now).lead
    task = quick(f"Send proposal lead:L{lead.id}").task
    add_reminder(db, "Call back", "+2h", now=now, config=config, about=f"L{lead.id}")
    assert delete_lead(db, f"L{lead.id}") == "Website"
    assert one(db, Task, "id = :id", {"id": task.id}).lead_id is None
    assert rows(db, Reminder) == []
    assert rows(db, Activity, "lead_id = :id", {"id": lead.id}) == []
    with pytest.raises(NotFoundError):
        delete_lead(db, f"L{lead.id}")


def test_list_waiting_first_then_by_next_action_then_newest(
    db: Database, config: Config, now: datetime
) -> None:
    for title, minutes in (
        ("Newer", 5),
        ("Older", 30),
        ("Responded old", 60),
        ("Responded", 1),
        ("Done old", 90),
        ("Done", 3),
    ):
        add(db, config, now, title, received=now - timedelta(minutes=minutes))
    add(db, config, now, "Won", received=now - timedelta(minutes=2))
    with db.write() as tx:
        tx.run(
            "UPDATE lead SET first_response_at = :now WHERE title IN :titles",
            {"now": now, "titles": ("Responded old", "Responded", "Done old", "Done")},
        )
        # Fully answered, nothing scheduled: no next action, so last, newest first.
        tx.run(
            "UPDATE lead SET answered_at = :now WHERE title IN :titles",
            {"now": now, "titles": ("Done old", "Done")},
        )
        tx.run("UPDATE lead SET stage = 'won' WHERE title = 'Won'")

    def titles(**kwargs) -> list[str]:  # type: ignore[no-untyped-def]
        return [row.lead.title for row in list_leads(db, **kwargs)]

    # Waiting oldest first; then the answer owed soonest (the older lead's); then the rest.
    assert titles() == ["Older", "Newer", "Responded old", "Responded", "Done", "Done old"]
    rows = list_leads(db, rule=config.response_rule)
    assert [r.next_action.kind if r.next_action else None for r in rows] == [
        "first-response", "first-response", "answer", "answer", None, None,
    ]  # fmt: skip
    assert titles(waiting=True) == ["Older", "Newer"]
    assert titles(stage="won") == ["Won"]
    assert titles(include_closed=True)[-1] == "Won"
    assert titles(limit=1, offset=1) == ["Newer"]
    with pytest.raises(InputError, match="stage"):
        list_leads(db, stage="maybe")

    # One inbox order: any page of `lead list` is that slice of the whole list, across the
    # groups (waiting, the other open leads, closed), and the app's inbox pages agree.
    everything = titles(include_closed=True)
    assert len(everything) == 7
    for offset in range(8):
        for limit in (1, 2, 3):
            page = titles(include_closed=True, offset=offset, limit=limit)
            assert page == everything[offset : offset + limit], (offset, limit)
    inbox = [
        row.lead.title
        for offset in range(0, 6, 2)
        for row in board.inbox_page(db, offset=offset, limit=2).rows
    ]
    assert inbox == titles()
    first = board.inbox_page(db, limit=2)
    assert (first.total, first.waiting, first.more) == (6, 2, 4)


def test_list_filters_by_client_source_and_channel(
    db: Database, config: Config, now: datetime
) -> None:
    add(db, config, now, "A", client="Granel", channel="phone")
    add(db, config, now, "B", partner="Pixel")
    assert [r.lead.title for r in list_leads(db, client="GRANEL")] == ["A"]
    assert [r.lead.title for r in list_leads(db, source="partner")] == ["B"]
    assert [r.lead.title for r in list_leads(db, channel="Phone")] == ["A"]
    assert list_leads(db, client="Granel")[0].client_name == "Granel"
    with pytest.raises(NotFoundError):
        list_leads(db, client="Nobody")


def test_brief_answers_need_a_question() -> None:
    assert parse_brief(["Budget = 12k = max"]) == [("Budget", "12k = max")]
    with pytest.raises(InputError, match="brief"):
        parse_brief(["just text"])
    with pytest.raises(InputError, match="brief"):
        parse_brief(["=12k"])


def test_show_lead_lists_tasks_and_reminders(
    db: Database, config: Config, now: datetime, quick: QuickAdd
) -> None:
    lead = add(db, config, now).lead
    quick(f"Proposal lead:L{lead.id}")
    add_reminder(db, "Call back", "+2h", now=now, config=config, about=f"L{lead.id}")
    details = get_lead_details(db, f"l{lead.id}")
    assert [t.title for t in details.tasks] == ["Proposal"]
    assert [r.text for r in details.reminders] == ["Call back"]
    with pytest.raises(InputError, match="task"):
        get_lead_details(db, "T1")


def test_a_value_is_kept_in_its_currencys_minor_unit(
    db: Database, config: Config, now: datetime
) -> None:
    yen = add(db, config, now, value="150 000", currency="JPY").lead
    assert (yen.value_minor, yen.currency) == (150_000, "JPY")
    euro = add(db, config, now, value="1 200,50", currency="EUR").lead
    # A corrected currency keeps the amount the user sees (1 200.50 EUR → 1 200.50 USD) …
    fixed = edit_lead(db, euro.ref, now=LATER, config=config, currency="USD").lead
    assert (fixed.value_minor, fixed.currency) == (120_050, "USD")
    yen_fixed = edit_lead(db, yen.ref, now=LATER, config=config, currency="KWD").lead
    assert yen_fixed.value_minor == 150_000_000  # 150 000.000 KWD
    # … and what JPY cannot hold is refused, writing nothing.
    with pytest.raises(InputError, match="more decimals than JPY allows"):
        edit_lead(db, euro.ref, now=LATER, config=config, currency="JPY")
    with pytest.raises(InputError, match="more decimals than JPY allows"):
        add(db, config, now, title="Odd", value="10.5", currency="JPY")
    assert one(db, Lead, "id = :id", {"id": euro.id}).currency == "USD"
    assert count(db, Lead) == 2
    both = edit_lead(db, euro.ref, now=LATER, config=config, value="90000", currency="JPY").lead
    assert (both.value_minor, both.currency) == (90_000, "JPY")
