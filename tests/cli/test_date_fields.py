"""Every date form the README documents, in every field the README names (due:, --due, --at,
--received, --answer-by, remind snooze, --date, --from/--to, lead log --at): read by the one
parser, with each field's own meaning (a date alone is all-day for a task, the start of the
working day for a reminder or an arrival, a day for the agenda), and refused only by the
field's own rule (an arrival cannot be in the future), never as unreadable.

The clock is Wed 25 Nov 2026 10:00 in Berlin (the user's zone); the client is in New York.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from amtui.core.config import load_config
from tests.cli.conftest import Cli, Target, build_template, readme, use_template
from tests.conftest import BERLIN, NOW

NEW_YORK = ZoneInfo("America/New_York")
#: L2 arrived Wed 04:00 in New York: one working day there ends Wed 18:00 (23:00 UTC).
ANSWER_LIMIT = datetime(2026, 11, 25, 18, 0, tzinfo=NEW_YORK)


def documented_forms() -> list[str]:
    """Every example in the README's table of date expressions."""
    text = readme()
    table = text[text.index("| Form | Examples |") :]
    table = table[: table.index("\n\n")]
    forms = []
    for row in table.splitlines()[2:]:
        examples = row.split("|")[2]
        forms += re.findall(r"`([^`]+)`", examples)
    return forms


FORMS = documented_forms()


def test_the_readme_table_is_read_whole() -> None:
    assert len(FORMS) >= 35
    for form in ("2026-12-01T15:00+03:00", "12-01", "in 5 business days", "fri 15:00 client"):
        assert form in FORMS


def build(cli: Cli) -> None:
    cli.ok("client", "add", "Harbor", "--tz", "America/New_York")  # C1
    cli.ok("add", "Card client:C1")  # T1
    cli.ok("lead", "add", "Old lead", "--client", "C1", "--received", "2026-01-05 09:00")  # L1
    cli.ok("lead", "add", "New lead", "--client", "C1")  # L2, arrived now
    cli.ok("remind", "add", "Call", "--at", "now", "--about", "L1")  # R1, due now


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build)


@pytest.fixture
def data(cli: Cli, store: Target, template: Path) -> Path:
    use_template(template, store)
    return store


def parse(form: str, client: bool) -> date | datetime:
    config = load_config()
    return config.read_when(form, now=NOW, zones={"client": NEW_YORK} if client else None)


