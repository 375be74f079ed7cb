"""`amtui remind add|list|done` (and `snooze`, `due` from the lead workflow).

NOW is Wednesday 2026-11-25 10:00 in Berlin; the working day starts at 09:00.
"""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Cli, Target, count, documented_agenda


def reminder(cli: Cli, ref: str = "R1") -> dict:  # type: ignore[type-arg]
    return cli.json("show", ref)


def test_add_about_a_lead(cli: Cli) -> None:
    cli.ok("lead", "add", "Website")
    out = cli.ok(
        "remind", "add", "Call Anna", "--at", "tomorrow 10:00", "--about", "L1", "--kind", "call"
    )
    assert out == "Added R1: Call Anna about L1 · tomorrow 10:00\n"
    data = reminder(cli)
    documented = documented_agenda()["records"]["reminder"]
    assert [key for key in data if key in documented] == documented
    assert data["text"] == "Call Anna"
    assert data["kind"] == "call"
    assert data["step"] is None
    assert data["due"] == data["original_due"] == "2026-11-26T10:00:00+01:00"
    assert data["snoozed_until"] is None
    assert data["about"] == {"ref": "L1", "title": "Website"}
    assert data["done_at"] is None and data["notified_at"] is None
    # The lead's timeline mentions it.
    assert any("R1" in a["text"] for a in cli.json("lead", "show", "L1")["timeline"])


def test_a_date_alone_means_the_start_of_the_working_day(cli: Cli) -> None:
    cli.ok("remind", "add", "Invoice", "--at", "2026-12-01", "--kind", "payment")
    assert reminder(cli)["due"] == "2026-12-01T09:00:00+01:00"
    assert reminder(cli)["about"] is None


def test_client_in_at_means_the_clients_zone(cli: Cli) -> None:
    cli.ok("client", "add", "Blue Harbor", "--tz", "America/New_York")
    cli.ok("add", "Workshop client:C1")
    cli.ok("remind", "add", "Call", "--at", "tomorrow 10:00 client", "--about", "C1")
    cli.ok("remind", "add", "Ping", "--at", "tomorrow 10:00 client", "--about", "T1")
    # 10:00 in New York is 16:00 in Berlin.
    assert reminder(cli, "R1")["due"] == "2026-11-26T16:00:00+01:00"
    assert reminder(cli, "R2")["due"] == "2026-11-26T16:00:00+01:00"
    assert reminder(cli, "R2")["about"] == {"ref": "T1", "title": "Workshop"}
    assert reminder(cli, "R1")["about"] == {"ref": "C1", "title": "Blue Harbor"}


def test_list_in_due_order_with_filters(cli: Cli) -> None:
    cli.ok("lead", "add", "Website")
    cli.ok("remind", "add", "Later", "--at", "fri 10:00", "--about", "L1")
    cli.ok("remind", "add", "Sooner", "--at", "today 11:00")
    cli.ok("remind", "add", "Missed", "--at", "yesterday 16:00", "--about", "L1")
    assert [r["ref"] for r in cli.json("remind", "list")] == ["R3", "R2", "R1"]
    assert [r["ref"] for r in cli.json("remind", "list", "--about", "L1")] == ["R3", "R1"]
    assert [r["ref"] for r in cli.json("remind", "list", "--limit", "1")] == ["R3"]
    text = cli.ok("remind", "list").splitlines()
    assert text[0].split() == ["REF", "DUE", "KIND", "TEXT", "ABOUT"]
    assert text[1].startswith("R3   yesterday 16:00  custom")
    assert "L1 Website" in text[1]
    md = cli.ok("remind", "list", "--format", "md").splitlines()
    assert md[0] == "| REF | DUE | KIND | TEXT | ABOUT |  |"
    assert md[2] == "| R3 | yesterday 16:00 | custom | Missed | L1 Website |  |"


