"""A realistic week of an account manager, as data: the parity suite runs it on SQLite and on
PostgreSQL and compares everything it produces (tests/cli/test_parity.py).

The week goes through the CLI (quick-adds, leads through the whole pipeline and the follow-up
ladder, reminders and snoozes, done and reopen, win, lose and reopen, mail intake, deletes,
refused input) and through core services (a lead with a brief, intake of parsed mails, several
tasks done at once). After each day it reads what a user reads: the agenda, `show`, the
lists, follow-ups, the report, search, as text and JSON. `dump` reads every record back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.models import RECORDS, records

#: Monday 23 November 2026, 08:00 UTC (09:00 in Berlin, the user's zone in the tests).
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the week: day 0 is Monday; hours in UTC."""
    return MONDAY + timedelta(days=day, hours=hour - 8, minutes=minute)


@dataclass(frozen=True)
class Step:
    when: datetime
    args: tuple[str, ...]
    code: int = 0  # the exit code the command must end with


def cli(when: datetime, *args: str, code: int = 0) -> Step:
    return Step(when, args, code)


#: What a user looks at, as text and as JSON; read at the end of several days.
READS: tuple[tuple[str, ...], ...] = (
    ("agenda",),
    ("agenda", "--format", "json"),
    ("agenda", "--client", "Granel", "--format", "json"),
    ("task", "list", "--all", "--format", "json"),
    ("task", "list"),
    ("lead", "list", "--all", "--format", "json"),
    ("lead", "list", "--waiting"),
    ("followups", "--all", "--format", "json"),
    ("remind", "list", "--all", "--format", "json"),
    ("client", "list", "--all", "--format", "json"),
    ("contact", "list", "--format", "json"),
    ("search", "gran", "--format", "json"),
    ("report", "--from", "2026-11-23", "--to", "2026-11-27", "--format", "json"),
    ("show", "L1", "--format", "json"),
    ("show", "L1"),
    ("show", "T1", "--format", "json"),
    ("show", "C1"),
)

MBOX = """\
From olga@kettle.example Mon Nov 23 10:00:00 2026
From: Olga Kettle <olga@kettle.example>
To: me@agency.example
Subject: Catalogue redesign for spring
Message-ID: <cat-1@kettle.example>
Date: Mon, 23 Nov 2026 11:00:00 +0100

Hello, we need our catalogue redone before March. Budget about 8k.

From anna@granel.example Mon Nov 23 12:30:00 2026
From: Anna Petrova <anna@granel.example>
To: me@agency.example
Subject: =?utf-8?b?0J3QvtCy0YvQuSDRgdCw0LnRgg==?=
Message-ID: <site-1@granel.example>
Date: Mon, 23 Nov 2026 13:30:00 +0100

Нужен новый сайт к лету.

From olga@kettle.example Tue Nov 24 08:15:00 2026
From: Olga Kettle <olga@kettle.example>
To: me@agency.example
Subject: Re: Catalogue redesign for spring
Message-ID: <cat-2@kettle.example>
In-Reply-To: <cat-1@kettle.example>
References: <cat-1@kettle.example>
Date: Tue, 24 Nov 2026 09:15:00 +0100

Forgot to say: 40 pages.

"""


