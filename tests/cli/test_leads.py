"""`amtui lead add|list|show|edit|rm`: the lead inbox from the shell.

NOW is Wednesday 2026-11-25 10:00 in Berlin; a lead's first response is due 15 minutes after it
was received.
"""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli, Target, count, documented_agenda

#: The lead record as the README documents it (fields are only ever added).
LEAD_KEYS = documented_agenda()["records"]["lead"]


def lead(cli: Cli, ref: str = "L1") -> dict:  # type: ignore[type-arg]
    return cli.json("lead", "show", ref)


def test_add_from_a_partner(cli: Cli) -> None:
    title = "SEO audit for a hotel chain"
    out = cli.ok("lead", "add", title, "--partner", "Pixel Partners", "--channel", "email")
    assert out == (
        "Added L1: SEO audit for a hotel chain · email from partner Pixel Partners · "
        "first response due today 10:15\n"
    )
    data = lead(cli)
    assert data["source"] == "partner"
    assert data["partner"] == "Pixel Partners"
    assert data["channel"] == "email"
    assert data["stage"] == "new"
    assert data["received_at"] == "2026-11-25T10:00:00+01:00"
    assert data["respond_by"] == "2026-11-25T10:15:00+01:00"
    assert data["first_response_at"] is None
    assert data["client"] is None


def test_add_every_option(cli: Cli) -> None:
    out = cli.ok(
        "lead",
        "add",
        "Website for a residential complex",
        "--channel",
        "web-brief",
        "--contact",
        "Игорь Смирнов",
        "--email",
        "igor@granel-dev.example",
        "--phone",
        "+7 343 000",
        "--client",
        "Гранель Девелопмент",
        "--value",
        "18k",
        "--currency",
        "eur",
        "--received",
        "today 09:50",
        "--tz",
        "Asia/Yekaterinburg",
        "--brief",
        "Goal=Sell 120 flats",
        "--brief",
        "Budget = 15–20k EUR",
        "--external-id",
        "<msg-1@example>",
        "--notes",
        "Call after lunch",
    )
    assert "first response due today 10:05" in out
    assert "New client Гранель Девелопмент (C1) was created." in out
    data = lead(cli)
    assert data["client"] == {"ref": "C1", "name": "Гранель Девелопмент"}
    assert data["contact"] == {
        "name": "Игорь Смирнов",
        "email": "igor@granel-dev.example",
        "phone": "+7 343 000",
    }
    assert data["value"] == 18000
    assert data["currency"] == "EUR"
    assert data["timezone"] == "Asia/Yekaterinburg"
    assert data["received_at"] == "2026-11-25T09:50:00+01:00"
    assert data["respond_by"] == "2026-11-25T10:05:00+01:00"
    assert data["brief"] == [
        {"q": "Goal", "a": "Sell 120 flats"},
        {"q": "Budget", "a": "15–20k EUR"},
    ]
    assert data["external_id"] == "<msg-1@example>"
    assert data["notes"] == "Call after lunch"


def test_add_quiet(cli: Cli) -> None:
    assert cli.ok("lead", "add", "Quiet", "-q", "--client", "New") == "L1\n"


def test_duplicate_external_id_is_nothing_to_do(cli: Cli, store: Target) -> None:
    cli.ok("lead", "add", "First", "--external-id", "m1")
    message = cli.fails(1, "lead", "add", "Again", "--external-id", "m1", "--client", "Fresh")
    assert "exists already: L1" in message
    assert count(store, "lead") == 1
    assert count(store, "client") == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--channel", "pigeon"], "unknown channel"),
        (["--source", "partner"], "partner's name"),
        (["--source", "nobody"], "unknown source"),
        (["--received", "tomorrow"], "future"),
        (["--received", "frii"], "can't read 'frii' as a date"),
        (["--value", "lots"], "not an amount"),
        (["--currency", "euro"], "currency code"),
        (["--email", "nope"], "not an email address"),
        (["--tz", "Mars/Base"], "time zone"),
        (["--brief", "no equals sign"], "Question=answer"),
    ],
)
def test_add_bad_input_writes_nothing(
    cli: Cli, store: Target, args: list[str], needle: str
) -> None:
    message = cli.fails(2, "lead", "add", "Website", "--client", "Fresh", *args)
    assert needle in message
    assert cli.json("lead", "list", "--all") == []
    assert cli.json("client", "list", "--all") == []
    assert count(store, "activity") == 0


