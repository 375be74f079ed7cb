"""Fill an amtui database with a realistic, deterministic load for benchmarks.

The schema comes from `amtui.core.migrations.ensure_schema` (so the real partial indexes exist);
rows go in through `amtui.core.sql` (`Tx.insert_many`: one `executemany` per batch) on the real
tables, so every value is stored exactly as amtui stores it (aware UTC instants, all-day dates,
JSON briefs), in batches, inside one write transaction.

Shape of the data, relative to `--now` (default: the real clock):
- clients (tasks / 50) with 1–3 contacts each, many with their own IANA zone;
- leads: nearly all closed (won/lost) over the past three years, a few hundred open, a few dozen
  still waiting for a first response (some already past the 15-minute mark);
- tasks (cards): ~80% done in the past; open ones due from -60 to +120 days, clustered near
  today, a mix of timed, all-day and no due; ~20% of cards have 2–6 subtasks (extra rows);
  ~60% of cards carry 1–3 tags;
- reminders (tasks / 5): ~90% done; open ones spread around today, some snoozed;
- activities: a couple per client, lead and task (`--no-activities` skips them).

`--taskwarrior FILE` writes the same task rows (same `--seed`, `--now` and counts) as a JSON
array for `task import` instead of a database, so that bench/vs_taskwarrior.py can give
Taskwarrior exactly the tasks amtui has (see `taskwarrior_tasks`).

Examples:
    python bench/generate.py bench/data/bench-100k.db --scale 100k --seed 1
    python bench/generate.py --db /tmp/x.db --tasks 5000 --leads 2000 --now 2026-03-02T09:00Z
    python bench/generate.py --taskwarrior /tmp/tw.json --scale 10k --now 2026-03-02T09:00Z
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import time as clock
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from amtui.core.sql import Tx

#: The user's zone in bench configs; "today" and working hours are read in it.
BENCH_TZ = "Europe/Berlin"
BATCH = 20_000
#: Insert order: a table may refer only to tables before it.
ORDER = ("client", "contact", "lead", "task", "task_tag", "reminder", "activity")


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


SCALES: dict[str, int] = {"0": 0, "1k": 1_000, "10k": 10_000, "100k": 100_000}

OPEN_COLUMNS = (("Backlog", 20), ("To do", 40), ("In progress", 30), ("Review", 10))
PRIORITIES = (("normal", 60), ("high", 20), ("low", 12), ("urgent", 8))
CHANNELS = (
    ("web-brief", 62),
    ("email", 15),
    ("phone", 8),
    ("messenger", 6),
    ("social", 4),
    ("referral", 3),
    ("meeting", 2),
)
OPEN_STAGES = (("contacted", 35), ("briefed", 25), ("proposal-sent", 25), ("negotiating", 15))
REMINDER_KINDS = (
    ("follow-up", 35),
    ("custom", 25),
    ("call", 15),
    ("payment", 10),
    ("check-receipt", 10),
    ("first-response", 5),
)
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "Europe/Moscow",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Dubai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
TAGS = _words(
    "seo copy design dev analytics ads smm content landing redesign audit invoice contract "
    "payment urgent waiting-client internal qa video photo brand strategy email-campaign "
    "support hosting migration mobile ux research report"
)
ROLES = ("copywriter", "seo", "designer", "developer", "analyst", "pm", "smm", "qa")
ADJECTIVES = _words(
    "Blue Northern Granite Silver Rapid Bright Quiet Golden Urban Coastal Green Iron Crystal "
    "Maple Solar Polar Royal Prime Vivid Nova Гранель Лесная Белая Straße Öko"
)
NOUNS = _words(
    "Studio Bakery Motors Labs Dental Travel Fitness Foods Logistics Realty Media Clinic "
    "Apparel Robotics Coffee Brewery Legal Finance Energy Books Games Pharma Textiles Hotels"
)
SUFFIXES = ("", " Ltd", " GmbH", " LLC", " & Co", " Group", " ООО", " Inc")
VERBS = _words(
    "Send Prepare Review Update Call Draft Fix Publish Check Approve Design Write Plan "
    "Invoice Estimate Test Deploy Research Translate Schedule"
)
OBJECTS = _words(
    "estimate|proposal|landing page|banner set|SEO audit|content plan|newsletter|brand book|"
    "analytics report|ad campaign|contract|invoice|mockups|release notes|meta tags|blog post|"
    "case study|price list|onboarding deck|kickoff agenda",
    "|",
)
FIRST_NAMES = _words(
    "Anna Boris Clara David Elena Farid Greta Hiro Irina Jonas Kai Lena Marta Nikolai"
)
LAST_NAMES = _words("Müller Smith Иванова Tanaka Rossi Kowalski Dubois García Novak Berg Ahmed Lee")
PARTNERS = ("Pixel Partners", "North Agency", "Studio Nine", "DevHouse", "Brandwerk")
LOST_REASONS = ("budget", "timing", "went elsewhere", "no reply", "scope", None)


def weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in table], [w for _, w in table])[0]


@dataclass
class Counts:
    """How many of each record to create."""

    tasks: int
    leads: int
    clients: int
    reminders: int
    open_leads: int = 300
    waiting_leads: int = 35
    activities: bool = True

    @classmethod
    def for_scale(cls, n: int) -> Counts:
        return cls(tasks=n, leads=n, clients=_clients_for(n), reminders=n // 5)


def _clients_for(n: int) -> int:
    return 0 if n == 0 else max(5, n // 50)


@dataclass
class Generated:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class Generator:
    """Builds rows in memory (deterministic for a seed and `now`) and inserts them in batches."""

    def __init__(self, counts: Counts, *, now: datetime, seed: int, tz: ZoneInfo) -> None:
        self.c = counts
        self.now = now
        self.tz = tz
        self.today = now.astimezone(tz).date()
        self.rng = random.Random(seed)
        self.won_leads: list[int] = []

    # --- helpers -----------------------------------------------------------------------------

    def past(self, min_days: float, max_days: float) -> datetime:
        """A random instant between `max_days` and `min_days` before now."""
        return self.now - timedelta(days=self.rng.uniform(min_days, max_days))

    def near_today_offset(self, low: int, high: int) -> int:
        """Days from today: half clustered within about a week of today, half spread out."""
        rng = self.rng
        offset = round(rng.gauss(0, 6)) if rng.random() < 0.55 else rng.randint(low, high)
        return max(low, min(high, offset))

    def local_instant(self, day: date, zone: ZoneInfo | None = None) -> datetime:
        """A working-hours time (on the half hour) on a local `day`, as aware UTC."""
        hour = self.rng.randint(9, 17)
        minute = self.rng.choice((0, 0, 30))
        naive = datetime.combine(day, time(hour, minute))
        return naive.replace(tzinfo=zone or self.tz).astimezone(UTC)

    def cap(self, moment: datetime) -> datetime:
        """Never later than now (for things that already happened)."""
        return min(moment, self.now - timedelta(seconds=self.rng.randint(60, 3600)))

    # --- records -----------------------------------------------------------------------------

    def clients(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        from amtui.core.text import fold

        rng = self.rng
        clients: list[dict[str, Any]] = []
        contacts: list[dict[str, Any]] = []
        seen: set[str] = set()
        for client_id in range(1, self.c.clients + 1):
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}{rng.choice(SUFFIXES)}"
            if fold(name) in seen:
                name = f"{name} {client_id}"
            seen.add(fold(name))
            created = self.past(30, 1500)
            zone = rng.choice(ZONES) if rng.random() < 0.7 else None
            # Clients had a free-text owner until schema 17 (owners are members now): the draw
            # stays, so that one seed keeps making the same data.
            rng.choice(("anna", "boris", None))
            clients.append(
                {
                    "id": client_id,
                    "name": name,
                    "name_key": fold(name),
                    "timezone": zone,
                    "kam_attractiveness": rng.randint(1, 5) if rng.random() < 0.4 else None,
                    "kam_relationship": rng.randint(1, 5) if rng.random() < 0.4 else None,
                    "relationship_stage": rng.choice(
                        ("tactical", "tactical", "operational", "functional", "strategic")
                    ),
                    "notes": "Key account, monthly retainer." if rng.random() < 0.1 else "",
                    "archived": rng.random() < 0.05,
                    "created_at": created,
                    "updated_at": self.cap(created + timedelta(days=rng.uniform(0, 400))),
                }
            )
            for _ in range(rng.randint(1, 3)):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                contacts.append(
                    {
                        "id": len(contacts) + 1,
                        "client_id": client_id,
                        "name": f"{first} {last}",
                        "email": f"{first.lower()}.{len(contacts)}@example.com",
                        "phone": f"+49 30 {rng.randint(1000000, 9999999)}"
                        if rng.random() < 0.6
                        else None,
                        "role": rng.choice(("CEO", "marketing", "procurement", None)),
                        "created_at": created,
                    }
                )
        return clients, contacts

    def leads(self) -> Iterator[dict[str, Any]]:
        from amtui.core.sla import WorkingHours, answer_due

        rng, c = self.rng, self.c
        hours = WorkingHours()
        n_open = min(c.open_leads, c.leads)
        n_waiting = min(c.waiting_leads, n_open)
        # The newest ids are the open leads (they arrived last), waiting ones the very newest.
        first_open = c.leads - n_open + 1
        first_waiting = c.leads - n_waiting + 1
        for lead_id in range(1, c.leads + 1):
            channel = weighted(rng, CHANNELS)
            partner = rng.choice(PARTNERS) if rng.random() < 0.2 else None
            client_id = rng.randint(1, c.clients) if c.clients and rng.random() < 0.7 else None
            zone_name = rng.choice(ZONES) if rng.random() < 0.15 else None
            row: dict[str, Any] = {
                "id": lead_id,
                "title": f"{rng.choice(OBJECTS).capitalize()} for {rng.choice(NOUNS).lower()}",
                "source": "partner" if partner else "client",
                "partner": partner,
                "channel": channel,
                "contact_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "contact_email": f"lead{lead_id}@example.org" if rng.random() < 0.8 else None,
                "contact_phone": None,
                "client_id": client_id,
                "lost_reason": None,
                "value_minor": rng.randint(50, 5000) * 10_000 if rng.random() < 0.6 else None,
                "currency": rng.choice(("EUR", "USD")),
                "timezone": zone_name,
                "cold_at": None,
                "response_notified_at": None,
                "answer_notified_at": None,
                "brief": [
                    {"q": "Budget", "a": f"{rng.randint(2, 80)}k"},
                    {"q": "Deadline", "a": "next quarter"},
                ]
                if channel == "web-brief"
                else [],
                "external_id": f"brief-{lead_id}" if channel == "web-brief" else None,
                "notes": "",
            }
            zone = ZoneInfo(zone_name) if zone_name else self.tz
            if lead_id < first_open:
                received = self.past(7, 1095)
                won = rng.random() < 0.35
                closed = self.cap(received + timedelta(days=rng.uniform(2, 90)))
                responded = received + timedelta(minutes=rng.uniform(2, 90))
                row |= {
                    "stage": "won" if won else "lost",
                    "lost_reason": None if won else rng.choice(LOST_REASONS),
                    "received_at": received,
                    "first_response_at": self.cap(responded),
                    # Closed leads lie outside the partial index; an approximate deadline will do.
                    "answer_due_at": received + timedelta(days=1),
                    "answered_at": self.cap(responded + timedelta(hours=rng.uniform(1, 30))),
                    "cold_at": closed if not won and rng.random() < 0.2 else None,
                    "closed_at": closed,
                }
                if won:
                    self.won_leads.append(lead_id)
            elif lead_id < first_waiting:
                received = self.past(0.5, 90)
                answered = rng.random() < 0.85
                row |= {
                    "stage": weighted(rng, OPEN_STAGES),
                    "received_at": received,
                    "first_response_at": self.cap(received + timedelta(minutes=rng.uniform(2, 60))),
                    "answer_due_at": answer_due(received, zone, hours),
                    "answered_at": self.cap(received + timedelta(hours=rng.uniform(1, 20)))
                    if answered
                    else None,
                    "closed_at": None,
                }
            else:
                # Waiting for a first touch: most arrived in the last hours, a few days ago.
                minutes = rng.uniform(1, 60) if rng.random() < 0.5 else rng.uniform(60, 4320)
                received = self.now - timedelta(minutes=minutes)
                row |= {
                    "stage": "new",
                    "received_at": received,
                    "first_response_at": None,
                    "answer_due_at": answer_due(received, zone, hours),
                    "answered_at": None,
                    "closed_at": None,
                }
            created = row["received_at"]
            row["created_at"] = created
            row["updated_at"] = row["closed_at"] or self.cap(
                created + timedelta(hours=rng.uniform(0, 48))
            )
            yield row

    def tasks(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """("task", row) for cards then subtasks, and ("tag", row) for their tags."""
        rng, c = self.rng, self.c
        positions: dict[str, int] = {}
        subtasks: list[dict[str, Any]] = []
        next_id = c.tasks + 1
        for task_id in range(1, c.tasks + 1):
            is_open = rng.random() < 0.2
            due_at: datetime | None = None
            due_date: date | None = None
            kind = rng.random()
            if is_open:
                column = weighted(rng, OPEN_COLUMNS)
                offset = self.near_today_offset(-60, 120)
                day = self.today + timedelta(days=offset)
                if kind < 0.45:
                    due_at = self.local_instant(day)
                elif kind < 0.80:
                    due_date = day
                created = self.cap(
                    datetime.combine(min(day, self.today), time(9), UTC)
                    - timedelta(days=rng.uniform(1, 30))
                )
                done_at = None
                updated = self.cap(created + timedelta(days=rng.uniform(0, 10)))
            else:
                column = "Done"
                created = self.past(5, 1095)
                day = (created + timedelta(days=rng.uniform(1, 30))).date()
                if kind < 0.35:
                    due_at = self.local_instant(day)
                elif kind < 0.75:
                    due_date = day
                done_at = self.cap(created + timedelta(days=rng.uniform(0.2, 40)))
                updated = done_at
            positions[column] = positions.get(column, 0) - 1
            client_id = rng.randint(1, c.clients) if c.clients and rng.random() < 0.85 else None
            lead_id = rng.choice(self.won_leads) if self.won_leads and rng.random() < 0.1 else None
            row = {
                "id": task_id,
                "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
                "notes": "See the brief in the shared folder." if rng.random() < 0.15 else "",
                "client_id": client_id,
                "lead_id": lead_id,
                "parent_id": None,
                "column": column,
                "position": positions[column],
                "due_date": due_date,
                "due_at": due_at,
                "priority": weighted(rng, PRIORITIES),
                "assignee": rng.choice(ROLES) if rng.random() < 0.6 else None,
                "estimate_hours": rng.choice((0.5, 1.0, 2.0, 4.0, 8.0))
                if rng.random() < 0.4
                else None,
                "done_at": done_at,
                "created_at": created,
                "updated_at": updated,
            }
            yield "task", row
            if rng.random() < 0.6:
                for tag in rng.sample(TAGS, rng.randint(1, 3)):
                    yield "tag", {"task_id": task_id, "tag": tag}
            if rng.random() < 0.2:
                for step in range(rng.randint(2, 6)):
                    subtasks.append(self._subtask(next_id, row, step))
                    next_id += 1
        for sub in subtasks:
            yield "task", sub

    def _subtask(self, task_id: int, parent: dict[str, Any], step: int) -> dict[str, Any]:
        rng = self.rng
        parent_done = parent["done_at"]
        done_at = (
            parent_done if parent_done else (self.cap(self.now) if rng.random() < 0.4 else None)
        )
        due_at: datetime | None = None
        due_date: date | None = None
        parent_due = parent["due_at"] or parent["due_date"]
        if parent_due is not None and rng.random() < 0.3:
            day = parent_due.date() if isinstance(parent_due, datetime) else parent_due
            day -= timedelta(days=rng.randint(0, 5))
            if rng.random() < 0.5:
                due_date = day
            else:
                due_at = self.local_instant(day)
        return {
            "id": task_id,
            "title": f"Step {step + 1}: {rng.choice(VERBS).lower()} {rng.choice(OBJECTS)}",
            "notes": "",
            "client_id": parent["client_id"],
            "lead_id": parent["lead_id"],
            "parent_id": parent["id"],
            "column": parent["column"],
            "position": step,
            "due_date": due_date,
            "due_at": due_at,
            "priority": "normal",
            "assignee": rng.choice(ROLES) if rng.random() < 0.5 else None,
            "estimate_hours": None,
            "done_at": done_at,
            "created_at": parent["created_at"],
            "updated_at": done_at or parent["updated_at"],
        }

    def reminders(self) -> Iterator[dict[str, Any]]:
        rng, c = self.rng, self.c
        for reminder_id in range(1, c.reminders + 1):
            kind = weighted(rng, REMINDER_KINDS)
            subject = rng.random()
            lead_id = task_id = client_id = None
            if subject < 0.4 and c.leads:
                lead_id = rng.randint(1, c.leads)
            elif subject < 0.7 and c.tasks:
                task_id = rng.randint(1, c.tasks)
            elif c.clients:
                client_id = rng.randint(1, c.clients)
            snoozed = None
            notified = None
            if rng.random() < 0.9:
                due = self.past(1, 1000)
                done = self.cap(due + timedelta(hours=rng.uniform(0, 72)))
                created = due - timedelta(days=rng.uniform(0, 30))
                notified = due if rng.random() < 0.7 else None
            else:
                done = None
                day = self.today + timedelta(days=self.near_today_offset(-30, 60))
                due = self.local_instant(day)
                created = self.cap(min(due, self.now) - timedelta(days=rng.uniform(0, 30)))
                if rng.random() < 0.1:
                    snoozed = due + timedelta(days=rng.randint(1, 5))
                if due < self.now and rng.random() < 0.5:
                    notified = due
            yield {
                "id": reminder_id,
                "text": {
                    "follow-up": "Follow up on the proposal",
                    "custom": "Ping about materials",
                    "call": "Call to discuss scope",
                    "payment": "Check the payment arrived",
                    "check-receipt": "Check the proposal arrived",
                    "first-response": "First response due",
                }[kind],
                "kind": kind,
                "step": rng.randint(1, 6) if kind == "follow-up" else None,
                "due_at": due,
                "snoozed_until": snoozed,
                "lead_id": lead_id,
                "client_id": client_id,
                "task_id": task_id,
                "done_at": done,
                "notified_at": notified,
                "created_at": created,
            }


def _activity(
    activity_id: int, subject: str, subject_id: int, kind: str, at: datetime, text: str = ""
) -> dict[str, Any]:
    return {
        "id": activity_id,
        "kind": kind,
        "text": text,
        "data": None,
        "lead_id": subject_id if subject == "lead" else None,
        "client_id": subject_id if subject == "client" else None,
        "task_id": subject_id if subject == "task" else None,
        "occurred_at": at,
        "created_at": at,
    }


class Loader:
    """Batched `executemany` into the real tables (`Tx.insert_many`), with activities derived
    from each row. `json`: each table's JSON columns."""

    def __init__(self, tx: Tx, json: dict[str, tuple[str, ...]], activities: bool) -> None:
        self.tx, self.json = tx, json
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}
        self.with_activities = activities
        self.activity_id = 0

    def add(self, table: str, row: dict[str, Any]) -> None:
        rows = self.pending.setdefault(table, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        """Insert what is pending for `table` and, first, for every table it may refer to."""
        from amtui.core.sql import Json

        last = ORDER.index(table) if table else len(ORDER) - 1
        for name in ORDER[: last + 1]:
            rows = self.pending.pop(name, [])
            if rows:
                wrap = self.json.get(name, ())
                if wrap:
                    rows = [{**row, **{k: Json(row[k]) for k in wrap}} for row in rows]
                self.tx.insert_many(name, rows)
                self.counts[name] = self.counts.get(name, 0) + len(rows)

    def activity(
        self, subject: str, subject_id: int, kind: str, at: datetime, text: str = ""
    ) -> None:
        if self.with_activities:
            self.activity_id += 1
            self.add("activity", _activity(self.activity_id, subject, subject_id, kind, at, text))


def generate(
    target: Path, counts: Counts, *, now: datetime, seed: int, tz: ZoneInfo, analyze: bool = False
) -> Generated:
    """Create the schema in a new file at `target` and fill it."""
    from amtui.core.db import Database
    from amtui.core.migrations import ensure_schema
    from amtui.core.models import RECORDS

    started = clock.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    db = Database(target)
    ensure_schema(db)
    json = {model.TABLE: model.JSON_FIELDS for model in RECORDS}
    gen = Generator(counts, now=now, seed=seed, tz=tz)
    with db.write(journal=False) as tx:  # generated data, not a change anyone would undo
        load = Loader(tx, json, counts.activities)
        clients, contacts = gen.clients()
        for client in clients:
            load.add("client", client)
            load.activity("client", client["id"], "created", client["created_at"])
        load.flush("client")
        for contact in contacts:
            load.add("contact", contact)
        for lead in gen.leads():
            load.add("lead", lead)
            load.activity("lead", lead["id"], "created", lead["received_at"])
            if lead["first_response_at"]:
                load.activity("lead", lead["id"], "responded", lead["first_response_at"])
            if lead["closed_at"]:
                text = f"→ {lead['stage']}"
                load.activity("lead", lead["id"], "stage-change", lead["closed_at"], text)
        load.flush("lead")
        for kind, row in gen.tasks():
            if kind == "tag":
                load.add("task_tag", row)
                continue
            load.add("task", row)
            load.activity("task", row["id"], "created", row["created_at"])
            if row["done_at"]:
                load.activity("task", row["id"], "done", row["done_at"], "→ Done")
        load.flush("task")
        load.flush("task_tag")
        for reminder in gen.reminders():
            load.add("reminder", reminder)
        load.flush()
    if analyze:
        with db.write() as tx:
            tx.run("ANALYZE")
    db.dispose()
    checkpoint(target)
    return Generated(dict(load.counts), clock.perf_counter() - started)


#: amtui priority → Taskwarrior's H/M/L ("normal" is Taskwarrior's no-priority default).
TW_PRIORITY = {"urgent": "H", "high": "H", "normal": None, "low": "L"}
#: UUIDs of the exported tasks: uuid5(TW_NAMESPACE, "task-<id>"), stable for a seed.
TW_NAMESPACE = uuid.UUID("6f0cf8a4-6a43-4a4e-9f55-2b8c1a0d7e11")


def _tw_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def tw_project(name: str) -> str:
    """A client name as a Taskwarrior project (no spaces or dots: those mean hierarchy)."""
    return re.sub(r"[\W_]+", "_", name).strip("_")


def taskwarrior_tasks(
    counts: Counts, *, now: datetime, seed: int, tz: ZoneInfo, depends: bool = False
) -> list[dict[str, Any]]:
    """The task rows `generate` would insert (same counts, `now` and `seed`), for `task import`.

    The generator is replayed in the same order (clients, leads, then tasks) so the random
    stream, and therefore every task, is identical to the database's. Mapping: title →
    description; done → status completed with `end`; created/updated → entry/modified; a timed
    due → that instant, an all-day due → local midnight of the day in `tz` (what `due:DATE`
    gives in Taskwarrior); client → project; tags → tags; urgent/high → H, low → L; assignee →
    the UDA `assignee` (declare it in the taskrc); notes → an annotation; subtasks → tasks of
    their own in the card's project, and with `depends` also tasks the card depends on
    (Taskwarrior's way to block a task on its parts; it makes Taskwarrior read every completed
    task on each command, ~5× slower at 10k). Leads, reminders and activities have no
    Taskwarrior counterpart and are not exported.
    """
    gen = Generator(counts, now=now, seed=seed, tz=tz)
    clients, _contacts = gen.clients()
    projects = {client["id"]: tw_project(client["name"]) for client in clients}
    for _lead in gen.leads():  # consumes the random stream exactly as `generate` does
        pass
    tasks: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    for kind, row in gen.tasks():
        if kind == "tag":
            by_id[row["task_id"]].setdefault("tags", []).append(row["tag"])
            continue
        task: dict[str, Any] = {
            "uuid": str(uuid.uuid5(TW_NAMESPACE, f"task-{row['id']}")),
            "description": row["title"],
            "status": "completed" if row["done_at"] else "pending",
            "entry": _tw_time(row["created_at"]),
            "modified": _tw_time(row["updated_at"]),
        }
        if row["done_at"]:
            task["end"] = _tw_time(row["done_at"])
        if row["due_at"] is not None:
            task["due"] = _tw_time(row["due_at"])
        elif row["due_date"] is not None:
            task["due"] = _tw_time(datetime.combine(row["due_date"], time(0), tz))
        if row["client_id"] is not None:
            task["project"] = projects[row["client_id"]]
        if TW_PRIORITY[row["priority"]]:
            task["priority"] = TW_PRIORITY[row["priority"]]
        if row["assignee"]:
            task["assignee"] = row["assignee"]
        if row["notes"]:
            task["annotations"] = [{"entry": task["entry"], "description": row["notes"]}]
        if depends and row["parent_id"] is not None:
            by_id[row["parent_id"]].setdefault("depends", []).append(task["uuid"])
        by_id[row["id"]] = task
        tasks.append(task)
    for task in tasks:
        if "depends" in task:  # Taskwarrior 2.6 imports a comma-separated string
            task["depends"] = ",".join(task["depends"])
    return tasks


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so the database is one self-contained file to copy."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"--now: not an ISO date-time: {text!r}") from None
    if value.tzinfo is None:
        raise SystemExit(f"--now: {text!r} has no zone; add Z or an offset like +02:00")
    return value.astimezone(UTC)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Fill an amtui SQLite database with a realistic benchmark load.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("path", nargs="?", type=Path, help="database file to create")
    parser.add_argument("--db", type=Path, help="database file to create (same as PATH)")
    parser.add_argument(
        "--taskwarrior",
        type=Path,
        metavar="FILE",
        help="write the same tasks as JSON for `task import` instead of a database",
    )
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES, key=SCALES.__getitem__),
        default="100k",
        help="preset: N tasks (cards) and N leads, N/50 clients, N/5 reminders",
    )
    parser.add_argument("--tasks", type=int, help="top-level tasks (subtasks come on top)")
    parser.add_argument("--leads", type=int)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--reminders", type=int)
    parser.add_argument("--open-leads", type=int, default=300, help="leads not won or lost")
    parser.add_argument(
        "--waiting-leads", type=int, default=35, help="open leads with no first response yet"
    )
    parser.add_argument("--no-activities", action="store_true", help="skip the activity rows")
    parser.add_argument(
        "--depends",
        action="store_true",
        help="with --taskwarrior: cards depend on their subtasks",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", help="ISO instant the data is relative to (default: real clock)")
    parser.add_argument("--tz", default=BENCH_TZ, help="the user's zone ('today')")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE afterwards")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    if args.path and args.db and args.path != args.db:
        parser.error("give the database either as PATH or as --db, not both")
    args.target = args.db or args.path
    if args.target is not None and args.taskwarrior is not None:
        parser.error("give either a database (PATH or --db) or --taskwarrior FILE, not both")
    if args.target is None and args.taskwarrior is None:
        parser.error("name the database file to create (PATH or --db) or --taskwarrior FILE")
    if args.depends and args.taskwarrior is None:
        parser.error("--depends goes with --taskwarrior")
    return args


def counts_from(args: argparse.Namespace) -> Counts:
    counts = Counts.for_scale(SCALES[args.scale])
    for name in ("tasks", "leads", "reminders"):
        if getattr(args, name) is not None:
            setattr(counts, name, getattr(args, name))
    if args.tasks is not None and args.clients is None:
        counts.clients = _clients_for(args.tasks)
    if args.clients is not None:
        counts.clients = args.clients
    counts.open_leads = args.open_leads
    counts.waiting_leads = args.waiting_leads
    counts.activities = not args.no_activities
    if min(counts.tasks, counts.leads, counts.clients, counts.reminders) < 0:
        raise SystemExit("counts must not be negative")
    return counts


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.taskwarrior is not None:
        return write_taskwarrior(args)
    target: Path = args.target
    if target.exists():
        if not args.force:
            print(f"{target} exists; use --force to replace it", file=sys.stderr)
            return 1
        remove_database(target)
    counts = counts_from(args)
    now = parse_now(args.now)
    result = generate(
        target, counts, now=now, seed=args.seed, tz=ZoneInfo(args.tz), analyze=args.analyze
    )
    size = target.stat().st_size / 1e6
    rows = ", ".join(f"{name} {n:,}" for name, n in result.rows.items()) or "no rows"
    print(f"{target}: {rows}; {size:.1f} MB in {result.seconds:.1f} s (now={now.isoformat()})")
    return 0


def write_taskwarrior(args: argparse.Namespace) -> int:
    target: Path = args.taskwarrior
    if target.exists() and not args.force:
        print(f"{target} exists; use --force to replace it", file=sys.stderr)
        return 1
    started = clock.perf_counter()
    now = parse_now(args.now)
    tasks = taskwarrior_tasks(
        counts_from(args), now=now, seed=args.seed, tz=ZoneInfo(args.tz), depends=args.depends
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(tasks, ensure_ascii=False) + "\n", encoding="utf-8")
    pending = sum(task["status"] == "pending" for task in tasks)
    print(
        f"{target}: {len(tasks):,} tasks ({pending:,} pending) for `task import` "
        f"in {clock.perf_counter() - started:.1f} s (now={now.isoformat()})"
    )
    return 0


if __name__ == "__main__":
    # Allow `python bench/generate.py` from a checkout without installing amtui.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
