"""Search: every kind of record, case-insensitive in any script, wildcards taken literally."""

from __future__ import annotations

from datetime import datetime

import pytest

from amtui.core.clients import add_client, add_contact, edit_client
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import TaskPatch
from amtui.core.errors import InputError
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.reminders import add_reminder, complete_reminder
from amtui.core.search import search
from amtui.core.tasks import complete_task, edit_task
from tests.core.conftest import QuickAdd


def found(db: Database, text: str, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{hit.kind}:{hit.title}" for hit in search(db, text, **kwargs)]


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("Гранель", "гранель"),
        ("гранель", "ГРАНЕЛЬ"),
        ("granel", "GRANEL"),
        ("GRANEL", "granel"),
        ("Straße", "STRASSE"),
        ("ΣΟΦΙΑ", "σοφια"),
        ("Ärzte Berlin", "ärzte"),
        ("ﬁle server", "file"),  # NFKC: the ligature ﬁ reads as "fi"
    ],
)
def test_case_insensitive_in_any_script(
    quick: QuickAdd, db: Database, stored: str, query: str
) -> None:
    quick(f"Call {stored} today")
    quick("Unrelated")
    assert found(db, query) == [f"task:Call {stored} today"]


@pytest.mark.parametrize(
    ("query", "hit"),
    [
        ("100%", "Discount 100% off"),
        ("a_b", "Rename a_b"),
        ("%", "Discount 100% off"),
        ("_", "Rename a_b"),
        ("C:\\temp", "Clean C:\\temp"),
    ],
)
def test_like_wildcards_in_the_query_are_literal(
    quick: QuickAdd, db: Database, query: str, hit: str
) -> None:
    for title in ("Discount 100% off", "Discount 1000 off", "Rename a_b", "Rename axb"):
        quick(title)
    quick("Clean C:\\temp")
    quick("Clean C:temp")
    assert found(db, query) == [f"task:{hit}"]


def test_every_kind_of_record_is_searched(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    quick("Granel estimate")
    quick("Notes only")
    add_lead(
        db,
        LeadDraft("Website", partner="Granel Partners", contact_email="anna@granel.example"),
        now=now,
        config=config,
    )
    client = add_client(db, "Granel", now=now)
    add_contact(db, "Granel", "Zoe", now=now, email="zoe@granel.example")
    add_reminder(db, "Call Granel", "fri", now=now, config=config)

    hits = search(db, "granel")

    assert [(h.kind, h.title) for h in hits] == [
        ("task", "Granel estimate"),
        ("lead", "Website"),
        ("client", "Granel"),
        ("contact", "Zoe"),
        ("reminder", "Call Granel"),
    ]
    contact = hits[3]
    assert (contact.ref, contact.detail) == (
        f"C{client.id}",
        "Granel",
    )  # a contact opens its client
    assert hits[0].detail == "To do"
    assert hits[1].ref.startswith("L") and hits[1].detail == "new"


def test_task_notes_and_assignee_are_searched(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    task = quick("Plain title @copywriter").task
    edit_task(
        db, f"T{task.id}", TaskPatch(notes="Ask about the Гранель logo"), now=now, config=config
    )
    assert found(db, "гранель") == ["task:Plain title"]
    assert found(db, "COPYWRITER") == ["task:Plain title"]


def test_open_records_come_first(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    done = quick("Granel old").task
    quick("Granel new")
    complete_task(db, f"T{done.id}", now=now, config=config)
    first = add_reminder(db, "Granel done", "fri", now=now, config=config).reminder
    add_reminder(db, "Granel open", "fri", now=now, config=config)
    complete_reminder(db, f"R{first.id}", now=now, config=config)
    add_client(db, "Granel archived", now=now)
    add_client(db, "Granel live", now=now)
    edit_client(db, "Granel archived", now=now, archived=True)

    hits = search(db, "granel")

    assert [(h.title, h.open) for h in hits] == [
        ("Granel new", True),
        ("Granel old", False),
        ("Granel live", True),
        ("Granel archived", False),
        ("Granel open", True),
        ("Granel done", False),
    ]


def test_limit_applies_per_kind(quick: QuickAdd, db: Database, now: datetime) -> None:
    for n in range(5):
        quick(f"Granel task {n}")
    add_client(db, "Granel", now=now)
    hits = search(db, "granel", limit=2)
    assert [h.title for h in hits] == ["Granel task 4", "Granel task 3", "Granel"]


def test_no_hits_and_empty_queries(quick: QuickAdd, db: Database) -> None:
    quick("Something")
    assert search(db, "nothing like it") == []
    with pytest.raises(InputError, match="search needs"):
        search(db, "   ")


def test_the_query_is_trimmed_but_inner_spaces_count(quick: QuickAdd, db: Database) -> None:
    quick("Send the estimate")
    assert found(db, "  the estimate  ") == ["task:Send the estimate"]
    assert found(db, "the  estimate") == []