def test_add_title_must_be_one_line(cli: Cli) -> None:
    assert "one line" in cli.fails(2, "lead", "add", "Two\nlines")
    assert "empty" in cli.fails(2, "lead", "add", "  ")


def test_list_waiting_oldest_first_and_filters(cli: Cli) -> None:
    cli.ok("lead", "add", "Newest", "--received", "today 09:58", "--channel", "phone")
    cli.ok("lead", "add", "Oldest", "--received", "today 09:00", "--partner", "Studio North")
    cli.ok("lead", "add", "Middle", "--received", "today 09:30", "--client", "Granel")
    titles = [row["title"] for row in cli.json("lead", "list", "--waiting")]
    assert titles == ["Oldest", "Middle", "Newest"]
    assert [r["title"] for r in cli.json("lead", "list", "--source", "partner")] == ["Oldest"]
    assert [r["title"] for r in cli.json("lead", "list", "--channel", "phone")] == ["Newest"]
    assert [r["title"] for r in cli.json("lead", "list", "--client", "GRANEL")] == ["Middle"]
    assert [r["title"] for r in cli.json("lead", "list", "--stage", "new")] == titles
    assert cli.json("lead", "list", "--stage", "won") == []
    assert len(cli.json("lead", "list", "--limit", "2")) == 2
    assert "unknown stage" in cli.fails(2, "lead", "list", "--stage", "bogus")
    assert "no client" in cli.fails(1, "lead", "list", "--client", "Nobody")


def test_list_text_shows_the_response_clock(cli: Cli) -> None:
    cli.ok("lead", "add", "Late one", "--received", "today 09:00")
    cli.ok("lead", "add", "Fresh one", "--received", "today 09:55")
    lines = cli.ok("lead", "list").splitlines()
    assert lines[0].split() == [
        "REF", "STAGE", "TITLE", "FROM", "CHANNEL", "CLIENT", "VALUE", "AGE", "NEXT", "DEADLINE",
    ]  # fmt: skip
    assert lines[1].startswith("L1") and lines[1].endswith("respond late 45m")
    assert lines[2].startswith("L2") and lines[2].endswith("respond 10:00 left")
    md = cli.ok("lead", "list", "--format", "md").splitlines()
    assert (
        md[0] == "| REF | STAGE | TITLE | FROM | CHANNEL | CLIENT | VALUE | AGE | NEXT DEADLINE |"
    )
    assert md[2].startswith("| L1 | new | Late one | client | email |")


def test_json_lead_shape(cli: Cli) -> None:
    cli.ok("lead", "add", "Website", "--value", "1250.50", "--currency", "USD")
    [row] = cli.json("lead", "list")
    assert [key for key in row if key in LEAD_KEYS] == LEAD_KEYS
    assert row["value"] == 1250.5
    assert row["created_at"] == row["updated_at"] == "2026-11-25T10:00:00+01:00"
    assert row["contact"] == {"name": None, "email": None, "phone": None}


def test_show_text_md_json(cli: Cli) -> None:
    cli.ok(
        "lead", "add", "Website", "--client", "Granel", "--value", "15k", "--currency", "EUR",
        "--tz", "America/New_York", "--brief", "Budget=15k", "--external-id", "m1",
    )  # fmt: skip
    cli.ok("add", "Estimate lead:L1")
    cli.ok("remind", "add", "Call back", "--at", "tomorrow 10:00", "--about", "L1")
    text = cli.ok("lead", "show", "L1")
    assert text.splitlines()[0] == "L1  Website"
    for expected in (
        "15 000 EUR",
        "waiting; due today 10:15",
        "America/New_York, now Wed 04:00 (UTC-05:00)",
        "Granel (C1)",
        "Brief",
        "Budget",
        "Tasks",
        "T1",
        "Reminders",
        "Call back",
        "Timeline",
    ):
        assert expected in text, expected
    assert cli.ok("lead", "show", "1") == text
    assert "## L1  Website" in cli.ok("lead", "show", "L1", "--format", "md")
    data = lead(cli)
    assert [key for key in data if key in LEAD_KEYS] == LEAD_KEYS
    assert data["tasks"] == ["T1"]
    assert [r["text"] for r in data["reminders"]] == ["Call back"]
    assert data["timeline"][0] == {
        "kind": "created",
        "text": "via email",
        "summary": "via email",
        "occurred_at": "2026-11-25T10:00:00+01:00",
        "data": None,
        "by": None,  # who made it: a member's handle on a team database
    }