def test_done(cli: Cli) -> None:
    cli.ok("remind", "add", "One", "--at", "today 11:00")
    cli.ok("remind", "add", "Two", "--at", "today 12:00")
    assert cli.ok("remind", "done", "R1", "2").splitlines() == ["Done R1: One", "Done R2: Two"]
    assert cli.json("remind", "list") == []
    done = cli.json("remind", "list", "--all")
    assert [r["done_at"] for r in done] == ["2026-11-25T10:00:00+01:00"] * 2
    assert "done" in cli.ok("remind", "list", "--all").splitlines()[1]
    assert cli.fails(2, "remind", "done", "R1") == "amtui: R1 is already done"
    assert cli.fails(1, "remind", "done", "R9") == "amtui: no reminder R9"
    assert "a reminder is needed" in cli.fails(2, "remind", "done", "T1")


def test_show_text(cli: Cli) -> None:
    cli.ok("remind", "add", "Invoice", "--at", "2026-12-01 15:00", "--kind", "payment")
    text = cli.ok("show", "R1")
    assert text.splitlines()[0] == "R1  Invoice"
    assert "Tue 15:00" in text and "payment" in text


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--at", "frii"], 2, "can't read 'frii' as a date"),
        (["--at", "tomorrow", "--kind", "follow-up"], 2, "unknown reminder kind"),
        (["--at", "tomorrow", "--about", "X1"], 2, "not a reference"),
        (["--at", "tomorrow", "--about", "7"], 2, "ambiguous"),
        (["--at", "tomorrow", "--about", "L9"], 1, "no lead L9"),
        (["--at", "tomorrow 10:00 client", "--about", "L1"], 2, "can't read"),
    ],
)
def test_add_errors_write_nothing(
    cli: Cli, store: Target, args: list[str], code: int, needle: str
) -> None:
    cli.ok("lead", "add", "Website")  # no client, so no client zone
    assert needle in cli.fails(code, "remind", "add", "Call", *args)
    assert count(store, "reminder") == 0


def test_add_needs_at(cli: Cli) -> None:
    assert "--at" in cli.fails(2, "remind", "add", "Call")


def test_list_about_must_be_a_lead_client_or_task(cli: Cli) -> None:
    assert "lead, client or task" in cli.fails(2, "remind", "list", "--about", "R1")


def test_snooze(cli: Cli) -> None:
    cli.ok("remind", "add", "Call", "--at", "today 11:00")
    # Not due yet: an offset counts from when it is due, so a snooze never brings it forward.
    assert cli.ok("remind", "snooze", "R1", "+2h").startswith("Snoozed R1 until today 13:00")
    data = reminder(cli)
    assert data["due"] == data["snoozed_until"] == "2026-11-25T13:00:00+01:00"
    assert data["original_due"] == "2026-11-25T11:00:00+01:00"
    assert "before it is due" in cli.fails(2, "remind", "snooze", "R1", "today 12:00")
    cli.ok("remind", "add", "Overdue call", "--at", "today 09:00")
    assert cli.ok("remind", "snooze", "R2", "+2h").startswith("Snoozed R2 until today 12:00")
    cli.fails(2, "remind", "snooze", "R1", "frii")
    cli.fails(1, "remind", "snooze", "R9", "+1h")


def test_due_reports_each_item_once(cli: Cli) -> None:
    cli.ok("remind", "add", "Call now", "--at", "today 09:30")
    cli.ok("remind", "add", "Call later", "--at", "tomorrow 09:30")
    first = cli("remind", "due", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert [item["ref"] for item in json.loads(first.stdout)] == ["R1"]
    again = cli("remind", "due")
    assert again.exit_code == 1  # nothing new: made for cron
    assert again.stdout == ""


def test_edit_and_remove(cli: Cli) -> None:
    cli.ok("remind", "add", "Call Anna", "--at", "tomorrow 10:00")
    assert cli.ok("remind", "edit", "R1", "--at", "fri 9:30") == "R1: Call Anna · Fri 09:30\n"
    assert reminder(cli)["due"] == "2026-11-27T09:30:00+01:00"
    assert "nothing to change" in cli.fails(2, "remind", "edit", "R1")
    assert "--yes" in cli.fails(2, "remind", "rm", "R1")  # not on a terminal: must say --yes
    assert cli.ok("remind", "rm", "R1", "--yes") == "Deleted R1: Call Anna\n"
    assert "no reminder R1" in cli.fails(1, "show", "R1")
