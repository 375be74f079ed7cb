"""A realistic agency week for trying amtui: `amtui demo` writes it to a separate database.

Every date is relative to `now` in the user's zone, so the demo always has something overdue,
something due today and deadlines ahead, and leads whose 15-minute clock is still running.
Sample data, not domain core: it lives beside the front ends and uses the core's models and
rules (`amtui.core.sla` for the deadlines and ladder dates) like any other caller.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from amtui.core.activities import ActivityKind, record_activity
from amtui.core.config import Config
from amtui.core.dates import add_business_days, local_today, localize, to_utc
from amtui.core.db import Database, Tx, check_sqlite_location
from amtui.core.errors import InputError, StorageError
from amtui.core.estimates import estimate_totals, make_line_item
from amtui.core.invoicing import next_invoice_number
from amtui.core.migrations import ensure_schema
from amtui.core.models import (
    Client,
    Contact,
    Invoice,
    InvoiceLine,
    Lead,
    Member,
    Payment,
    Proposal,
    Reminder,
    Task,
    insert,
    records,
    save,
)
from amtui.core.money import format_amount
from amtui.core.proposals import proposal_item
from amtui.core.sla import answer_due, parse_ladder, step_due
from amtui.core.text import fold
from amtui.core.vocabulary import CLOSED_STAGES

#: Stamped into the SQLite header (PRAGMA application_id) so a refresh only ever replaces a
#: file that the demo itself wrote.
DEMO_APPLICATION_ID = 0x616D7464  # "amtd"
#: The demo team: the two account managers the demo clients name as their owners.
TEAM = {
    "maria": ("Maria Ivanova", "maria@kettle.example"),
    "tom": ("Tom Walker", "tom@kettle.example"),
}


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    clients: int
    leads: int
    tasks: int
    reminders: int
    members: tuple[str, ...] = ()  # the team's handles


def create_demo(
    path: Path, *, now: datetime, config: Config, create_directory: bool = False
) -> DemoSummary:
    """Write a fresh demo database at `path`, replacing an earlier demo there (only a demo).

    The demo is built in a temporary file beside `path` and renamed over it when complete, so
    a process killed at any point leaves either the previous demo or the new one, never a half
    one that the next `amtui demo` would refuse to replace. `create_directory` is for the
    default location (amtui's data directory); an explicit --path must be in a directory that
    exists.
    """
    path = path.expanduser().resolve()
    try:
        check_sqlite_location(path, create_directory=create_directory)
    except StorageError as error:  # a --path that cannot be a demo file is bad input
        raise InputError(str(error)) from None
    if path.exists():
        _check_is_demo(path)
    _remove_abandoned(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _unlink_database(temporary)
    try:
        db = Database(temporary)
        try:
            ensure_schema(db)
            # A fresh demo starts with no history: its making is not a change to undo.
            with db.write(journal=False) as tx:
                counts = _Builder(tx, now, config).build()
                tx.run(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")
        finally:
            db.dispose()
        # One self-contained file to rename: the WAL folded in and switched off (amtui
        # switches an amtui file back to WAL when it next opens it).
        raw = sqlite3.connect(temporary, isolation_level=None)
        try:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.execute("PRAGMA journal_mode = DELETE")
        finally:
            raw.close()
        _fsync(temporary)
        # The old demo's WAL must not outlive it: it would be replayed into the new file.
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, path)
        _fsync(path.parent)
    except BaseException:
        _unlink_database(temporary)
        raise
    return DemoSummary(path, *counts, members=tuple(TEAM))


def _unlink_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _remove_abandoned(path: Path) -> None:
    """Temporary files of demo runs that were killed (their process is gone)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        pid = leftover.name.removeprefix(f".{path.name}.").removesuffix(".tmp")
        if pid.isdigit() and not _running(int(pid)):
            _unlink_database(leftover)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_is_demo(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        app_id = None
    if app_id != DEMO_APPLICATION_ID:
        raise InputError(
            f"{path} exists and is not an amtui demo database; "
            "choose another --path (the demo never overwrites real data)"
        )


class _Builder:
    """Adds the demo records in one transaction; `at()` places times on the user's calendar."""

    def __init__(self, tx: Tx, now: datetime, config: Config) -> None:
        self.tx, self.now, self.config = tx, now, config
        self.today = local_today(now, config.timezone)
        self.clients: dict[str, Client] = {}
        self.client_owners: dict[str, str] = {}  # client name → its owner's first name
        self.counts = [0, 0, 0, 0]

    def at(self, days: int, hour: int = 9, minute: int = 0) -> datetime:
        day = self.today + timedelta(days=days)
        return to_utc(localize(datetime.combine(day, time(hour, minute)), self.config.timezone))

    def day(self, days: int) -> date:
        return self.today + timedelta(days=days)

    def ago(self, **delta: float) -> datetime:
        return self.now - timedelta(**delta)

    def build(self) -> tuple[int, int, int, int]:
        self._clients()
        self._leads()
        self._tasks()
        self._reminders()
        _Money(self).build()
        self._team()
        return self.counts[0], self.counts[1], self.counts[2], self.counts[3]

    def _team(self) -> None:
        """Two account managers, each owning their clients' leads and tasks; the partner lead
        that came in 41 minutes ago is nobody's yet (for triage: `t` takes it), and the hotel
        workshop was handed from Maria to Tom yesterday (its timeline says so)."""
        members = {}
        for handle, (name, email) in TEAM.items():
            member = Member(
                handle=handle,
                name=name,
                email=email,
                role="account manager",
                timezone=str(self.config.timezone),
                created_at=self.ago(days=90),
            )
            members[handle] = insert(self.tx, member)
        by_name = {member.name.split()[0]: member.id for member in members.values()}
        owner_of = {}
        for client in self.clients.values():
            client.owner_id = by_name.get(self.client_owners.get(client.name, ""))
            save(self.tx, client)
            owner_of[client.id] = client.owner_id
        leads = records(self.tx, Lead, "SELECT * FROM lead ORDER BY id")
        unassigned = self.leads["seo"].id
        for lead in leads:
            if lead.id != unassigned:
                lead.owner_id = owner_of.get(lead.client_id) or members["maria"].id
                save(self.tx, lead)
        lead_owner = {lead.id: lead.owner_id for lead in leads}
        for task in records(self.tx, Task, "SELECT * FROM task ORDER BY id"):
            task.owner_id = (
                owner_of.get(task.client_id) or lead_owner.get(task.lead_id) or members["maria"].id
            )
            save(self.tx, task)
        workshop = self.leads["workshop"]
        record_activity(
            self.tx,
            workshop,
            ActivityKind.ASSIGNED,
            "assigned to tom (was maria) by maria",
            now=self.ago(days=1),
            data={"owner": "tom", "previous": "maria"},
        )

    def _clients(self) -> None:
        rows: list[tuple[str, str, str, int, int, str, list[tuple[str, str, str | None, str]]]]
        rows = [
            (
                "Granel",
                "Europe/Moscow",
                "Maria",
                5,
                4,
                "strategic",
                [("Anna Petrova", "anna@granel.example", "+7 495 000-00-01", "CMO")],
            ),
            (
                "Гранель Девелопмент",
                "Asia/Yekaterinburg",
                "Maria",
                4,
                2,
                "operational",
                [("Игорь Смирнов", "igor@granel-dev.example", None, "Head of sales")],
            ),
            (
                "Blue Harbor Hotels",
                "America/New_York",
                "Tom",
                4,
                2,
                "functional",
                [("Jessica Moore", "jessica@blueharbor.example", "+1 212 555 0100", "Brand lead")],
            ),
            (
                "Sakura Foods",
                "Asia/Tokyo",
                "Maria",
                3,
                4,
                "functional",
                [("Kenji Sato", "kenji@sakura.example", None, "Marketing manager")],
            ),
            (
                "Kettle & Co",
                "Europe/London",
                "Tom",
                2,
                2,
                "tactical",
                [("Oliver Hughes", "oliver@kettle.example", "+44 20 7946 0000", "Founder")],
            ),
            (
                "Fjord Fintech",
                "Europe/Oslo",
                "Tom",
                5,
                5,
                "strategic",
                [("Ingrid Berg", "ingrid@fjord.example", None, "Product marketing")],
            ),
        ]
        # How each client's proposals and invoices write money (the config's locale otherwise).
        locales = {"Гранель Девелопмент": "ru_RU", "Kettle & Co": "en_GB", "Sakura Foods": "ja_JP"}
        for name, zone, owner, attraction, relationship, stage, contacts in rows:
            client = Client(
                name=name,
                name_key=fold(name),
                locale=locales.get(name),
                timezone=zone,
                kam_attractiveness=attraction,
                kam_relationship=relationship,
                relationship_stage=stage,
                created_at=self.ago(days=90),
                updated_at=self.ago(days=2),
            )
            insert(self.tx, client)
            self.clients[name] = client
            self.client_owners[name] = owner
            for person, email, phone, role in contacts:
                insert(
                    self.tx,
                    Contact(
                        client_id=client.id or 0,
                        name=person,
                        email=email,
                        phone=phone,
                        role=role,
                        created_at=self.ago(days=90),
                    ),
                )
        self.counts[0] = len(rows)

    def _lead(
        self,
        title: str,
        *,
        channel: str,
        received: datetime,
        client: str | None = None,
        partner: str | None = None,
        stage: str = "new",
        responded_after: float | None = None,
        value: int | None = None,
        contact: tuple[str, str] | None = None,
        brief: list[tuple[str, str]] | None = None,
        lost_reason: str | None = None,
    ) -> Lead:
        owner = self.clients[client] if client else None
        zone = ZoneInfo(owner.timezone) if owner and owner.timezone else self.config.timezone
        lead = Lead(
            title=title,
            source="partner" if partner else "client",
            partner=partner,
            channel=channel,
            client_id=owner.id if owner else None,
            stage=stage,
            contact_name=contact[0] if contact else None,
            contact_email=contact[1] if contact else None,
            value_minor=value * 100 if value else None,  # EUR: cents
            currency="EUR" if value else None,
            timezone=owner.timezone if owner else None,
            received_at=received,
            first_response_at=received + timedelta(minutes=responded_after)
            if responded_after is not None
            else None,
            answer_due_at=answer_due(received, zone, self.config.working_hours),
            answered_at=received + timedelta(hours=3)
            if stage not in ("new", "contacted")
            else None,
            brief=[{"q": q, "a": a} for q, a in (brief or [])],
            lost_reason=lost_reason,
            closed_at=self.ago(days=1) if stage in CLOSED_STAGES else None,
            created_at=received,
            updated_at=received,
        )
        insert(self.tx, lead)
        record_activity(
            self.tx,
            lead,
            ActivityKind.CREATED,
            f"via {channel}",
            now=received,
            occurred_at=received,
        )
        if lead.first_response_at:
            record_activity(
                self.tx,
                lead,
                ActivityKind.RESPONDED,
                "first answer sent",
                now=lead.first_response_at,
                occurred_at=lead.first_response_at,
            )
        self.counts[1] += 1
        return lead

    def _leads(self) -> None:
        self.leads = {
            "brief": self._lead(
                "Website for a new residential complex",
                channel="web-brief",
                received=self.ago(minutes=6),
                client="Гранель Девелопмент",
                contact=("Игорь Смирнов", "igor@granel-dev.example"),
                value=18000,
                brief=[
                    ("Goal", "Sell 120 flats before summer"),
                    ("Budget", "15–20k EUR"),
                    ("Deadline", "Launch in March"),
                    ("Pages", "Landing + catalogue"),
                ],
            ),
            "seo": self._lead(
                "SEO audit for a hotel chain",
                channel="email",
                received=self.ago(minutes=41),
                partner="Pixel Partners",
                contact=("Dana White", "dana@pixelpartners.example"),
            ),
            "social": self._lead(
                "Instagram campaign for the spring menu",
                channel="social",
                received=self.ago(days=1, hours=3),
                client="Sakura Foods",
                stage="contacted",
                responded_after=9,
                value=6000,
            ),
            "app": self._lead(
                "Landing page for a mobile banking app",
                channel="messenger",
                received=self.ago(days=2, hours=5),
                partner="Studio North",
                client="Fjord Fintech",
                stage="briefed",
                responded_after=12,
                value=9000,
            ),
            "report": self._lead(
                "Annual report copywriting",
                channel="phone",
                received=self.ago(days=6),
                client="Kettle & Co",
                stage="proposal-sent",
                responded_after=4,
                value=4500,
                contact=("Oliver Hughes", "oliver@kettle.example"),
            ),
            "workshop": self._lead(
                "Rebrand workshop for the hotel group",
                channel="meeting",
                received=self.ago(days=9),
                client="Blue Harbor Hotels",
                stage="negotiating",
                responded_after=30,
                value=12000,
            ),
            "video": self._lead(
                "Explainer video for the savings product",
                channel="referral",
                received=self.ago(days=20),
                client="Fjord Fintech",
                stage="won",
                responded_after=7,
                value=22000,
            ),
            "catalogue": self._lead(
                "Catalogue translation into five languages",
                channel="other",
                received=self.ago(days=15),
                partner="LinguaHub",
                stage="lost",
                responded_after=14,
                lost_reason="chose a cheaper translation bureau",
            ),
            "call": self._lead(
                "Quick question about a newsletter template",
                channel="phone",
                received=self.ago(minutes=2),
                client="Granel",
                contact=("Anna Petrova", "anna@granel.example"),
            ),
        }

    def _task(
        self,
        title: str,
        column: str,
        *,
        client: str | None = None,
        due: date | datetime | None = None,
        assignee: str | None = None,
        tags: tuple[str, ...] = (),
        priority: str = "normal",
        lead: str | None = None,
        parent: Task | None = None,
        estimate: float | None = None,
        done: bool = False,
    ) -> Task:
        owner = self.clients[client] if client else None
        position = -self.counts[2]  # later tasks sit higher, as new cards do
        task = Task(
            title=title,
            column=column if not parent else parent.column,
            client_id=owner.id if owner else (parent.client_id if parent else None),
            lead_id=self.leads[lead].id if lead else None,
            parent_id=parent.id if parent else None,
            position=position if not parent else self.counts[2],
            due_date=due if isinstance(due, date) and not isinstance(due, datetime) else None,
            due_at=due if isinstance(due, datetime) else None,
            priority=priority,
            assignee=assignee,
            estimate_hours=estimate,
            done_at=self.ago(days=1) if done or column == self.config.done_column else None,
            created_at=self.ago(days=5),
            updated_at=self.ago(days=1),
        )
        insert(self.tx, task)
        self.tx.insert_many("task_tag", [{"task_id": task.id, "tag": tag} for tag in tags])
        record_activity(self.tx, task, ActivityKind.CREATED, now=self.ago(days=5))
        self.counts[2] += 1
        return task

    def _tasks(self) -> None:
        columns = list(self.config.columns)
        backlog, todo = columns[0], columns[min(1, len(columns) - 1)]
        doing, review = columns[min(2, len(columns) - 1)], columns[min(3, len(columns) - 1)]
        done = self.config.done_column
        next_workday = add_business_days(self.today, 1, self.config.work_days)
        t = self._task
        video = t(
            "Explainer video: script and storyboard",
            doing,
            client="Fjord Fintech",
            due=self.at(0, 15),
            assignee="copywriter",
            tags=("video",),
            lead="video",
            priority="high",
            estimate=12,
        )
        t("Interview the product owner", "", parent=video, assignee="copywriter", done=True)
        t("Draft the voice-over script", "", parent=video, assignee="copywriter", done=True)
        t("Storyboard, 12 frames", "", parent=video, assignee="designer", due=self.day(1))
        t("Client review call", "", parent=video, due=self.at(2, 11))
        t(
            "Send the estimate for the banking landing page",
            todo,
            client="Fjord Fintech",
            due=self.at(-1, 17),
            tags=("urgent",),
            priority="urgent",
            lead="app",
            estimate=1,
        )
        t(
            "Meta tags for 40 product pages",
            doing,
            client="Sakura Foods",
            due=self.day(-2),
            assignee="seo",
            tags=("seo",),
            estimate=6,
        )
        newsletter = t(
            "Monthly newsletter",
            review,
            client="Granel",
            due=self.day(0),
            assignee="copywriter",
            tags=("content",),
            estimate=4,
        )
        t("Write the copy", "", parent=newsletter, assignee="copywriter", done=True)
        t("Lay out the template", "", parent=newsletter, assignee="designer", done=True)
        t("Proofread", "", parent=newsletter, assignee="copywriter")
        t(
            "Fix the booking form on mobile",
            todo,
            client="Blue Harbor Hotels",
            due=self.at(0, 18, 30),
            assignee="developer",
            tags=("bug",),
            priority="high",
        )
        t(
            "Prepare the rebrand workshop agenda",
            todo,
            client="Blue Harbor Hotels",
            due=next_workday,
            lead="workshop",
            estimate=3,
        )
        t(
            "Annual report: structure and first chapter",
            backlog,
            client="Kettle & Co",
            due=self.day(5),
            assignee="copywriter",
            lead="report",
        )
        site = t(
            "Landing page for the residential complex",
            backlog,
            client="Гранель Девелопмент",
            due=self.day(9),
            assignee="developer",
            tags=("web",),
            estimate=40,
        )
        t("Wireframes", "", parent=site, assignee="designer", due=self.day(3))
        t("Photo shoot brief", "", parent=site, due=self.day(4))
        t(
            "Quarterly SEO report",
            todo,
            client="Granel",
            due=self.day(3),
            assignee="seo",
            tags=("seo", "report"),
        )
        t(
            "Invoice for the September retainer",
            todo,
            client="Kettle & Co",
            due=self.day(1),
            tags=("money",),
        )
        t("Brand book PDF export", done, client="Sakura Foods", assignee="designer", done=True)
        t("Kick-off meeting notes", done, client="Fjord Fintech", done=True)

    def _reminder(
        self,
        text: str,
        due: datetime,
        *,
        kind: str = "custom",
        lead: str | None = None,
        client: str | None = None,
    ) -> None:
        insert(
            self.tx,
            Reminder(
                text=text,
                kind=kind,
                due_at=due,
                lead_id=self.leads[lead].id if lead else None,
                client_id=self.clients[client].id if client else None,
                created_at=self.ago(days=1),
            ),
        )
        self.counts[3] += 1

    def _ladder(self) -> None:
        """The annual-report proposal went out 5 days ago; step 1 was done, step 2 is due."""
        lead = self.leads["report"]
        sent = self.ago(days=5)
        record_activity(
            self.tx,
            lead,
            ActivityKind.PROPOSAL_SENT,
            "v1, 4 500 EUR",
            now=sent,
            occurred_at=sent,
        )
        ladder = parse_ladder(self.config.followup_ladder)
        zone = ZoneInfo(self.clients["Kettle & Co"].timezone or "UTC")
        hours = self.config.working_hours
        first = step_due(sent, ladder[0], zone, hours)
        insert(
            self.tx,
            Reminder(
                text=f"Check the proposal arrived (step 1 of {len(ladder)})",
                kind="check-receipt",
                step=1,
                due_at=first,
                done_at=first,
                lead_id=lead.id,
                created_at=sent,
            ),
        )
        if len(ladder) > 1:
            insert(
                self.tx,
                Reminder(
                    text=f"Follow up: no reply after {ladder[1].describe()} "
                    f"(step 2 of {len(ladder)})",
                    kind="follow-up",
                    step=2,
                    due_at=step_due(first, ladder[1], zone, hours),
                    lead_id=lead.id,
                    created_at=first,
                ),
            )
        self.counts[3] += 2

    def _reminders(self) -> None:
        self._ladder()
        self._reminder(
            "Call Oliver about the report illustrations",
            self.at(0, 9, 30),
            kind="call",
            lead="report",
        )
        self._reminder("Chase the signed contract", self.at(0, 16), lead="workshop")
        self._reminder(
            "Payment due for the September retainer",
            self.at(1, 10),
            kind="payment",
            client="Kettle & Co",
        )
        self._reminder("Send Kenji the campaign mood board", self.at(2, 9), lead="social")


class _Money:
    """Proposals (one lead with two versions, one still a draft), invoices (one overdue, one
    partly paid, one paid, one open, one draft) and their payments, on the demo's leads."""

    def __init__(self, builder: _Builder) -> None:
        self.b = builder
        self.tx = builder.tx
        self.taken: list[str] = []

    def build(self) -> None:
        b = self.b
        design = ("Design", "designer")
        report = self._proposal(
            "report",
            1,
            sent=b.ago(days=5),
            items=[
                ("Copywriting", "senior copywriter", 30, 120_00, "Twelve chapters, two rounds"),
                ("Copywriting", "editor", 7.5, 120_00, ""),
            ],
        )
        discovery = ("Discovery", "strategist", 16, 150_00, "Interviews with six managers")
        workshop = ("Workshop", "facilitator", 24, 150_00, "Two days on site")
        summary = ("Report", "copywriter", 20, 100_00, "")
        self._proposal(
            "workshop",
            1,
            sent=b.ago(days=8),
            items=[discovery, workshop, (*design, 52, 100_00, ""), summary],
            notes="Travel billed at cost.",
        )
        self._proposal(
            "workshop",
            2,
            sent=b.ago(days=2),
            items=[
                discovery,
                workshop,
                (*design, 40, 100_00, "Fewer concepts, as agreed"),
                summary,
            ],
            notes="Travel billed at cost.",
        )
        video = self._proposal(
            "video",
            1,
            sent=b.ago(days=24),
            items=[
                ("Script", "copywriter", 24, 110_00, ""),
                ("Production", "animator", 120, 130_00, "90 seconds, 2D"),
                ("Production", "sound designer", 16, 110_00, ""),
                ("Production", "project manager", 20, 100_00, ""),
            ],
        )
        self._proposal(
            "app",
            1,
            sent=None,
            items=[
                ("UX", "UX designer", 30, 120_00, "Three key flows"),
                ("Build", "front-end developer", 45, 120_00, ""),
            ],
        )
        fjord, kettle = b.clients["Fjord Fintech"], b.clients["Kettle & Co"]
        sakura, dev = b.clients["Sakura Foods"], b.clients["Гранель Девелопмент"]
        advance = self._invoice(
            fjord,
            "EUR",
            [("Script (50%)", 1_320_00), ("Production (50%)", 9_680_00)],
            issued=-20,
            due=-6,
            lead="video",
            proposal=video,
            notes=f"Advance, 50% of {video.number}",
        )
        self._payment(advance, 11_000_00, -8, "SEPA FJ-2211")
        self._invoice(
            kettle,
            "GBP",
            [("Retainer, September", 2_400_00)],
            issued=-40,
            due=-10,
            notes="Monthly retainer",
        )
        book = self._invoice(
            sakura, "JPY", [("Brand book", 480_000)], issued=-12, due=2, notes="Net 14"
        )
        self._payment(book, 200_000, -3, "Bank transfer")
        self._invoice(
            dev,
            "RUB",
            [("Аванс за дизайн-концепцию", 543_000_00)],
            issued=-3,
            due=11,
            notes="Аванс 30%",
        )
        self._invoice(
            fjord,
            "EUR",
            [("Script (50%)", 1_320_00), ("Production (50%)", 9_680_00)],
            issued=None,
            due=None,
            lead="video",
            proposal=video,
            notes="Balance, on delivery",
        )
        self._invoice(
            kettle,
            "EUR",
            [("Annual report, copywriting", 4_500_00)],
            issued=None,
            due=None,
            lead="report",
            proposal=report,
        )

    def _proposal(
        self,
        lead_key: str,
        version: int,
        *,
        sent: datetime | None,
        items: list[tuple[str, str, float, int, str]],
        notes: str = "",
    ) -> Proposal:
        lead = self.b.leads[lead_key]
        created = (sent or self.b.ago(hours=3)) - timedelta(hours=2)
        proposal = insert(
            self.tx,
            Proposal(
                lead_id=lead.id or 0,
                version=version,
                title=lead.title,
                status="sent" if sent else "draft",
                valid_until=(sent or self.b.now).date() + timedelta(days=30),
                intro="Thank you for the brief. This is how we would do it and what it costs.",
                notes=notes,
                sent_at=sent,
                created_at=created,
                updated_at=sent or created,
            ),
        )
        lines = [
            make_line_item(
                stage=stage,
                who=who,
                centihours=round(hours * 100),
                rate_minor=rate,
                currency="EUR",
                description=text,
            )
            for stage, who, hours, rate, text in items
        ]
        for position, line in enumerate(lines, start=1):
            insert(self.tx, proposal_item(proposal.id or 0, position, line))
        if sent is not None and lead_key != "report":  # the report's is in its ladder
            total = estimate_totals(lines).totals["EUR"]
            record_activity(
                self.tx,
                lead,
                ActivityKind.PROPOSAL_SENT,
                f"{proposal.number} sent",
                now=sent,
                data={"proposal": proposal.id, "version": version, "totals": {"EUR": total}},
            )
        return proposal

    def _invoice(
        self,
        client: Client,
        currency: str,
        lines: list[tuple[str, int]],
        *,
        issued: int | None,
        due: int | None,
        lead: str | None = None,
        proposal: Proposal | None = None,
        notes: str = "",
    ) -> Invoice:
        b = self.b
        issued_on = b.day(issued) if issued is not None else None
        number = None
        if issued_on is not None:
            number = next_invoice_number(b.config.money.invoice_number, issued_on, self.taken)
            self.taken.append(number)
        created = b.at(issued if issued is not None else -1, 10)
        invoice = insert(
            self.tx,
            Invoice(
                client_id=client.id or 0,
                lead_id=b.leads[lead].id if lead else None,
                proposal_id=proposal.id if proposal else None,
                number=number,
                status="issued" if number else "draft",
                currency=currency,
                amount_minor=sum(amount for _, amount in lines),
                issued_on=issued_on,
                due_on=b.day(due) if due is not None else None,
                notes=notes,
                created_at=created,
                updated_at=created,
            ),
        )
        for position, (text, amount) in enumerate(lines, start=1):
            insert(
                self.tx,
                InvoiceLine(
                    invoice_id=invoice.id or 0,
                    position=position,
                    description=text,
                    amount_minor=amount,
                ),
            )
        if number:
            record_activity(
                self.tx,
                client,
                "invoice-issued",
                f"invoice {number} ({invoice.ref}) issued: "
                f"{format_amount(invoice.amount_minor, currency)}, due {invoice.due_on}",
                now=created,
                data={"invoice": invoice.id},
            )
        return invoice

    def _payment(self, invoice: Invoice, amount: int, days: int, reference: str) -> None:
        b = self.b
        at = b.at(days, 11)
        insert(
            self.tx,
            Payment(
                invoice_id=invoice.id or 0,
                amount_minor=amount,
                paid_on=b.day(days),
                reference=reference,
                created_at=at,
            ),
        )
        client = next(c for c in b.clients.values() if c.id == invoice.client_id)
        record_activity(
            self.tx,
            client,
            "payment",
            f"payment of {format_amount(amount, invoice.currency)} "
            f"on invoice {invoice.number} ({invoice.ref})",
            now=at,
            data={"invoice": invoice.id, "amount_minor": amount},
        )