def instant(value: date | datetime) -> datetime:
    """Reminders, arrivals and promises: a date alone is 09:00 that day in the user's zone."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(9), tzinfo=BERLIN)


def day(value: date | datetime) -> date:
    return value.astimezone(BERLIN).date() if isinstance(value, datetime) else value


def iso(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(BERLIN).isoformat(timespec="seconds")
    return value.isoformat()


def shown(cli: Cli, *args: str) -> Any:
    return json.loads(cli.ok(*args, "--format", "json"))


# Each field: how to set it, how to read back what was stored, and what that should be.
FIELDS: dict[str, dict[str, Any]] = {
    "due: token": {
        "set": lambda f: ["add", f"Card due:{f} client:C1"],
        "get": lambda cli: shown(cli, "task", "show", "T2")["due"],
        "want": lambda v: iso(v),
        "client": True,
    },
    "add --due": {
        "set": lambda f: ["add", "Card", "--due", f, "--client", "C1"],
        "get": lambda cli: shown(cli, "task", "show", "T2")["due"],
        "want": lambda v: iso(v),
        "client": True,
    },
    "task edit --due": {
        "set": lambda f: ["task", "edit", "T1", "--due", f],
        "get": lambda cli: shown(cli, "task", "show", "T1")["due"],
        "want": lambda v: iso(v),
        "client": True,
    },
    "task edit due:": {
        "set": lambda f: ["task", "edit", "T1", f"due:{f}"],
        "get": lambda cli: shown(cli, "task", "show", "T1")["due"],
        "want": lambda v: iso(v),
        "client": True,
    },
    "remind add --at": {
        "set": lambda f: ["remind", "add", "Later", "--at", f, "--about", "L1"],
        "get": lambda cli: shown(cli, "show", "R2")["due"],
        "want": lambda v: iso(instant(v)),
        "client": True,
    },
    "remind edit --at": {
        "set": lambda f: ["remind", "edit", "R1", "--at", f],
        "get": lambda cli: shown(cli, "show", "R1")["due"],
        "want": lambda v: iso(instant(v)),
        "client": True,
    },
    "remind snooze": {
        "set": lambda f: ["remind", "snooze", "R1", f],
        "get": lambda cli: shown(cli, "show", "R1")["due"],
        "want": lambda v: iso(instant(v)),
        "client": True,
        "allowed": lambda v: instant(v) > NOW,  # a snooze puts off, never brings forward
    },
    "lead add --received": {
        "set": lambda f: ["lead", "add", "Lead", "--received", f, "--client", "C1"],
        "get": lambda cli: shown(cli, "lead", "show", "L3")["received_at"],
        "want": lambda v: iso(instant(v)),
        "client": True,
        "allowed": lambda v: instant(v) <= NOW,  # it cannot arrive in the future
    },
    "lead edit --received": {
        "set": lambda f: ["lead", "edit", "L1", "--received", f],
        "get": lambda cli: shown(cli, "lead", "show", "L1")["received_at"],
        "want": lambda v: iso(instant(v)),
        "client": True,
        "allowed": lambda v: instant(v) <= NOW,
    },
    "lead respond --answer-by": {
        "set": lambda f: ["lead", "respond", "L2", "--answer-by", f],
        "get": lambda cli: shown(cli, "lead", "show", "L2")["answer_due_at"],
        "want": lambda v: iso(instant(v)),
        "client": True,
        # in the future, and no later than the rule's answer deadline (see below)
        "allowed": lambda v: NOW < instant(v) <= ANSWER_LIMIT,
    },
    "lead log --at": {
        "set": lambda f: ["lead", "log", "L1", "note", "Spoke", "--at", f],
        "get": lambda cli: next(
            entry["occurred_at"]
            for entry in shown(cli, "lead", "show", "L1")["timeline"]
            if entry["text"] == "Spoke"
        ),
        "want": lambda v: iso(instant(v)),
        "client": True,
        "allowed": lambda v: instant(v) <= NOW,  # contact cannot be logged in the future
    },
    "agenda --date": {
        "set": lambda f: ["agenda", "--date", f, "--format", "json"],
        "get": None,
        "want": lambda v: day(v).isoformat(),
        "client": False,
    },
    "report --from/--to": {
        "set": lambda f: ["report", "--from", f, "--to", f, "--format", "json"],
        "get": None,
        "want": lambda v: day(v).isoformat(),
        "client": False,
    },
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("field", list(FIELDS))
def test_every_documented_form_in_every_field(cli: Cli, data: Path, field: str, form: str) -> None:
    spec = FIELDS[field]
    if form.endswith(" client") and not spec["client"]:
        message = cli.fails(2, *spec["set"](form))
        assert "'client' stands for the client's time zone" in message
        return
    value = parse(form, spec["client"])
    if not spec.get("allowed", lambda v: True)(value):
        message = cli.fails(2, *spec["set"](form))
        assert "can't read" not in message, message  # the field's rule, not the parser
        return
    out = cli.ok(*spec["set"](form))
    if spec["get"] is None:
        data_ = json.loads(out)
        stored = data_["date"] if field == "agenda --date" else (data_["from"], data_["to"])
        want = spec["want"](value)
        assert stored == (want if field == "agenda --date" else (want, want))
    else:
        assert spec["get"](cli) == spec["want"](value)


# --- spot checks worked out by hand ------------------------------------------------------------


def test_the_answer_limit_the_table_assumes(cli: Cli, data: Path) -> None:
    assert shown(cli, "lead", "show", "L2")["answer_due_at"] == iso(ANSWER_LIMIT)


def test_a_client_zone_in_a_due_date(cli: Cli, data: Path) -> None:
    cli.ok("task", "edit", "T1", "--due", "fri 15:00 client")
    assert shown(cli, "task", "show", "T1")["due"] == "2026-11-27T21:00:00+01:00"


def test_an_arrival_in_the_clients_zone(cli: Cli, data: Path) -> None:
    cli.ok("lead", "edit", "L1", "--received", "today 03:30 client")
    assert shown(cli, "lead", "show", "L1")["received_at"] == "2026-11-25T09:30:00+01:00"


def test_a_date_alone_is_the_start_of_the_working_day_for_a_reminder(cli: Cli, data: Path) -> None:
    cli.ok("remind", "edit", "R1", "--at", "12-01")
    assert shown(cli, "show", "R1")["due"] == "2026-12-01T09:00:00+01:00"


def test_client_without_a_client_is_refused_clearly(cli: Cli, data: Path) -> None:
    message = cli.fails(2, "add", "Loose", "--due", "fri 15:00 client")
    assert "'client' stands for the client's time zone" in message
