"""Intake on PostgreSQL: the same batches of savepoints, threading and de-duplication as on
SQLite (runs when AMTUI_TEST_POSTGRES is set; see tests/core/test_postgres.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import InputError
from amtui.core.intake import IncomingMail
from amtui.core.intake_store import Intake, get_imap_state
from amtui.core.models import Activity, IntakeItem, Lead
from tests.core.test_postgres import URL, pg  # noqa: F401 - the fixture
from tests.storage import count, rows

pytestmark = pytest.mark.skipif(not URL, reason="AMTUI_TEST_POSTGRES is not set")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def mail(n: int, reply_to: int | None = None) -> IncomingMail:
    return IncomingMail(
        message_id=f"<pg{n}@x.example>",
        references=(f"<pg{reply_to}@x.example>",) if reply_to else (),
        subject=f"Site {n}",
        sender_name="Anna",
        sender_email="anna@granel.example",
        date=NOW - timedelta(hours=10 - n),
        body=f"Text {n}",
    )


def test_intake_on_postgres(pg: Database, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    import amtui.core.intake_store as store

    real = store.create_lead

    def failing(tx, draft, **kwargs):  # type: ignore[no-untyped-def]
        result = real(tx, draft, **kwargs)
        if draft.title == "Site 3":
            raise InputError("broken on purpose")
        return result

    monkeypatch.setattr(store, "create_lead", failing)
    with Intake(pg, now=NOW, config=config) as intake:
        assert intake.receive_mail(mail(1)).kind == "lead"
        assert intake.receive_mail(mail(2, reply_to=1)).kind == "reply"
        with pytest.raises(InputError):
            intake.receive_mail(mail(3))  # undone alone, to its savepoint
        assert intake.receive_mail(mail(4)).kind == "lead"
        intake.save_imap_state("work", "INBOX", 77, 4)
    with Intake(pg, now=NOW, config=config) as again:
        assert [again.receive_mail(mail(n)).kind for n in (1, 2, 4)] == ["seen"] * 3
    assert sorted(lead.title for lead in rows(pg, Lead)) == ["Site 1", "Site 4"]
    assert count(pg, IntakeItem) == 3
    kinds = sorted(a.kind for a in rows(pg, Activity))
    assert kinds == ["created", "created", "email-in"]  # one mail, one timeline entry
    state = get_imap_state(pg, "work", "INBOX")
    assert state is not None and (state.uidvalidity, state.last_uid) == (77, 4)
