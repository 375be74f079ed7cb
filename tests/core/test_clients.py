"""Clients (accounts) and contacts: unique names in any script and case, KAM placement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from amtui.core.clients import (
    add_client,
    add_contact,
    edit_client,
    ensure_client,
    get_client_details,
    kam_quadrant,
    list_clients,
    list_contacts,
)
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import InputError, NotFoundError
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.models import Task
from amtui.core.tasks import complete_task
from tests.core.conftest import QuickAdd
from tests.storage import one

LATER = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def names(db: Database, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.client.name for s in list_clients(db, **kwargs)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Гранель", "гранель"),
        ("Granel", "GRANEL"),
        ("Straße Studio", "STRASSE STUDIO"),
        ("Ωmega", "ωMEGA"),
        ("Granel", "  granel  "),
    ],
)
def test_names_are_unique_in_any_case_and_script(
    db: Database, now: datetime, first: str, second: str
) -> None:
    created = add_client(db, first, now=now)
    with pytest.raises(InputError, match=f"C{created.id}") as info:
        add_client(db, second, now=now)
    assert info.value.exit_code == 2
    assert names(db) == [first.strip()]


def test_add_client_keeps_every_field(db: Database, now: datetime) -> None:
    from amtui.core.members import add_member

    add_member(db, "mia", "Mia Sorensen", now=now)
    client = add_client(
        db,
        "  Granel  ",
        now=now,
        timezone="asia/tokyo",
        owner="mia sorensen",  # a member, by handle or full name
        notes="Prefers calls",
        kam_attractiveness=5,
        kam_relationship=2,
        relationship_stage="Operational",
    )
    assert client.name == "Granel"
    assert client.timezone == "Asia/Tokyo"  # the IANA spelling, whatever case was typed
    assert client.relationship_stage == "operational"
    [summary] = list_clients(db)
    assert summary.quadrant == "Star"
    assert summary.owner == "mia"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"kam_attractiveness": 6}, "attractiveness"),
        ({"kam_relationship": 0}, "relationship strength"),
        ({"relationship_stage": "married"}, "relationship stage"),
    ],
)
def test_bad_client_values_are_refused(
    db: Database, now: datetime, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        add_client(db, "Granel", now=now, **kwargs)  # type: ignore[arg-type]
    assert names(db) == []


def test_empty_name_is_refused(db: Database, now: datetime) -> None:
    with pytest.raises(InputError, match="empty"):
        add_client(db, "  ", now=now)


def test_ensure_client_creates_once(db: Database, now: datetime) -> None:
    with db.write() as tx:
        first, created = ensure_client(tx, "Гранель", now=now)
        again, created_again = ensure_client(tx, "ГРАНЕЛЬ", now=now)
    assert created and not created_again
    assert first.id == again.id
    assert names(db) == ["Гранель"]


@pytest.mark.parametrize(
    ("attractiveness", "relationship", "quadrant"),
    [
        (5, 5, "Strategic"),
        (4, 4, "Strategic"),
        (4, 3, "Star"),
        (3, 4, "Status"),
        (1, 1, "Streamline"),
        (3, 3, "Streamline"),
        (None, 5, None),
        (5, None, None),
    ],
)
def test_kam_quadrant(attractiveness: int | None, relationship: int | None, quadrant: str) -> None:
    assert kam_quadrant(attractiveness, relationship) == quadrant


def test_edit_client_changes_fields_and_records_them(db: Database, now: datetime) -> None:
    from amtui.core.members import add_member

    ben = add_member(db, "ben", "Ben Ode", now=now)
    client = add_client(db, "Granel", now=now)
    edited = edit_client(
        db, "granel", now=LATER, owner="Ben", kam_attractiveness=2, kam_relationship=5
    )
    assert edited.owner_id == ben.id
    assert kam_quadrant(edited.kam_attractiveness, edited.kam_relationship) == "Status"
    assert edited.updated_at == LATER
    details = get_client_details(db, f"C{client.id}")
    assert [a.kind for a in details.activities] == ["created", "edited"]
    assert details.activities[-1].text == (
        "kam_attractiveness, kam_relationship, owner ben (was nobody)"
    )
    assert details.owner == "ben"
    assert edit_client(db, "granel", now=LATER, owner="none").owner_id is None
    with pytest.raises(NotFoundError, match="no member 'zoe'"):
        edit_client(db, "granel", now=LATER, owner="zoe")


def test_rename_to_another_clients_name_is_refused(db: Database, now: datetime) -> None:
    add_client(db, "Гранель", now=now)
    other = add_client(db, "Harbor", now=now)
    with pytest.raises(InputError, match="Гранель"):
        edit_client(db, f"C{other.id}", now=now, name="гранель")
    # A change of case of its own name is fine.
    assert edit_client(db, "harbor", now=now, name="HARBOR").name == "HARBOR"
    assert names(db) == ["HARBOR", "Гранель"]


def test_edit_client_errors(db: Database, now: datetime) -> None:
    add_client(db, "Granel", now=now)
    with pytest.raises(InputError, match="nothing to change"):
        edit_client(db, "Granel", now=now)
    with pytest.raises(NotFoundError, match="Nobody"):
        edit_client(db, "Nobody", now=now, owner="x")
    with pytest.raises(NotFoundError):
        edit_client(db, "C9", now=now, owner="x")


def test_archived_clients_are_listed_only_on_request(db: Database, now: datetime) -> None:
    add_client(db, "Old", now=now)
    add_client(db, "New", now=now)
    edit_client(db, "old", now=now, archived=True)
    assert names(db) == ["New"]
    assert names(db, include_archived=True) == ["New", "Old"]


def test_list_clients_counts_open_top_level_tasks_and_open_leads(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    card = quick("Card client:Granel").task
    quick(f"Step parent:T{card.id}")
    done = quick("Done client:Granel").task
    complete_task(db, f"T{done.id}", now=now, config=config)
    add_lead(db, LeadDraft("Website", client="granel"), now=now, config=config)
    add_lead(db, LeadDraft("Other lead"), now=now, config=config)
    [summary] = list_clients(db)
    assert (summary.open_tasks, summary.open_leads) == (1, 1)


def test_contacts(db: Database, now: datetime) -> None:
    add_client(db, "Granel", now=now)
    add_client(db, "Alpha", now=now)
    contact, client = add_contact(
        db, "granel", "Zoe", now=now, email=" zoe@granel.example ", role="CMO"
    )
    assert client.name == "Granel"
    assert contact.email == "zoe@granel.example"
    add_contact(db, "Granel", "Anna", now=now)
    add_contact(db, "C2", "Bob", now=now)
    assert [(c.name, k.name) for c, k in list_contacts(db)] == [
        ("Bob", "Alpha"),
        ("Anna", "Granel"),
        ("Zoe", "Granel"),
    ]
    assert [c.name for c, _ in list_contacts(db, "granel")] == ["Anna", "Zoe"]
    assert [c.name for c in get_client_details(db, "Granel").contacts] == ["Anna", "Zoe"]


def test_contact_errors_write_nothing(db: Database, now: datetime) -> None:
    add_client(db, "Granel", now=now)
    with pytest.raises(InputError, match="email"):
        add_contact(db, "Granel", "Zoe", now=now, email="not-an-email")
    with pytest.raises(NotFoundError):
        add_contact(db, "Nobody", "Zoe", now=now)
    with pytest.raises(InputError, match="empty"):
        add_contact(db, "Granel", " ", now=now)
    assert list_contacts(db) == []


def test_deleting_a_client_removes_contacts_and_unlinks_tasks(
    db: Database, quick: QuickAdd, now: datetime
) -> None:
    task = quick("Card client:Granel").task
    add_contact(db, "Granel", "Zoe", now=now)
    with db.write() as tx:  # no service yet: foreign keys must still hold the data together
        tx.run("DELETE FROM client")
    assert list_contacts(db) == []
    assert one(db, Task, "id = :id", {"id": task.id}).client_id is None


def test_client_details_list_open_work(
    db: Database, quick: QuickAdd, config: Config, now: datetime
) -> None:
    quick("Open client:Granel")
    done = quick("Closed client:Granel").task
    complete_task(db, f"T{done.id}", now=now, config=config)
    add_lead(db, LeadDraft("Website", client="Granel"), now=now, config=config)
    details = get_client_details(db, "granel")
    assert [t.title for t in details.open_tasks] == ["Open"]
    assert [lead.title for lead in details.open_leads] == ["Website"]


def test_client_of_finds_the_client_of_any_record(
    db: Database, now: datetime, config: Config, quick: QuickAdd
) -> None:
    """`C` in the app opens the client of the selected record, whatever its kind: its own
    client, else through its lead, its parent card or what a reminder is about."""
    from datetime import date

    from amtui.core.clients import client_of
    from amtui.core.drafts import draft_from_text
    from amtui.core.invoices import new_invoice
    from amtui.core.proposals import new_proposal
    from amtui.core.reminders import add_reminder
    from amtui.core.tasks import add_task

    add_client(db, "Granel", now=now)
    add_client(db, "Kettle & Co", now=now)
    add_lead(db, LeadDraft(title="Website", client="Granel"), now=now, config=config)
    add_lead(db, LeadDraft(title="SEO audit", partner="Pixel"), now=now, config=config)
    card = quick("Brief client:Kettle").task.ref
    draft = draft_from_text("Outline", now=now, config=config)
    draft.parent = card
    subtask = add_task(db, draft, now=now, config=config).task.ref
    of_lead = quick("Call back lead:L1").task.ref
    proposal = new_proposal(db, "L1", now=now, today=date(2026, 11, 25)).proposal.ref
    lines = [("Design", "400")]
    invoice = new_invoice(db, "Kettle", now=now, config=config, lines=lines, currency="EUR").ref
    about_lead = add_reminder(db, "Chase", "+1d", now=now, config=config, about="L1")
    about_card = add_reminder(db, "Check", "+1d", now=now, config=config, about=subtask)

    def client(ref: str) -> str | None:
        found = client_of(db, ref)
        return None if found is None else found.name

    assert client("L1") == client(proposal) == client(of_lead) == "Granel"
    assert client(about_lead.reminder.ref) == "Granel"
    assert client(card) == client(subtask) == client(invoice) == client(about_card.reminder.ref)
    assert client(invoice) == "Kettle & Co"
    assert client("C2") == "Kettle & Co"
    assert client("L2") is None  # a partner's lead not linked to a client yet
    with pytest.raises(NotFoundError):
        client_of(db, "I99")