def week(mbox: Path) -> list[Step]:
    """The CLI's part of the week, in order (core services run between days: `core_day`)."""
    mon, tue, wed, thu, fri = 0, 1, 2, 3, 4
    # fmt: off
    return [
        # Monday: the team, accounts, quick-adds, leads from every channel.
        cli(at(mon, 7, 50), "member", "add", "maria", "Maria Ivanova"),
        cli(at(mon, 7, 51), "member", "add", "tom", "Tom Walker"),
        cli(at(mon, 8), "client", "add", "Granel", "--tz", "Europe/Berlin", "--owner", "Maria"),
        cli(at(mon, 8), "client", "add", "Blue Harbor Hotels", "--tz", "America/New_York"),
        cli(at(mon, 8), "client", "add", "granel", code=2),  # exists already, in any case
        cli(at(mon, 8, 5), "contact", "add", "Granel", "Anna Petrova", "--email",
            "anna@granel.example", "--role", "CMO"),
        cli(at(mon, 8, 10), "add", "Send estimate due:tue 15:00 client:Granel +urgent @copywriter"),
        cli(at(mon, 8, 11), "add", "Storyboard client:Гранель col:backlog +video"),
        cli(at(mon, 8, 12), "add", "Wireframes parent:T1 due:wed"),
        cli(at(mon, 8, 13), "add", "Proofread parent:T1"),
        cli(at(mon, 8, 14), "add", "Bad date due:31.02.", code=2),
        cli(at(mon, 8, 20), "lead", "add", "Website redesign", "--client", "Granel", "--channel",
            "web-brief", "--value", "12k", "--currency", "EUR", "--brief", "Pages=12"),
        cli(at(mon, 8, 25), "lead", "add", "SEO audit for a hotel chain", "--partner",
            "Pixel Partners", "--channel", "email", "--contact", "Dana White"),
        cli(at(mon, 8, 30), "lead", "respond", "L1", "--note", "Called back"),
        cli(at(mon, 9), "lead", "stage", "L1", "briefed", "--note", "brief taken"),
        cli(at(mon, 9, 5), "remind", "add", "Call Anna about the brief", "--at", "tomorrow 10:00",
            "--about", "L1", "--kind", "call"),
        cli(at(mon, 11), "lead", "stage", "L1", "proposal-sent", "--note", "v1, 12 000 EUR"),
        cli(at(mon, 12), "intake", "email", str(mbox)),
        cli(at(mon, 16), "remind", "due"),
        # Tuesday: the ladder's first step, snoozes, cards done and reopened, mail again.
        cli(at(tue, 8), "remind", "due"),
        cli(at(tue, 8, 30), "intake", "email", str(mbox), code=1),  # all seen: nothing to do
        cli(at(tue, 9), "remind", "snooze", "R1", "+2h"),
        cli(at(tue, 9, 30), "task", "done", "T3"),
        cli(at(tue, 10), "task", "done", "T1"),
        cli(at(tue, 10, 5), "task", "reopen", "T1"),
        cli(at(tue, 10, 10), "task", "move", "T1", "review"),
        cli(at(tue, 10, 15), "task", "edit", "T1", "due:thu 12:00", "-urgent", "+client"),
        cli(at(tue, 10, 20), "task", "move", "T2", "--down", code=2),  # alone in its column
        cli(at(tue, 11), "lead", "respond", "L2", "--answered"),
        cli(at(tue, 14), "remind", "done", "R2"),  # ladder step 1 done: step 2 is scheduled
        cli(at(tue, 15), "remind", "due"),
        # Wednesday: replies stop ladders, a win, a loss and a reopen.
        cli(at(wed, 8), "lead", "log", "L1", "email-in", "Looks good, two questions"),
        cli(at(wed, 9), "lead", "stage", "L1", "negotiating"),
        cli(at(wed, 10), "lead", "win", "L1"),
        cli(at(wed, 10, 30), "lead", "lose", "L2", "--reason", "chose a cheaper agency"),
        cli(at(wed, 11), "lead", "reopen", "L2"),
        cli(at(wed, 11, 30), "lead", "log", "L3", "email-out", "Sent a first estimate",
            "--awaits-reply"),
        cli(at(wed, 12), "remind", "add", "Invoice the retainer", "--at", "fri 10:00",
            "--about", "C1", "--kind", "payment"),
        # Thursday: deletes, edits, the ladder runs on.
        cli(at(thu, 8), "remind", "due"),
        cli(at(thu, 9), "task", "rm", "T2", "--yes"),
        cli(at(thu, 9, 30), "lead", "rm", "L4", "--yes"),
        cli(at(thu, 10), "client", "edit", "Blue Harbor Hotels", "--owner", "Tom"),
        cli(at(thu, 11), "lead", "edit", "L2", "--value", "4500", "--currency", "EUR"),
        cli(at(thu, 12), "remind", "edit", "R1", "--at", "fri 11:00"),
        cli(at(thu, 13), "lead", "stage", "L3", "won", code=2),  # won has its own command
        # Friday morning: a look at everything.
        cli(at(fri, 7), "remind", "due"),
    ]
    # fmt: on


