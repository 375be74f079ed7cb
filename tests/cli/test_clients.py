"""`amtui client add|list|show|edit`: accounts with time zone, owner, KAM scores and stage."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli, Target, count


def client(cli: Cli, ref: str = "C1") -> dict:  # type: ignore[type-arg]
    return cli.json("client", "show", ref)


def test_add_and_show(cli: Cli) -> None:
    cli.ok("member", "add", "maria", "Maria Ivanova")
    out = cli.ok(
        "client", "add", "Гранель", "--tz", "Europe/Moscow", "--owner", "Maria Ivanova",
        "--attractiveness", "5", "--relationship", "4", "--stage", "strategic", "--notes", "VIP",
    )  # fmt: skip
    assert out == "Added C1: Гранель\n"
    data = client(cli)
    assert data["ref"] == "C1"
    assert data["name"] == "Гранель"
    assert data["timezone"] == "Europe/Moscow"
    assert data["owner"] == "maria"  # a member, by handle
    assert data["kam"] == {"attractiveness": 5, "relationship": 4, "quadrant": "Strategic"}
    assert data["relationship_stage"] == "strategic"
    assert data["notes"] == "VIP"
    assert data["archived"] is False
    assert data["created_at"] == "2026-11-25T10:00:00+01:00"
    assert data["contacts"] == [] and data["open_tasks"] == [] and data["open_leads"] == []
    assert [a["kind"] for a in data["timeline"]] == ["created"]


@pytest.mark.parametrize(
    ("attractiveness", "relationship", "quadrant"),
    [("5", "5", "Strategic"), ("4", "2", "Star"), ("2", "4", "Status"), ("1", "1", "Streamline")],
)
def test_kam_quadrant(cli: Cli, attractiveness: str, relationship: str, quadrant: str) -> None:
    cli.ok("client", "add", "X", "--attractiveness", attractiveness, "--relationship", relationship)
    assert client(cli)["kam"]["quadrant"] == quadrant
    assert quadrant in cli.ok("client", "list")


def test_show_by_name_in_any_case_and_script(cli: Cli) -> None:
    cli.ok("client", "add", "Гранель Девелопмент", "--tz", "Asia/Yekaterinburg")
    cli.ok("contact", "add", "C1", "Игорь Смирнов", "--role", "Head of sales")
    cli.ok("lead", "add", "Website", "--client", "C1")
    cli.ok("add", "Estimate client:C1 due:2026-11-27")
    text = cli.ok("client", "show", "гранель девелопмент")
    assert text.splitlines()[0] == "C1  Гранель Девелопмент"
    assert "Asia/Yekaterinburg, now Wed 14:00 (UTC+05:00)" in text
    for heading in ("Contacts", "Open leads", "Open tasks", "Timeline"):
        assert heading in text.splitlines()
    assert "Игорь Смирнов" in text and "Estimate" in text and "Website" in text
    data = client(cli, "ГРАНЕЛЬ ДЕВЕЛОПМЕНТ")
    assert data["open_tasks"] == ["T1"]
    assert data["open_leads"] == ["L1"]
    assert data["contacts"][0]["name"] == "Игорь Смирнов"
    assert cli.ok("show", "C1") == text
    md = cli.ok("client", "show", "C1", "--format", "md")
    assert "## C1  Гранель Девелопмент" in md and "| FIELD | VALUE |" in md


def test_list_with_counts_text_md_json(cli: Cli) -> None:
    cli.ok("member", "add", "tom", "Tom Walker")
    cli.ok("client", "add", "Kettle & Co", "--tz", "Europe/London", "--owner", "Tom")
    cli.ok("client", "add", "Blue Harbor")
    cli.ok("add", 'One client:"Kettle & Co"')
    cli.ok("add", 'Two client:"kettle & co" col:done')
    cli.ok("add", "Sub parent:T1")  # subtasks are not counted
    cli.ok("lead", "add", "Lead", "--client", "C1")
    rows = cli.json("client", "list")
    assert [r["name"] for r in rows] == ["Blue Harbor", "Kettle & Co"]  # by name
    kettle = rows[1]
    assert kettle["open_tasks"] == 1 and kettle["open_leads"] == 1
    text = cli.ok("client", "list").splitlines()
    assert text[0].split() == ["REF", "NAME", "TZ", "OWNER", "KAM", "STAGE", "TASKS", "LEADS"]
    assert text[2].startswith("C1   Kettle & Co  Europe/London  tom")
    md = cli.ok("client", "list", "--format", "md").splitlines()
    assert md[0] == "| REF | NAME | TZ | OWNER | KAM | STAGE | TASKS | LEADS |"
    assert md[3] == "| C1 | Kettle & Co | Europe/London | tom |  | tactical | 1 | 1 |"


def test_edit(cli: Cli) -> None:
    cli.ok("member", "add", "maria", "Maria Ivanova")
    cli.ok("client", "add", "Granel", "--owner", "maria", "--tz", "Europe/Moscow")
    out = cli.ok(
        "client", "edit", "granel", "--name", "Granel Group", "--tz", "Asia/Tokyo",
        "--owner", "none", "--attractiveness", "4", "--relationship", "1",
        "--stage", "Operational", "--notes", "n",
    )  # fmt: skip
    assert out == "Updated C1: Granel Group\n"
    data = client(cli)
    assert data["name"] == "Granel Group"
    assert data["timezone"] == "Asia/Tokyo"
    assert data["owner"] is None
    assert data["kam"] == {"attractiveness": 4, "relationship": 1, "quadrant": "Star"}
    assert data["relationship_stage"] == "operational"
    assert data["notes"] == "n"
    assert data["timeline"][-1]["kind"] == "edited"
    cli.ok("client", "edit", "C1", "--tz", "none")
    assert client(cli)["timezone"] is None


def test_archive_hides_from_the_list(cli: Cli) -> None:
    cli.ok("client", "add", "Old")
    cli.ok("client", "add", "New")
    cli.ok("client", "edit", "Old", "--archive")
    assert [r["name"] for r in cli.json("client", "list")] == ["New"]
    assert [r["name"] for r in cli.json("client", "list", "--all")] == ["New", "Old"]
    assert client(cli)["archived"] is True
    cli.ok("client", "edit", "C1", "--unarchive")
    assert len(cli.json("client", "list")) == 2


def test_add_errors_write_nothing(cli: Cli, store: Target) -> None:
    cli.ok("client", "add", "Гранель")
    assert "exists already as C1" in cli.fails(2, "client", "add", "гРАНЕЛЬ")
    assert "time zone" in cli.fails(2, "client", "add", "X", "--tz", "Mars/Base")
    assert "1 to 5" in cli.fails(2, "client", "add", "X", "--attractiveness", "9")
    assert "1 to 5" in cli.fails(2, "client", "add", "X", "--relationship", "0")
    assert "relationship stage" in cli.fails(2, "client", "add", "X", "--stage", "friends")
    assert "empty" in cli.fails(2, "client", "add", " ")
    assert "one line" in cli.fails(2, "client", "add", "Two\nlines")
    assert count(store, "client") == 1


def test_edit_errors(cli: Cli) -> None:
    cli.ok("client", "add", "Granel")
    cli.ok("client", "add", "Kettle")
    assert "nothing to change" in cli.fails(2, "client", "edit", "C1")
    assert "another client is called 'Kettle'" in cli.fails(
        2, "client", "edit", "C1", "--name", "KETTLE"
    )
    assert cli.fails(1, "client", "edit", "C9", "--owner", "x") == "amtui: no client C9"
    assert "no client named 'Nobody'" in cli.fails(1, "client", "edit", "Nobody", "--owner", "x")
    assert cli.fails(1, "client", "show", "C9") == "amtui: no client C9"
