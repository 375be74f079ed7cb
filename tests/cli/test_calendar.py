"""`amtui ics export`: deadlines as iCalendar, read back by two independent readers.

The output is parsed by `icalendar` (the library that wrote it) and, where Node is present, by
ICAL.js (Mozilla's parser, from npm; `.ci/run` installs it under .ci/node); the named-zone
output's VTIMEZONE is read by `dateutil.tz.tzical`. The RFC 5545 rules a calendar relies on
are checked on the raw text: CRLF, lines of at most 75 octets, no control characters, a
relative alarm only on an event with DTSTART, stable UIDs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Cli, Target, build_template, use_template

ROOT = Path(__file__).resolve().parents[2]
READER = ROOT / "tests" / "io" / "ics_reader.mjs"
ICALJS = Path(os.environ.get("AMTUI_ICALJS", ROOT / ".ci/node/node_modules/ical.js/dist/ical.js"))
#: A title no calendar should be able to misread: iCalendar's own separators, a formula,
#: an escape sequence, a bidi override, a zero-width space, emoji and Cyrillic.
HOSTILE = "=cmd|' /C calc'!A0, a;b \\ \x1b[31mred\u202eevil\u200b 🎉 Гранель"


def build(cli: Cli) -> None:
    cli.ok("add", "Send estimate due:2026-11-27 15:00 client:Granel +urgent")  # T1
    cli.ok("add", "Brief call due:2026-11-30")  # T2, all day
    cli.ok("task", "add", HOSTILE, "--due", "2026-11-28")  # T3
    cli.ok("add", "Already done due:tomorrow")  # T4
    cli.ok("task", "done", "T4")
    cli.ok("add", "No deadline")  # T5
    cli.ok(
        "lead",
        "add",
        "Website redesign",
        "--received",
        "2026-11-25 09:50",
        "--tz",
        "America/New_York",
    )  # L1: first response 10:05 Berlin, answer one working day in New York
    cli.ok("lead", "add", "Proposal lead", "--received", "2026-11-24 10:00")  # L2
    cli.ok("lead", "respond", "L2", "--answered")
    cli.ok("lead", "stage", "L2", "proposal-sent")  # R1: check receipt, step 1
    cli.ok(
        "remind", "add", "Call Anna", "--at", "2026-11-26 10:00", "--about", "L1", "--kind", "call"
    )  # R2
    cli.ok("invoice", "new", "Granel", "Hosting, December", "45", "--currency", "EUR")  # I1
    cli.ok("invoice", "issue", "I1", "--due", "2026-12-10")
    cli.ok("invoice", "new", "Granel", "Draft only", "10", "--currency", "EUR")  # I2: a draft
    cli.ok("invoice", "new", "Granel", "Paid", "20", "--currency", "EUR")  # I3
    cli.ok("invoice", "issue", "I3", "--due", "2026-12-05")
    cli.ok("invoice", "pay", "I3", "20")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build, "calendar")


@pytest.fixture
def data(template: Path, store: Target) -> Path:
    use_template(template, store)
    return store


def export(cli: Cli, *args: str) -> bytes:
    result = cli("ics", "export", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes  # type: ignore[no-any-return]


def parse(body: bytes) -> Any:
    from icalendar import Calendar

    return Calendar.from_ical(body)


def events(body: bytes) -> dict[str, Any]:
    """Events by the key part of their UID (`task-1-due`)."""
    return {str(e["UID"]).split(".")[0]: e for e in parse(body).walk("VEVENT")}


def check_rfc5545(body: bytes) -> None:
    """The rules of the raw text every reader depends on."""
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    for line in lines:
        assert len(line) <= 75, line  # folded at 75 octets (§3.1)
        line.decode("utf-8")  # a fold never splits a character
        # §3.3.11: no control characters in any value (HTAB aside)
        assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line), line
    calendar = parse(body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    for event in calendar.walk("VEVENT"):
        assert event.get("DTSTAMP") is not None and event.get("DTSTART") is not None
        assert event.decoded("DTSTAMP").tzinfo is not None  # DTSTAMP is UTC (§3.8.7.2)
        alarms = [c for c in event.subcomponents if c.name == "VALARM"]
        assert alarms, event["UID"]
        for alarm in alarms:
            assert alarm["ACTION"] == "DISPLAY" and alarm.get("DESCRIPTION")
            trigger = alarm["TRIGGER"]
            related = trigger.params.get("RELATED", "START")
            assert isinstance(alarm.decoded("TRIGGER"), timedelta)
            # §3.8.6.3: a relative trigger needs DTSTART (RELATED=START) or DTEND/DUE (END).
            assert event.get("DTSTART" if related == "START" else "DTEND") is not None


def test_open_deadlines_become_events_with_alarms(cli: Cli, data: Path) -> None:
    body = export(cli)
    check_rfc5545(body)
    found = events(body)
    assert set(found) == {
        "task-1-due",
        "task-2-due",
        "task-3-due",
        "lead-1-first-response",
        "lead-1-answer",
        "reminder-1",
        "reminder-2",
        "invoice-1-due",
    }  # not the done T4, the undated T5, L2's deadlines (answered), a draft or a paid invoice
    timed = found["task-1-due"]
    assert timed.decoded("DTSTART") == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    assert b"DTSTART:20261127T140000Z" in body  # UTC by default
    assert str(timed["SUMMARY"]) == "T1 Send estimate · Granel"
    assert timed.subcomponents[0].decoded("TRIGGER") == timedelta(minutes=-15)
    assert str(timed["TRANSP"]) == "TRANSPARENT"
    all_day = found["task-2-due"]
    assert all_day.decoded("DTSTART") == date(2026, 11, 30)
    assert all_day.decoded("DTEND") == date(2026, 12, 1)
    assert all_day.subcomponents[0].decoded("TRIGGER") == timedelta(hours=9)  # working day
    first = found["lead-1-first-response"]
    assert first.decoded("DTSTART") == datetime(2026, 11, 25, 9, 5, tzinfo=UTC)
    assert str(first["SUMMARY"]) == "L1 first response due: Website redesign"
    assert first.subcomponents[0].decoded("TRIGGER") == timedelta(minutes=-5)
    answer = found["lead-1-answer"]
    # One working day (9 h) in New York from arrival at 03:50 there: 09:00 + 9 h = 18:00.
    assert answer.decoded("DTSTART") == datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    step = found["reminder-1"]
    assert str(step["SUMMARY"]).startswith("R1 step 1 of 6 · ")
    assert str(step["SUMMARY"]).endswith(" · L2 Proposal lead")
    assert str(step["CATEGORIES"].cats[0]) == "follow-up"
    call = found["reminder-2"]
    assert str(call["SUMMARY"]) == "R2 Call Anna · L1 Website redesign"
    assert call.subcomponents[0].decoded("TRIGGER") == timedelta(0)
    invoice = found["invoice-1-due"]
    assert invoice.decoded("DTSTART") == date(2026, 12, 10)  # all day on its due date
    assert str(invoice["SUMMARY"]) == "I1 invoice 2026-0001 · Granel · 45.00 EUR owed due"
    assert str(invoice["CATEGORIES"].cats[0]) == "invoice"
    assert invoice.subcomponents[0].decoded("TRIGGER") == timedelta(hours=9)  # working day


def test_hostile_text_is_escaped_and_made_visible(cli: Cli, data: Path) -> None:
    body = export(cli)
    summary = str(events(body)["task-3-due"]["SUMMARY"])
    assert summary == ("T3 =cmd|' /C calc'!A0, a;b \\ \\x1b[31mred\\u202eevil\\u200b 🎉 Гранель")
    raw = body.replace(b"\r\n ", b"").decode()
    assert "A0\\, a\\;b \\\\ \\\\x1b" in raw  # TEXT escaping of , ; and \ (§3.3.11)
    assert "\u202e" not in raw and "\x1b" not in raw


def test_a_reexport_updates_the_same_events(cli: Cli, data: Path) -> None:
    before = events(export(cli))
    cli.ok("task", "edit", "T1", "--due", "2026-11-28 11:00")
    cli.ok("task", "done", "T2")
    after = events(export(cli))
    assert set(after) == set(before) - {"task-2-due"}
    assert str(after["task-1-due"]["UID"]) == str(before["task-1-due"]["UID"])
    assert after["task-1-due"].decoded("DTSTART") == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert export(cli) == export(cli)  # deterministic: an unchanged calendar, the same bytes


def test_named_zone_with_vtimezone_read_by_dateutil(cli: Cli, data: Path) -> None:
    from dateutil.tz import tzical

    utc = events(export(cli))
    body = export(cli, "--zone", "America/New_York")
    check_rfc5545(body)
    assert b"DTSTART;TZID=America/New_York:20261127T090000" in body
    assert b"X-WR-TIMEZONE:America/New_York" in body
    text = body.decode()
    block = re.search(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", text, re.S)
    assert block is not None
    zone = tzical(StringIO(block.group(0).replace("\r\n", "\n"))).get("America/New_York")
    timed = 0
    for block in text.replace("\r\n ", "").split("BEGIN:VEVENT")[1:]:
        key = re.search(r"^UID:([\w-]+)\.", block, re.M).group(1)  # type: ignore[union-attr]
        local = re.search(r"^DTSTART;TZID=America/New_York:(\d{8}T\d{6})\r?$", block, re.M)
        if local is None:
            continue
        timed += 1
        instant = datetime.strptime(local.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=zone)
        assert instant == utc[key].decoded("DTSTART"), key
    assert timed == 5
    assert events(body)["task-2-due"].decoded("DTSTART") == date(2026, 11, 30)


def read_with_icaljs(path: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the ICAL.js reader cannot run")
    if not ICALJS.exists():
        pytest.skip(f"ICAL.js is not installed at {ICALJS} (.ci/run installs it with npm)")
    result = subprocess.run(
        [node, str(READER), str(path), str(ICALJS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("zone", [None, "Europe/Berlin"])
def test_icaljs_reads_the_same_calendar(
    cli: Cli, data: Path, tmp_path: Path, zone: str | None
) -> None:
    body = export(cli, *(["--zone", zone] if zone else []))
    path = tmp_path / "amtui.ics"
    path.write_bytes(body)
    read = read_with_icaljs(path)
    assert read["name"] == "amtui" and read["refresh"] == "PT15M"
    mine = events(body)
    theirs = {e["uid"].split(".")[0]: e for e in read["events"]}
    assert set(theirs) == set(mine)
    for key, event in mine.items():
        other = theirs[key]
        assert other["summary"] == str(event["SUMMARY"]), key
        start = event.decoded("DTSTART")
        if isinstance(start, datetime):
            assert other["start"] == int(start.timestamp()), key
            assert other["zone"] == (zone or "UTC"), key
        else:
            assert other["all_day"] and other["start"] == start.isoformat(), key
        alarm = event.subcomponents[0]
        assert other["alarms"] == [
            {
                "action": "DISPLAY",
                "description": str(alarm["DESCRIPTION"]),
                "trigger": int(alarm.decoded("TRIGGER").total_seconds()),
                "related": "START",
            }
        ], key
    assert "\\x1b" in theirs["task-3-due"]["summary"]


def test_out_writes_a_file_and_bad_zones_are_refused(cli: Cli, data: Path, tmp_path: Path) -> None:
    target = tmp_path / "cal" / "amtui.ics"
    target.parent.mkdir()
    result = cli("ics", "export", "--out", str(target))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Wrote 8 events to {target}\n"
    check_rfc5545(target.read_bytes())
    assert "unknown time zone 'Mars/Olympus'" in cli.fails(
        2, "ics", "export", "--zone", "Mars/Olympus"
    )
    assert "not both" in cli.fails(2, "ics", "export", "--zone", "UTC", "--utc")
    assert "directory" in cli.fails(2, "ics", "export", "--out", str(tmp_path))


def test_other_commands_load_neither_icalendar_nor_the_import_code() -> None:
    """Commands import lazily: `amtui agenda` pays nothing for the calendar, feed or imports."""
    import sys

    code = (
        "import sys; import amtui.cli.main; "
        "print([m for m in ('icalendar', 'http.server', 'amtui.io.ics', 'amtui.io.ics_feed', "
        "'amtui.core.archive', 'amtui.core.calendar', 'amtui.io.tool_csv', "
        "'amtui.io.taskwarrior', 'amtui.core.tool_import') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
