"""Bad input, swept by class (README "Exit codes"): every value out of range, every odd
database location, a command without a terminal or stdin, and a command over several
references that fails on one of them: exit 2 (3 for storage), one line on stderr, never a
traceback, and the database bytes unchanged (nothing created where there was nothing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.conftest import Cli, Target, build_template, digest, use_template

ROOT = Path(__file__).resolve().parents[2]
SWEEP = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def build(cli: Cli) -> None:
    cli.ok("add", "Estimate client:Granel")  # T1
    cli.ok("add", "Second card")  # T2
    cli.ok("lead", "add", "Website", "--client", "Granel", "--received", "today 08:00")  # L1
    cli.ok("remind", "add", "Call", "--at", "tomorrow 10:00", "--about", "L1")  # R1
    cli.ok("remind", "add", "Mail", "--at", "tomorrow 11:00")  # R2
    cli.ok("invoice", "new", "Granel", "Design", "100", "--currency", "EUR")  # I1: a draft
    cli.ok("invoice", "new", "Granel", "Hosting", "45", "--currency", "EUR")  # I2
    cli.ok("invoice", "issue", "I2")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build)


@pytest.fixture
def data(cli: Cli, store: Target, template: Path) -> Target:
    use_template(template, store)
    return store


def refused(cli: Cli, db: Target, code: int, *args: str) -> str:
    """Run a command that must fail with `code`, write nothing, and say so in one line."""
    before = digest(db)
    message = cli.fails(code, *args)
    assert digest(db) == before, args
    if isinstance(db, Path):  # no schema upgrade began (it backs the file up first)
        assert not list(db.parent.glob("*.bak"))
    return message


# --- numbers out of range ------------------------------------------------------------------------

HUGE = st.integers(min_value=10**6 + 1, max_value=10**40)
NEGATIVE = st.integers(max_value=-1, min_value=-(10**40))
NOT_INTEGERS = st.sampled_from(["1.5", "1e3", "0x10", "", " ", "ten", "∞", "٣", "1_000_000_000"])

RANGED = [
    (["agenda", "--days"], st.one_of(st.integers(min_value=3661, max_value=10**40), NEGATIVE)),
    (["agenda", "--limit"], st.one_of(HUGE, NEGATIVE)),
    (["task", "list", "--limit"], st.one_of(HUGE, NEGATIVE)),
    (["lead", "list", "--limit"], st.one_of(HUGE, NEGATIVE)),
    (["remind", "list", "--limit"], st.one_of(HUGE, NEGATIVE)),
    (["followups", "--limit"], st.one_of(HUGE, NEGATIVE)),
    (["search", "card", "--limit"], st.one_of(HUGE, NEGATIVE, st.just(0))),
    (["client", "edit", "C1", "--attractiveness"], st.one_of(HUGE, NEGATIVE, st.just(0))),
    (["client", "edit", "C1", "--relationship"], st.integers(min_value=6, max_value=10**40)),
    (["client", "add", "New", "--attractiveness"], st.integers(min_value=6, max_value=10**40)),
]


@pytest.mark.parametrize(
    ("args", "values"), RANGED, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
@SWEEP
@given(data_=st.data())
def test_numbers_out_of_range(cli: Cli, data: Target, args: list[str], values, data_) -> None:  # type: ignore[no-untyped-def]
    value = data_.draw(st.one_of(values, NOT_INTEGERS))
    refused(cli, data, 2, *args, str(value))


# Lead values are read like invoice amounts (`amtui.core.money`): `12.345` is 12 345 there
# (thousands grouped), and the most is MAX_MINOR minor units.
AMOUNTS = ["-5", "-0.01", "NaN", "nan", "inf", "-inf", "1e400", "1e3", "12.3456", "0.001",
           "99999999999999999999", "10000000000000", "12k34", "1..2", "--3", "0x10", "€",
           ""]  # fmt: skip
ESTIMATES = ["0", "-1", "-2h", "0.001h", "0.004", "10001", "10000.5h", "1e5", "nan", "inf",
             "99999999999999999999d", "2x", "h", "1h-30m", "1251d",
             "٣", "١h", "３h", "2h٣٠m"]  # fmt: skip


@pytest.mark.parametrize("value", AMOUNTS)
def test_amounts_out_of_range(cli: Cli, data: Target, value: str) -> None:
    message = refused(cli, data, 2, "lead", "edit", "L1", "--value", value)
    said = ("amount", "negative", "decimals", "too large", "digits", "is empty")
    assert any(word in message for word in said), message
    refused(cli, data, 2, "lead", "add", "X", "--value", value)


@pytest.mark.parametrize("value", ESTIMATES)
def test_estimates_out_of_range(cli: Cli, data: Target, value: str) -> None:
    assert "estimate" in refused(cli, data, 2, "add", f"Card est:{value}")
    refused(cli, data, 2, "task", "edit", "T1", "--estimate", value)


@pytest.mark.parametrize("value", ["0", "5", "-1", "99999999999999999999", "urgentest", "1.5"])
def test_priorities_out_of_range(cli: Cli, data: Target, value: str) -> None:
    refused(cli, data, 2, "add", f"Card pri:{value}")
    refused(cli, data, 2, "task", "edit", "T1", "--pri", value)


# Digits are ASCII wherever amtui reads a number, as they are in amounts and dates: `T٣`,
# `est:٣` or three hours written `٣` are refused, never read as 3.
NON_ASCII_DIGITS = ["٣", "３", "۳", "३", "T٣", "Ｔ3", "1٣"]


@pytest.mark.parametrize("value", NON_ASCII_DIGITS)
@pytest.mark.parametrize(
    "args",
    [["show"], ["task", "done"], ["task", "done", "T1"], ["remind", "done"], ["task", "show"]],
    ids=" ".join,
)
def test_references_take_ascii_digits_only(
    cli: Cli, data: Target, args: list[str], value: str
) -> None:
    assert "not a reference" in refused(cli, data, 2, *args, value)


def test_hours_of_a_proposal_line_take_ascii_digits_only(cli: Cli, data: Target) -> None:
    cli.ok("proposal", "new", "L1")
    for hours in ("٣", "١.٥", "٢h", "１:３０", "3h٣٠m"):
        assert "not a number of hours" in refused(
            cli, data, 2, "proposal", "add", "P1", "Design", "designer", hours, "60",
            "--currency", "EUR",
        )  # fmt: skip


@pytest.mark.parametrize("text", [[], [""], ["   "], ["\t"]], ids=repr)
def test_a_note_without_text_is_refused(cli: Cli, data: Target, text: list[str]) -> None:
    """A call or mail logged without words still happened; a note without words says nothing
    (the first-hour defect: a log entry saved empty while its text was lost)."""
    assert "a note needs its text" in refused(cli, data, 2, "lead", "log", "L1", "note", *text)


EMPTY_TASK_OPTIONS = [
    ["add", "Card", "--client"],
    ["add", "Card", "--lead"],
    ["add", "Card", "--parent"],
    ["add", "Card", "--col"],
    ["add", "Card", "--assignee"],
    ["add", "Card", "--owner"],
    ["add", "Card", "--rec"],
    ["task", "add", "Card", "--client"],
    ["task", "edit", "T1", "--client"],
    ["task", "edit", "T1", "--assignee"],
    ["task", "edit", "T1", "--due"],
    ["task", "edit", "T1", "--rec"],
]


@pytest.mark.parametrize("value", ["", "  ", "@"], ids=repr)
@pytest.mark.parametrize("args", EMPTY_TASK_OPTIONS, ids=" ".join)
def test_an_empty_task_option_is_refused_not_taken_as_left_out(
    cli: Cli, data: Target, args: list[str], value: str
) -> None:
    """`--client "$CLIENT"` with the variable unset made a card without a client, exit 0."""
    if value == "@" and args[-1] != "--assignee":
        return  # only an assignee drops a leading @
    message = refused(cli, data, 2, *args, value)
    assert "is empty" in message or "the expression is empty" in message


EMPTY_RECORD_OPTIONS = [
    *(["lead", "add", "Card", flag] for flag in ("--partner", "--contact", "--email", "--phone")),
    *(["lead", "add", "Card", flag] for flag in ("--client", "--currency", "--received", "--tz")),
    ["lead", "add", "Card", "--external-id"],
    ["lead", "add", "Card", "--owner"],
    *(["lead", "edit", "L1", flag] for flag in ("--title", "--partner", "--client", "--value")),
    *(["lead", "edit", "L1", flag] for flag in ("--tz", "--received", "--email", "--channel")),
    ["client", "add", "New", "--tz"],
    ["client", "add", "New", "--owner"],
    *(["client", "edit", "C1", flag] for flag in ("--name", "--tz", "--owner", "--locale")),
    ["contact", "add", "C1", "Anna", "--email"],
    ["contact", "add", "C1", "Anna", "--phone"],
]


@pytest.mark.parametrize("value", ["", "  "], ids=repr)
@pytest.mark.parametrize("args", EMPTY_RECORD_OPTIONS, ids=" ".join)
def test_an_empty_lead_client_or_contact_option_is_refused(
    cli: Cli, data: Target, args: list[str], value: str
) -> None:
    """`lead add X --tz "$ZONE"` with the variable unset made a lead without a zone, exit 0;
    on `edit` an empty value cleared the field (`none` does that, said in the message)."""
    message = refused(cli, data, 2, *args, value)
    assert f"{args[-1]} is empty; give a value or leave the option out" in message
    assert ("none clears it" in message) == (
        args[1] == "edit" and args[-1] not in ("--title", "--received", "--channel", "--name")
    )


FILE_READERS = [
    ["import", "json"],
    ["import", "csv"],
    ["import", "taskwarrior"],
    ["import", "kommo"],
    ["import", "asana"],
    ["intake", "email"],
    ["intake", "form"],
    ["contact", "import"],
]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("args", FILE_READERS, ids=" ".join)
def test_a_device_given_as_a_file_is_refused_not_read_forever(
    cli: Cli, data: Target, args: list[str], device: str
) -> None:
    """`/dev/zero` was read into memory until the process died (a MemoryError traceback)."""
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    assert "is a device" in refused(cli, data, 2, *args, device)


@pytest.mark.processes
@pytest.mark.parametrize("host", ["", "   "], ids=repr)
def test_an_empty_host_is_refused_before_anything_listens(data: Target, host: str) -> None:
    """`ics serve --host ""` listened on every interface (a socket bound to "" does), with the
    feed's token the only guard; leaving --host out means 127.0.0.1. A subprocess with a
    timeout: a regression would serve forever instead of failing."""
    for args in (["ics", "serve", "--port", "0"], ["web", "--port", "0"]):
        try:
            result = run([*args, "--host", host], data, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:  # pragma: no cover - the defect itself
            pytest.fail(f"{' '.join(args)} --host {host!r} started serving")
        if b"web extra" in result.stderr:
            continue  # `amtui web` needs its extra; the check is the same function
        assert result.returncode == 2, (args, result.stderr)
        assert b"--host is empty" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.processes
def test_an_import_from_a_closed_stdin_is_refused(data: Target) -> None:
    before = digest(data)
    result = run(["import", "csv", "-"], data, preexec_fn=closed(0))
    assert result.returncode == 2, result.stderr
    assert b"standard input is closed" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert digest(data) == before


# --- dates out of range, in every field that reads one ------------------------------------------

DATE_FIELDS = [
    ["add", "Card", "--due"],
    ["task", "edit", "T1", "--due"],
    ["remind", "add", "Call", "--at"],
    ["remind", "edit", "R1", "--at"],
    ["remind", "snooze", "R1"],
    ["lead", "add", "New", "--received"],
    ["lead", "edit", "L1", "--received"],
    ["lead", "respond", "L1", "--answer-by"],
    ["lead", "log", "L1", "note", "x", "--at"],
    ["agenda", "--date"],
    ["report", "--from"],
    ["report", "--to"],
    ["proposal", "new", "L1", "--valid-until"],
    ["invoice", "new", "Granel", "Hosting", "45", "--currency", "EUR", "--due"],
    ["invoice", "issue", "I1", "--on"],
    ["invoice", "issue", "I1", "--due"],
    ["invoice", "edit", "I1", "--due"],
    ["invoice", "pay", "I2", "10", "--on"],
]
BAD_DATES = ["0000-01-01", "10000-01-01", "1899-12-31", "3000-01-01", "9999-12-31",
             "+99999999999d", "-99999y", "+1000y", "in 999999999999 days", "+9999999999999h",
             "31/02", "29 feb 2027", "2026-13-01", "tomorrow 25:00", "fri 3pmm", "+3x",
             "1.1.0000", "1/1/10000", "", "   "]  # fmt: skip


@pytest.mark.parametrize("field", DATE_FIELDS, ids=" ".join)
@pytest.mark.parametrize("value", BAD_DATES)
def test_dates_out_of_range_in_every_field(
    cli: Cli, data: Target, field: list[str], value: str
) -> None:
    refused(cli, data, 2, *field, value)


@pytest.mark.parametrize("value", ["0000-01-01", "10000-01-01", "+99999999999d", "3000-1-1"])
def test_quick_add_dates_out_of_range(cli: Cli, data: Target, value: str) -> None:
    refused(cli, data, 2, "add", f"Card due:{value}")
    refused(cli, data, 2, "task", "edit", "T1", f"due:{value}")


@SWEEP
@given(years=st.one_of(st.integers(0, 1899), st.integers(3000, 99999)))
def test_any_year_outside_1900_to_2999_is_refused(cli: Cli, data: Target, years: int) -> None:
    refused(cli, data, 2, "agenda", "--date", f"{years:04d}-06-15")


# --- odd database locations ------------------------------------------------------------------


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    place = tmp_path / "odd"
    place.mkdir()
    (place / "folder").mkdir()
    os.mkfifo(place / "fifo")
    (place / "notes.txt").write_text("not a database\n", encoding="utf-8")
    return place


LOCATIONS = [
    ("folder", 3, "is a directory"),
    ("fifo", 3, "not a regular file"),
    ("/dev/null", 3, "not a regular file"),
    ("missing/x.db", 3, "does not exist"),
    ("notes.txt/x.db", 3, "cannot"),
    ("notes.txt", 3, "not a readable amtui database"),
    ("", 2, "--db is empty"),
    ("   ", 2, "--db is empty"),
    ("bogus://host/db", 2, "cannot keep data in a 'bogus' database"),
    ("http://example.com/amtui", 2, "'http'"),
    ("sqlite://", 2, "in-memory"),
    ("sqlite:///:memory:", 2, "in-memory"),
    ("://nothing", 2, "not a database URL"),
    (":memory:", 2, "in-memory"),  # SQLite's name for it, not a file called ':memory:'
    (" :memory: ", 2, "in-memory"),
    ("~no-such-user-amtui/x.db", 2, "no such user"),
    ("sqlite:///~no-such-user-amtui/x.db", 2, "no such user"),
    ("new\nline.db", 2, "control character"),
    ("tab\there.db", 2, "control character"),
    ("sqlite:///tmp/new\rline.db", 2, "control character"),
]


@pytest.mark.parametrize(("where", "code", "needle"), LOCATIONS)
@pytest.mark.parametrize("args", [["add", "Card"], ["agenda"], ["task", "list"], ["db", "path"]])
def test_odd_database_locations(  # type: ignore[no-untyped-def]
    cli: Cli,
    odd: Path,
    where: str,
    code: int,
    needle: str,
    args: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(odd)  # a relative name would be created here
    if args == ["db", "path"] and (code == 3 or needle == "in-memory"):
        return  # `db path` only says where the data would be; it opens nothing
    as_typed = "://" in where or where.strip().startswith(("/", ":", "~")) or not where.strip()
    target = where if as_typed else odd / where
    before = sorted(p.name for p in odd.rglob("*"))
    assert needle in cli.fails(code, "--db", str(target), *args)
    assert sorted(p.name for p in odd.rglob("*")) == before  # nothing created
    assert (odd / "notes.txt").read_text(encoding="utf-8") == "not a database\n"


def test_an_empty_amtui_db_is_refused_not_read_as_the_default(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    monkeypatch.setenv("AMTUI_DB", "")
    assert "AMTUI_DB is empty" in cli.fails(2, "add", "Card")
    assert not list(isolated.rglob("*.db"))


def test_a_missing_directory_in_amtui_db_is_not_created(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AMTUI_DB", str(tmp_path / "typo" / "amtui.db"))
    assert "does not exist" in cli.fails(3, "add", "Card")
    assert not (tmp_path / "typo").exists()


def test_the_default_location_is_created_on_first_use(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    monkeypatch.delenv("AMTUI_DB")
    cli.ok("add", "Card")
    assert (isolated / "data" / "amtui" / "amtui.db").exists()


def test_an_empty_db_in_the_config_is_refused(cli: Cli, isolated: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AMTUI_DB")
    (isolated / "config.toml").write_text('db = ""\n', encoding="utf-8")
    assert "db must be a database file or URL" in cli.fails(2, "agenda")


# --- all or nothing over several references --------------------------------------------------


@pytest.mark.parametrize(
    ("refs", "code", "needle"),
    [
        (["T1", "T99"], 1, "no task T99"),
        (["T99", "T1"], 1, "no task T99"),
        (["T1", "T2", "T99"], 1, "no task T99"),
        (["T1", "T1"], 2, "T1 given more than once"),
        (["T1", "1"], 2, "T1 given more than once"),
        (["T1", "L1"], 2, "is needed here"),
        (["T1", "zz"], 2, "not a reference"),
        (["T1", "T99999999999999999999"], 2, "not a reference"),
    ],
)
def test_task_done_over_several_references_is_all_or_nothing(
    cli: Cli, data: Target, refs: list[str], code: int, needle: str
) -> None:
    assert needle in refused(cli, data, code, "task", "done", *refs)


def test_task_done_refuses_all_when_one_is_done_already(cli: Cli, data: Target) -> None:
    cli.ok("task", "done", "T2")
    assert "T2 is already done" in refused(cli, data, 2, "task", "done", "T1", "T2")
    out = cli.ok("task", "done", "T1")
    assert out.startswith("Done T1")


@pytest.mark.parametrize(
    ("refs", "code", "needle"),
    [
        (["R1", "R99"], 1, "no reminder R99"),
        (["R99", "R1", "R2"], 1, "no reminder R99"),
        (["R1", "R1"], 2, "given more than once"),
        (["R1", "T1"], 2, "is needed here"),
    ],
)
def test_remind_done_over_several_references_is_all_or_nothing(
    cli: Cli, data: Target, refs: list[str], code: int, needle: str
) -> None:
    assert needle in refused(cli, data, code, "remind", "done", *refs)


def test_several_references_done_together(cli: Cli, data: Target) -> None:
    out = cli.ok("task", "done", "T1", "T2")
    assert out.splitlines() == ["Done T1: Estimate", "Done T2: Second card"]
    out = cli.ok("remind", "done", "R1", "R2")
    assert [line.split(":")[0] for line in out.splitlines()] == ["Done R1", "Done R2"]


# --- without a terminal, without stdin --------------------------------------------------------


def run(args: list[str], db: Target, **kwargs) -> subprocess.CompletedProcess[bytes]:  # type: ignore[no-untyped-def]
    env = dict(os.environ, PYTHONPATH=str(ROOT), AMTUI_DB=str(db))
    return subprocess.run(
        [sys.executable, "-m", "amtui", *args], env=env, capture_output=True, timeout=60, **kwargs
    )


def closed(fd: int):  # type: ignore[no-untyped-def]
    return lambda: os.close(fd)


@pytest.mark.processes
def test_commands_without_a_terminal_or_stdin(data: Target) -> None:
    before = digest(data)
    # A closed stdin: rm refuses without --yes, exit 2, one line, nothing deleted.
    result = run(["task", "rm", "T1"], data, preexec_fn=closed(0))
    assert result.returncode == 2 and b"--yes" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    # /dev/null as stdin: the same.
    result = run(["lead", "rm", "L1"], data, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    # The full-screen app needs a terminal: one line, exit 2, no screen drawn into a pipe.
    result = run(["tui"], data, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and result.stdout == b""
    assert b"needs a terminal" in result.stderr and len(result.stderr.splitlines()) == 1
    assert digest(data) == before
    # A closed stdout (`>&-`) or stdin: listing commands still run, no traceback.
    for args in (["agenda"], ["task", "list"], ["lead", "list", "--format", "md"]):
        for fd in (0, 1):
            result = run(args, data, preexec_fn=closed(fd))
            assert result.returncode == 0, (args, fd, result.stderr)
            assert b"Traceback" not in result.stderr
    # `amtui` alone off a terminal prints help, even with stdin closed.
    result = run([], data, preexec_fn=closed(0))
    assert result.returncode == 0 and b"Usage" in result.stdout