def test_edit(cli: Cli) -> None:
    cli.ok("lead", "add", "Website", "--client", "Granel", "--value", "10k")
    out = cli.ok(
        "lead", "edit", "L1", "--title", "Website v2", "--value", "15k", "--currency", "usd",
        "--tz", "America/New_York", "--partner", "Studio North", "--channel", "phone",
        "--contact", "Anna", "--email", "anna@example.com", "--phone", "123",
        "--received", "today 09:00", "--brief", "Deadline=March", "--notes", "n",
    )  # fmt: skip
    assert out.startswith("Updated L1: ")
    data = lead(cli)
    assert data["title"] == "Website v2"
    assert data["value"] == 15000 and data["currency"] == "USD"
    assert data["timezone"] == "America/New_York"
    assert data["source"] == "partner" and data["partner"] == "Studio North"
    assert data["channel"] == "phone"
    assert data["contact"] == {"name": "Anna", "email": "anna@example.com", "phone": "123"}
    assert data["received_at"] == "2026-11-25T09:00:00+01:00"
    assert data["brief"] == [{"q": "Deadline", "a": "March"}]
    assert data["notes"] == "n"
    assert data["timeline"][-1]["kind"] == "edited"
    cli.ok("lead", "edit", "1", "--client", "none", "--value", "none", "--tz", "none")
    data = lead(cli)
    assert data["client"] is None and data["value"] is None and data["timezone"] is None
    out = cli.ok("lead", "edit", "L1", "--client", "Fresh")
    assert "New client Fresh (C2) was created." in out
    assert cli.ok("lead", "edit", "L1", "--title", "Website v2") == (
        "L1 already looked like that; nothing changed\n"
    )


def test_edit_errors(cli: Cli, store: Target) -> None:
    cli.ok("lead", "add", "Website")
    assert "nothing to change" in cli.fails(2, "lead", "edit", "L1")
    assert "unknown channel" in cli.fails(2, "lead", "edit", "L1", "--channel", "fax")
    assert cli.fails(1, "lead", "edit", "L9", "--title", "x") == "amtui: no lead L9"
    assert "a lead is needed" in cli.fails(2, "lead", "edit", "T1", "--title", "x")
    # A bad value next to a new client name: nothing is written, not even the client.
    cli.fails(2, "lead", "edit", "L1", "--client", "Fresh", "--received", "frii")
    assert count(store, "client") == 0


def test_rm_keeps_tasks_unlinked(cli: Cli, store: Target) -> None:
    cli.ok("lead", "add", "Website")
    cli.ok("add", "Estimate lead:L1")
    cli.ok("remind", "add", "Call", "--at", "tomorrow", "--about", "L1")
    assert cli.ok("lead", "rm", "L1", "--yes") == "Deleted L1: Website\n"
    assert cli.json("lead", "list", "--all") == []
    assert cli.json("task", "show", "T1")["lead"] is None
    assert count(store, "reminder") == 0
    assert cli.fails(1, "lead", "rm", "L1", "--yes") == "amtui: no lead L1"


def test_rm_without_yes_off_a_terminal_refuses(cli: Cli, store: Target) -> None:
    cli.ok("lead", "add", "Website")
    assert "--yes" in cli.fails(2, "lead", "rm", "L1", input="y\n")
    assert count(store, "lead") == 1


@pytest.mark.parametrize("args", [["show", "T1"], ["rm", "C1", "--yes"], ["show", "R1"]])
def test_lead_commands_refuse_other_kinds(cli: Cli, args: list[str]) -> None:
    assert "a lead is needed here" in cli.fails(2, "lead", *args)
