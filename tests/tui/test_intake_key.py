"""`i` runs the configured intake in a worker: new leads reach the inbox, and the app posts
what came in (`IntakeDone`, whose summary the toast shows)."""

from __future__ import annotations

import asyncio
import dataclasses
import mailbox
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from amtui.core.intake_config import IntakeSettings
from tests.tui.conftest import SIZE, press, settle


def mbox(path: Path) -> Path:
    mail = EmailMessage()
    mail["From"] = "Anna Petrova <anna@granel.example>"
    mail["Subject"] = "Re: [site] Landing page for the spring menu"
    mail["Date"] = "Wed, 25 Nov 2026 08:30:00 +0000"
    mail["Message-ID"] = "<spring@granel.example>"
    mail.set_content("Could you send an estimate?")
    box = mailbox.mbox(path)
    box.add(mail.as_bytes())
    box.close()
    return path


def press_i(app: Any) -> tuple[list[tuple[str, int, str | None]], list[str]]:
    """Press `i`, wait for the intake worker; the IntakeDone messages and the inbox titles."""
    messages: list[Any] = []

    async def main() -> tuple[list[tuple[str, int, str | None]], list[str]]:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await press(pilot, "i")
            await settle(pilot)
            inbox = pilot.app.main_screen.query_one("#inbox")
            titles = [row.lead.title for row in inbox.page.rows] if inbox.page else []
        done = [(m.summary, m.new, m.error) for m in messages if type(m).__name__ == "IntakeDone"]
        return done, titles

    return asyncio.run(main())


def test_i_imports_configured_mail_into_the_inbox(make_app, config, tmp_path) -> None:
    settings = IntakeSettings(mail=(str(mbox(tmp_path / "leads.mbox")),))
    cfg = dataclasses.replace(config, intake=settings)
    done, titles = press_i(make_app(cfg=cfg))
    assert done == [("1 new lead, 0 replies linked, 0 already seen", 1, None)]
    assert "Landing page for the spring menu" in titles
    done, _ = press_i(make_app(cfg=cfg))
    assert done == [("0 new leads, 0 replies linked, 1 already seen", 0, None)]


def test_i_without_sources_runs_nothing(make_app) -> None:
    done, _ = press_i(make_app())
    assert done == []


def test_a_bad_source_is_reported_not_raised(make_app, config, tmp_path) -> None:
    (tmp_path / "junk.mbox").write_bytes(b"From x\n\x00\x01garbage")
    settings = IntakeSettings(mail=(str(tmp_path / "junk.mbox"),))
    done, _ = press_i(make_app(cfg=dataclasses.replace(config, intake=settings)))
    assert len(done) == 1
    summary, new, error = done[0]
    assert new == 0 and error is None
    assert summary.startswith("0 new leads") and "looks truncated" in summary


def test_a_brief_from_a_form_shows_its_answers_in_the_lead_detail(
    make_app, config, tmp_path
) -> None:
    """`i` reads a web-form export; the new lead's detail (Enter) lists the brief's
    questions and answers in the form's order, markup in them shown as text."""
    from tests.tui.conftest import drive, screen_text

    form = tmp_path / "brief.csv"
    form.write_text(
        "Submission ID,Respondent ID,Submitted at,Name,Email,What do you need?,Budget\n"
        "w1,r1,2026-11-25 08:00:00,Oleg,oleg@bakery.example,A shop [b]now[/b],12k\n",
        encoding="utf-8",
    )
    from amtui.core.intake_config import FormSource

    forms = {"site": FormSource(name="site", file=str(form), preset="tally")}
    cfg = dataclasses.replace(config, intake=IntakeSettings(forms=forms))

    async def scenario(pilot):
        await press(pilot, "i")
        await settle(pilot)
        await press(pilot, "1", "g", "enter")
        return screen_text(pilot.app)

    shown = drive(make_app(cfg=cfg), scenario)
    assert "Web brief from Oleg" in shown
    lines = [line.strip(" │█") for line in shown.splitlines()]
    start = lines.index("Brief")
    assert lines[start + 1 : start + 5] == [
        "What do you need?",
        "A shop [b]now[/b]",
        "Budget",
        "12k",
    ]