def core_day(db: Database, config: Config, day: int) -> list[Any]:
    """What the core services do on `day` (before that day's CLI steps): the same calls the
    TUI and intake make. Returns what they returned, reduced to plain values."""
    from amtui.core.drafts import draft_from_text
    from amtui.core.intake import IncomingMail
    from amtui.core.intake_store import Intake
    from amtui.core.leads import LeadDraft, add_lead
    from amtui.core.tasks import add_task, complete_tasks

    results: list[Any] = []
    if day == 1:  # Tuesday: a phone lead with a brief, typed in the app
        result = add_lead(
            db,
            LeadDraft(
                "Explainer video",
                channel="phone",
                client="Blue Harbor Hotels",
                value="22k",
                currency="USD",
                brief=(("Length", "90 s"), ("Deadline", "January")),
            ),
            now=at(1, 7, 30),
            config=config,
        )
        results.append((result.lead.ref, result.lead.answer_due_at, result.created_client))
        draft = draft_from_text("Call the hotel col:to +phone", now=at(1, 7, 35), config=config)
        card = add_task(db, draft, now=at(1, 7, 35), config=config)
        results.append((card.task.ref, card.task.column, card.task.position, card.tags))
    if day == 2:  # Wednesday: mail fetched by the app's intake, one new and one reply
        mails = [
            IncomingMail(
                message_id="<hotel-7@blueharbor.example>",
                references=(),
                subject="Rebrand workshop",
                sender_name="Jessica Moore",
                sender_email="jessica@blueharbor.example",
                date=at(2, 6),
                body="Could you run a workshop in January?",
            ),
            IncomingMail(
                message_id="<hotel-8@blueharbor.example>",
                references=("<hotel-7@blueharbor.example>",),
                subject="Re: Rebrand workshop",
                sender_name="Jessica Moore",
                sender_email="jessica@blueharbor.example",
                date=at(2, 6, 30),
                body="For 12 people.",
            ),
        ]
        with Intake(db, now=at(2, 7), config=config) as intake:
            results.extend(intake.receive_mail(mail).describe() for mail in mails)
    if day == 3:  # Thursday: two cards done at once from the board
        done = complete_tasks(db, ["T1", "T5"], now=at(3, 7, 30), config=config)
        results.append([(r.task.ref, r.task.column, r.completed_subtasks) for r in done])
    return results


def dump(db: Database) -> dict[str, list[list[tuple[str, Any]]]]:
    """Every record of every table, in key order: each field as (type name, value)."""
    out: dict[str, list[list[tuple[str, Any]]]] = {}
    with db.read() as tx:
        for model in RECORDS:
            order = ", ".join(f'"{k}"' for k in model.KEY)
            rows = records(tx, model, f"SELECT * FROM {model.TABLE} ORDER BY {order}")
            out[model.TABLE] = [
                [(type(value).__name__, value) for value in row.values().values()] for row in rows
            ]
    return out


Invoke = Callable[[datetime, tuple[str, ...]], tuple[int, str, str]]


def run_week(invoke: Invoke, db: Database, config: Config, mbox: Path) -> list[Any]:
    """The whole week: every step's (args, exit code, stdout, stderr), the core services'
    results, and the reads at the end of each day."""
    mbox.write_text(MBOX, encoding="utf-8")
    log: list[Any] = []
    steps = week(mbox)
    for day in range(5):
        log.append(("core", day, core_day(db, config, day)))
        for step in (s for s in steps if (s.when.date() - MONDAY.date()).days == day):
            code, out, err = invoke(step.when, step.args)
            assert code == step.code, (step.args, code, out, err)
            log.append((step.args, code, out, err))
        if day in (0, 2, 4):
            evening = at(day, 17)
            for args in READS:
                code, out, err = invoke(evening, args)
                assert code == 0, (args, code, err)
                log.append((day, args, out))
    return log
