"""Writers that race: two commands that create the same new client (or anything unique) at
the same moment both succeed, and nothing is lost to a raw IntegrityError or serialization
failure. Each thread has its own `Database` (its own connections), as separate processes do;
a barrier starts them together. Runs on SQLite always, on PostgreSQL when AMTUI_TEST_POSTGRES
names a database the tests may wipe (`.ci/run` starts a local server and sets it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from amtui.core.clients import add_client
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import TaskPatch, draft_from_text
from amtui.core.errors import AmtuiError, InputError, StorageError
from amtui.core.leads import DuplicateLeadError, LeadDraft, add_lead
from amtui.core.migrations import ensure_schema
from amtui.core.models import Client
from amtui.core.pipeline import win_lead
from amtui.core.tasks import add_task, edit_task
from tests.conftest import wipe_postgres

PG_URL = os.environ.get("AMTUI_TEST_POSTGRES")
WRITERS = 6


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not PG_URL, reason="AMTUI_TEST_POSTGRES is not set"),
        ),
    ]
)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where the racing writers meet: an empty SQLite file or an empty PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "race.db")
        return
    assert PG_URL
    wipe_postgres(PG_URL)
    yield PG_URL
    wipe_postgres(PG_URL)


@pytest.fixture
def ready(target: str) -> str:
    database = Database(target)
    try:
        ensure_schema(database)
    finally:
        database.dispose()
    return target


def race(target: str, work: Callable[[Database, int], Any]) -> list[Any]:
    """Run `work(db, i)` in WRITERS threads at once, each on its own Database; return what
    each returned or raised (an exception object), in thread order."""
    barrier = threading.Barrier(WRITERS)
    results: list[Any] = [None] * WRITERS

    def run(index: int) -> None:
        database = Database(target)
        try:
            barrier.wait(timeout=30)
            results[index] = work(database, index)
        except Exception as error:  # collected and asserted on by the test
            results[index] = error
        finally:
            database.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def no_raw_errors(results: list[Any]) -> None:
    for result in results:
        if isinstance(result, Exception):
            assert isinstance(result, AmtuiError), repr(result)
            assert not isinstance(result, StorageError), repr(result)


def scalar(target: str, query: str) -> Any:
    database = Database(target)
    try:
        with database.read() as tx:
            return tx.scalar(query)
    finally:
        database.dispose()


def test_quick_adds_naming_the_same_new_client_all_succeed(
    ready: str, config: Config, now: datetime
) -> None:
    def work(db: Database, i: int) -> Any:
        draft = draft_from_text(f"Task {i} client:Новый Клиент", now=now, config=config)
        return add_task(db, draft, now=now, config=config)

    results = race(ready, work)
    no_raw_errors(results)
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.task.client_id for r in results}) == 1
    assert sum(r.created_client for r in results) == 1
    assert scalar(ready, "SELECT count(*) FROM client") == 1


def test_leads_and_wins_naming_the_same_new_client_all_succeed(
    ready: str, config: Config, now: datetime
) -> None:
    def work(db: Database, i: int) -> Any:
        if i % 2:
            return add_lead(db, LeadDraft(f"Lead {i}", client="Acme GmbH"), now=now, config=config)
        lead = add_lead(db, LeadDraft(f"Won {i}"), now=now, config=config).lead
        return win_lead(db, f"L{lead.id}", now=now, config=config, client="Acme GmbH")

    results = race(ready, work)
    no_raw_errors(results)
    assert all(not isinstance(r, Exception) for r in results), results
    assert scalar(ready, "SELECT count(*) FROM client") == 1
    assert sum(r.created_client for r in results) == 1


def test_adding_the_same_client_twice_says_it_exists(
    ready: str, config: Config, now: datetime
) -> None:
    results = race(ready, lambda db, i: add_client(db, "Granel", now=now))
    no_raw_errors(results)
    made = [r for r in results if isinstance(r, Client)]
    assert len(made) == 1
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, InputError) and "exists already" in str(r) for r in refused)


def test_the_same_external_id_makes_one_lead_and_duplicates_say_so(
    ready: str, config: Config, now: datetime
) -> None:
    def work(db: Database, i: int) -> Any:
        draft = LeadDraft(f"Mail {i}", external_id="<abc@example.com>")
        return add_lead(db, draft, now=now, config=config)

    results = race(ready, work)
    no_raw_errors(results)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, DuplicateLeadError) for r in results if isinstance(r, Exception))
    assert scalar(ready, "SELECT count(*) FROM lead") == 1


def test_the_same_tag_added_at_once_is_stored_once(
    ready: str, config: Config, now: datetime
) -> None:
    db = Database(ready)
    try:
        task = add_task(db, draft_from_text("Card", now=now, config=config), now=now, config=config)
    finally:
        db.dispose()
    ref = f"T{task.task.id}"
    results = race(
        ready,
        lambda db, i: edit_task(db, ref, TaskPatch(add_tags=["urgent"]), now=now, config=config),
    )
    no_raw_errors(results)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    refused = [r for r in results if isinstance(r, Exception)]
    assert all("nothing changed" in str(r) for r in refused)
    assert scalar(ready, "SELECT count(*) FROM task_tag WHERE tag = 'urgent'") == 1


def test_first_use_of_a_new_database_by_several_commands_at_once(
    target: str, config: Config, now: datetime
) -> None:
    def work(db: Database, i: int) -> Any:
        ensure_schema(db)
        draft = draft_from_text(f"First {i} client:Granel", now=now, config=config)
        return add_task(db, draft, now=now, config=config)

    results = race(target, work)
    no_raw_errors(results)
    assert all(not isinstance(r, Exception) for r in results), results
    assert scalar(target, "SELECT count(*) FROM client") == 1
