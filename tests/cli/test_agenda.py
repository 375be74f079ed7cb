"""`amtui agenda [--date] [--days] [--limit] [--format text|md|json]`.

NOW is Wednesday 2026-11-25 10:00 in Berlin (09:00Z). "Today" is the user's local day, so a
deadline at 00:30 Berlin on Thursday (23:30Z on Wednesday) is tomorrow, not today.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Cli, Target, build_template, documented_agenda, use_template


def refs(section: dict[str, Any]) -> list[str]:
    return [item["ref"] for item in section["items"]]


def build_day(cli: Cli) -> None:
    """A day with something in every section."""
    cli.ok("add", "Yesterday all day due:2026-11-24")  # T1 overdue
    cli.ok("add", "This morning due:today 09:30")  # T2 overdue (before now)
    cli.ok("add", "This afternoon due:today 15:00 client:Granel")  # T3 today
    cli.ok("add", "Today all day due:today")  # T4 today, after the timed ones
    cli.ok("add", "Late tonight due:today 23:30")  # T5 today (22:30Z)
    cli.ok("add", "Just after midnight due:2026-11-26 00:30")  # T6 upcoming (23:30Z on the 25th)
    cli.ok("add", "Next Tuesday due:2026-12-01")  # T7 upcoming
    cli.ok("add", "Far away due:2026-12-10")  # T8 beyond the 7 days
    cli.ok("add", "Done already due:2026-11-24")  # T9
    cli.ok("task", "done", "T9")
    cli.ok("add", "No due date")  # T10
    cli.ok("lead", "add", "Fresh lead", "--received", "today 09:50")  # L1 waiting, 5 min left
    cli.ok("lead", "add", "Late lead", "--received", "today 09:00", "--partner", "Pixel")  # L2
    cli.ok("remind", "add", "Missed call", "--at", "today 09:00", "--about", "L2")  # R1 overdue
    cli.ok("remind", "add", "Chase contract", "--at", "today 16:00", "--about", "T3")  # R2
    cli.ok("remind", "add", "Tomorrow's call", "--at", "tomorrow 10:00")  # R3 upcoming


@pytest.fixture(scope="module")
def day_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build_day)


@pytest.fixture
def day(cli: Cli, store: Target, day_template: Path) -> Cli:
    use_template(day_template, store)
    return cli


def test_sections_in_the_users_local_day(day: Cli) -> None:
    agenda = day.json("agenda")
    assert agenda["date"] == "2026-11-25"
    assert agenda["timezone"] == "Europe/Berlin"
    assert agenda["generated_at"] == "2026-11-25T10:00:00+01:00"
    assert agenda["days"] == 7
    assert refs(agenda["overdue"]) == ["T1", "R1", "T2"]  # all-day at the end of its day
    assert agenda["overdue"]["total"] == 3
    assert refs(agenda["today"]) == ["T3", "T5", "T4"]  # timed by time, then all-day
    assert refs(agenda["waiting_leads"]) == ["L2", "L1"]  # oldest first
    assert refs(agenda["reminders"]) == ["R2"]
    # The next days hold reminders too, in time order with the tasks.
    assert refs(agenda["upcoming"]) == ["T6", "R3", "T7"]
    late, fresh = agenda["waiting_leads"]["items"]
    assert late["overdue"] is True and fresh["overdue"] is False
    assert fresh["due"] == "2026-11-25T10:05:00+01:00"  # its respond-by time


def test_overdue_items_are_flagged(day: Cli) -> None:
    agenda = day.json("agenda")
    for item in agenda["overdue"]["items"]:
        assert item["overdue"] is True
    for name in ("today", "upcoming", "reminders"):
        for item in agenda[name]["items"]:
            assert item["overdue"] is False, item["ref"]


def test_json_matches_the_readme_key_by_key(day: Cli) -> None:
    doc = documented_agenda()
    agenda = day.json("agenda")
    assert list(agenda)[: len(doc["top"])] == doc["top"]
    for name in doc["sections"]:
        section = agenda[name]
        assert isinstance(section["total"], int)
        assert isinstance(section["items"], list)
        assert section["total"] >= len(section["items"])
    items = [item for name in doc["sections"] for item in agenda[name]["items"]]
    seen = set()
    for item in items:
        kind = item["type"]
        seen.add(kind)
        for key in doc["item"]:
            assert key in item, (item["ref"], key)
        if kind == "lead":
            for key in doc["lead_item"]:
                assert key in item, (item["ref"], key)
        record = item[kind]
        for key in doc["records"][kind]:
            assert key in record, (kind, key)
        assert record["ref"] == item["ref"]
        assert isinstance(item["all_day"], bool)
        assert isinstance(item["overdue"], bool)
    assert seen == {"task", "lead", "reminder"}

    [all_day] = [i for i in agenda["overdue"]["items"] if i["ref"] == "T1"]
    assert all_day["due"] == "2026-11-24"
    assert all_day["all_day"] is True
    [timed] = [i for i in agenda["today"]["items"] if i["ref"] == "T3"]
    assert timed["due"] == "2026-11-25T15:00:00+01:00"
    assert timed["all_day"] is False
    task = timed["task"]
    assert task["title"] == "This afternoon"
    assert task["client"] == {"ref": "C1", "name": "Granel"}
    assert task["tags"] == [] and task["subtasks"] == {"done": 0, "total": 0}
    lead = agenda["waiting_leads"]["items"][0]["lead"]
    assert lead["source"] == "partner" and lead["partner"] == "Pixel"
    assert lead["contact"] == {"name": None, "email": None, "phone": None}
    assert lead["brief"] == []
    assert lead["respond_by"] == "2026-11-25T09:15:00+01:00"
    reminder = agenda["reminders"]["items"][0]["reminder"]
    assert reminder["text"] == "Chase contract"
    assert reminder["about"] == {"ref": "T3", "title": "This afternoon"}
    assert reminder["due"] == reminder["original_due"] == "2026-11-25T16:00:00+01:00"
    assert reminder["snoozed_until"] is None and reminder["done_at"] is None


def test_limit_and_total(day: Cli) -> None:
    agenda = day.json("agenda", "--limit", "1")
    assert agenda["today"]["total"] == 3
    assert refs(agenda["today"]) == ["T3"]
    assert agenda["overdue"]["total"] == 3 and len(agenda["overdue"]["items"]) == 1
    text = day.ok("agenda", "--limit", "1")
    assert "… and 2 more (use --limit 0 to see all)" in text
    everything = day.json("agenda", "--limit", "0")
    assert len(everything["today"]["items"]) == 3


def test_days(day: Cli) -> None:
    assert refs(day.json("agenda", "--days", "1")["upcoming"]) == ["T6", "R3"]
    agenda = day.json("agenda", "--days", "30")
    assert agenda["days"] == 30
    assert refs(agenda["upcoming"]) == ["T6", "R3", "T7", "T8"]
    assert day.json("agenda", "--days", "0")["upcoming"]["items"] == []


def test_days_default_comes_from_the_config(cli: Cli, isolated: Path) -> None:
    config = isolated / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n[agenda]\ndays = 3\n', encoding="utf-8")
    assert cli.json("agenda")["days"] == 3


def test_date_option(day: Cli) -> None:
    tomorrow = day.json("agenda", "--date", "tomorrow")
    assert tomorrow["date"] == "2026-11-26"
    assert refs(tomorrow["today"]) == ["T6"]
    # Everything open and due before that day is overdue then.
    assert {"T1", "T2", "T3", "T4", "T5"} <= set(refs(tomorrow["overdue"]))
    assert day.json("agenda", "--date", "2026-12-01")["date"] == "2026-12-01"
    assert day.json("agenda", "--date", "+4h")["date"] == "2026-11-25"  # a time names its day
    assert day.json("agenda", "--date", "mon")["date"] == "2026-11-30"


def test_text_format(day: Cli) -> None:
    text = day.ok("agenda")
    lines = text.splitlines()
    assert lines[0] == "Agenda for Wed 25 Nov 2026 (Europe/Berlin)"
    assert "Overdue (3)" in lines
    assert "Today (3)" in lines
    assert "Waiting for a first response (2)" in lines
    assert "Next 7 days (3)" in lines
    [fresh] = [line for line in lines if line.lstrip().startswith("L1 ")]
    assert "05:00 left" in fresh and "Fresh lead" in fresh
    [late] = [line for line in lines if line.lstrip().startswith("L2 ")]
    assert "late 45m" in late and "partner Pixel" in late
    [timed] = [line for line in lines if line.lstrip().startswith("T3 ")]
    assert "today 15:00" in timed and "This afternoon · Granel" in timed


def test_markdown_format(day: Cli) -> None:
    md = day.ok("agenda", "--format", "md")
    lines = md.splitlines()
    assert lines[0] == "# Agenda for Wed 25 Nov 2026 (Europe/Berlin)"
    assert "## Overdue (3)" in lines
    assert "## Today (3)" in lines
    assert any(line.startswith("- **T3** today 15:00 — This afternoon") for line in lines)


def test_empty_day(cli: Cli) -> None:
    agenda = cli.json("agenda")
    for name in documented_agenda()["sections"]:
        assert agenda[name] == {"total": 0, "items": []}
    assert "  nothing" in cli.ok("agenda").splitlines()
    assert "- nothing" in cli.ok("agenda", "--format", "md").splitlines()


def test_format_is_case_insensitive_and_short_option(day: Cli) -> None:
    assert day.ok("agenda", "-f", "JSON").startswith("{")


@pytest.mark.parametrize("expression", ["frii", "31/02", "someday", "next"])
def test_bad_date(cli: Cli, expression: str) -> None:
    message = cli.fails(2, "agenda", "--date", expression)
    assert message.startswith(f"amtui: can't read {expression!r} as a date")
    assert "accepted:" in message


@pytest.mark.parametrize(
    "args", [["--days", "-1"], ["--limit", "-1"], ["--format", "xml"], ["--days", "x"]]
)
def test_bad_options(cli: Cli, args: list[str]) -> None:
    cli.fails(2, "agenda", *args)


def test_today_is_the_users_day_not_utcs(cli: Cli, isolated: Path) -> None:
    # 09:00Z on Wednesday is 23:00 on Tuesday in Honolulu.
    (isolated / "config.toml").write_text('timezone = "Pacific/Honolulu"\n', encoding="utf-8")
    cli.ok("add", "Tonight due:today 23:30")
    cli.ok("add", "Wednesday morning due:tomorrow 08:00")
    agenda = cli.json("agenda")
    assert agenda["date"] == "2026-11-24"
    assert agenda["timezone"] == "Pacific/Honolulu"
    assert agenda["generated_at"] == "2026-11-24T23:00:00-10:00"
    assert refs(agenda["today"]) == ["T1"]
    assert agenda["today"]["items"][0]["due"] == "2026-11-24T23:30:00-10:00"
    assert refs(agenda["upcoming"]) == ["T2"]
    assert cli.ok("agenda").splitlines()[0] == "Agenda for Tue 24 Nov 2026 (Pacific/Honolulu)"


def test_agenda_for_one_client(cli: Cli) -> None:
    cli.ok("add", "Ours due:today client:Granel")
    cli.ok("add", "Theirs due:today client:Other")
    data = cli.json("agenda", "--client", "granel")
    assert [item["task"]["title"] for item in data["today"]["items"]] == ["Ours"]
    assert "no client named 'Nobody'" in cli.fails(1, "agenda", "--client", "Nobody")
