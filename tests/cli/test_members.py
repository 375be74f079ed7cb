"""`amtui member …`, `--owner` on the lists, the agenda and `remind due`, and lead take/assign."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, query


@pytest.fixture
def team(cli: Cli, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Anna (me) and Ben; L1 nobody's, L2 Anna's, L3 Ben's; T1 Anna's, T2 Ben's."""
    cli.ok("member", "add", "anna", "Anna Berg", "--email", "anna@agency.example")
    cli.ok("member", "add", "ben", "Ben Ode", "--tz", "America/New_York")
    monkeypatch.setenv("AMTUI_ME", "anna")
    cli.ok("lead", "add", "Nobody's", "--received", "today 09:30")
    cli.ok("lead", "add", "Anna's", "--owner", "me", "--received", "today 09:40")
    cli.ok("lead", "add", "Ben's", "--owner", "ben", "--received", "today 09:50")
    cli.ok("add", "Anna's card due:today 17:00")
    monkeypatch.setenv("AMTUI_ME", "ben")
    cli.ok("add", "Ben's card due:today 17:00")
    monkeypatch.setenv("AMTUI_ME", "anna")
    return cli


def test_member_add_and_list(team: Cli) -> None:
    members = team.json("member", "list")
    assert [(m["handle"], m["me"], m["open_leads"], m["open_tasks"]) for m in members] == [
        ("anna", True, 1, 1),
        ("ben", False, 1, 1),
    ]
    assert members[1]["timezone"] == "America/New_York"
    assert "anna (me)" in team.ok("member", "list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("anna", "Anna Again"), "exists already"),
        (("me", "Me"), "--owner reads itself"),
        (("Bad Handle", "X"), "not a member handle"),
        (("carl", "Carl", "--email", "nope"), "email"),
        (("carl", "Carl", "--tz", "Nowhere/Land"), "zone"),
    ],
)
def test_member_add_bad_input(
    team: Cli, store: Target, args: tuple[str, ...], message: str
) -> None:
    assert message in team.fails(2, "member", "add", *args)
    assert query(store, "SELECT count(*) FROM member") == [(2,)]


def test_lists_show_mine_by_default_and_take_owner(team: Cli) -> None:
    def leads(*args: str) -> list[str]:
        return [row["title"] for row in team.json("lead", "list", *args)]

    assert leads() == ["Nobody's", "Anna's"]
    assert leads("--owner", "ben") == ["Nobody's", "Ben's"]
    assert leads("--owner", "all") == ["Nobody's", "Anna's", "Ben's"]
    assert leads("--owner", "none") == ["Nobody's"]
    assert [row["owner"] for row in team.json("lead", "list", "--owner", "all")] == [
        None,
        "anna",
        "ben",
    ]
    assert [row["title"] for row in team.json("task", "list")] == ["Anna's card"]
    assert [row["owner"] for row in team.json("task", "list", "--owner", "ben")] == ["ben"]
    assert "OWNER" in team.ok("lead", "list")


def test_agenda_and_remind_due_are_per_member(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    agenda = team.json("agenda")
    assert agenda["owner"] == "anna"
    assert [item["ref"] for item in agenda["today"]["items"]] == ["T1"]
    assert {item["ref"] for item in agenda["waiting_leads"]["items"]} == {"L1", "L2"}
    assert "· ben" in team.ok("agenda", "--owner", "ben").splitlines()[0]
    monkeypatch.setenv("AMTUI_ME", "ben")
    due = team.json("remind", "due")
    assert sorted(item["ref"] for item in due) == ["L1", "L3"]
    assert team("remind", "due").exit_code == 1  # told once
    # Anna's cron runs after Ben's: the lead nobody owns is reported to her too (per member).
    monkeypatch.setenv("AMTUI_ME", "anna")
    assert sorted(item["ref"] for item in team.json("remind", "due")) == ["L1", "L2"]
    # Looking at Ben's deadlines tells Anna, once, of what she has not been told yet.
    assert [item["ref"] for item in team.json("remind", "due", "--owner", "all")] == ["L3"]
    assert team("remind", "due", "--owner", "all").exit_code == 1


def test_owner_bad_input(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "no member 'zoe'" in team.fails(1, "lead", "list", "--owner", "zoe")
    monkeypatch.setenv("AMTUI_ME", "zoe")
    assert "'zoe' is not a member" in team.fails(2, "agenda")
    monkeypatch.setenv("AMTUI_ME", "Not A Handle")
    assert "AMTUI_ME" in team.fails(2, "task", "list")
    monkeypatch.delenv("AMTUI_ME")
    assert "who you are is not set" in team.fails(2, "lead", "take", "L1")


def test_take_and_assign_leave_one_entry_each(team: Cli, store: Target) -> None:
    assert team.ok("lead", "take", "L1") == "L1 is yours now: Nobody's\n"
    message = team.fails(1, "lead", "take", "L3")
    assert "L3 belongs to Ben Ode (ben) already" in message
    assert "yours already" in team.fails(1, "lead", "take", "L1")
    assert "a lead is needed" in team.fails(2, "lead", "take", "T1")
    out = team.ok("lead", "assign", "L1", "ben")
    assert out == "L1 is ben's now (was anna): Nobody's\n"
    timeline = team.json("lead", "show", "L1")["timeline"]
    assert [(e["text"], e["summary"], e["by"]) for e in timeline if e["kind"] == "assigned"] == [
        ("taken by anna", "taken by anna · by anna", "anna"),
        ("assigned to ben (was anna)", "assigned to ben (was anna) · by anna", "anna"),
    ]
    assert timeline[0]["kind"] == "created" and timeline[0]["by"] == "anna"  # who made it
    assert "owner" in team.ok("lead", "show", "L1")
    assert team.ok("task", "assign", "T1", "ben").startswith("T1 is ben's now (was anna)")
    assert query(store, "SELECT count(*) FROM activity WHERE kind = 'assigned'") == [(3,)]


def test_handover(team: Cli) -> None:
    out = team.ok("member", "handover", "ben", "--to", "me")
    assert "L3" in out and "T2" in out and out.endswith("Handed 2 open records to anna\n")
    assert "nothing to hand over" in team("member", "handover", "ben", "--to", "anna").stdout
    assert team("member", "handover", "ben", "--to", "anna").exit_code == 1


def test_the_demo_has_two_members_and_one_lead_for_triage(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = str(tmp_path / "demo.db")
    assert "AMTUI_ME=maria" in cli.ok("demo", "--path", demo)
    members = cli.json("--db", demo, "member", "list")
    assert [(m["handle"], m["open_leads"] > 0, m["open_tasks"] > 0) for m in members] == [
        ("maria", True, True),
        ("tom", True, True),
    ]
    nobodys = cli.json("--db", demo, "lead", "list", "--owner", "none")
    assert [lead["title"] for lead in nobodys] == ["SEO audit for a hotel chain"]
    monkeypatch.setenv("AMTUI_ME", "tom")
    toms = cli.json("--db", demo, "agenda", "--limit", "0")
    monkeypatch.setenv("AMTUI_ME", "maria")
    marias = cli.json("--db", demo, "agenda", "--limit", "0")

    def agenda_refs(agenda: dict[str, object]) -> set[str]:
        sections = [part for part in agenda.values() if isinstance(part, dict)]
        return {item["ref"] for part in sections for item in part["items"]}

    refs = {"tom": agenda_refs(toms), "maria": agenda_refs(marias)}
    assert refs["tom"] and refs["maria"] and refs["tom"] != refs["maria"]
    assert nobodys[0]["ref"] in refs["tom"] & refs["maria"]  # the unassigned lead: both see it
    workshop = cli.json("--db", demo, "lead", "show", "L6")
    assert workshop["owner"] == "tom"
    assert [e["text"] for e in workshop["timeline"] if e["kind"] == "assigned"] == [
        "assigned to tom (was maria) by maria"
    ]


def test_a_take_can_be_undone(team: Cli) -> None:
    team.ok("lead", "take", "L1")
    assert "L1" in team.ok("undo")
    assert [row["owner"] for row in team.json("lead", "list", "--owner", "none")] == [None]


def test_owner_on_followups_pipeline_search_and_ics(team: Cli, tmp_path: Path) -> None:
    def refs(*args: str, key: str = "ref") -> list[str]:
        return sorted(row[key] for row in team.json(*args))

    assert refs("followups", "--all", key="lead") == ["L1", "L2"]
    assert refs("followups", "--all", "--owner", "ben", key="lead") == ["L1", "L3"]
    assert refs("followups", "--all", "--owner", "all", key="lead") == ["L1", "L2", "L3"]
    pipeline = team.json("pipeline", "--owner", "none")
    assert [lead["ref"] for stage in pipeline["stages"] for lead in stage["leads"]] == ["L1"]
    assert refs("search", "card") == ["T1", "T2"]  # search is everyone's unless narrowed
    assert refs("search", "card", "--owner", "me") == ["T1"]
    ics = tmp_path / "mine.ics"
    team.ok("ics", "export", "--owner", "ben", "--out", str(ics))
    text = ics.read_text()
    assert "T2 Ben's card" in text and "T1 Anna's card" not in text
    assert "no member 'zoe'" in team.fails(1, "pipeline", "--owner", "zoe")


def test_task_add_owner(team: Cli, store: Target) -> None:
    team.ok("task", "add", "For Ben", "--owner", "ben")
    team.ok("add", "Quick for Ben owner:ben due:fri")
    team.ok("add", "Up for grabs", "--owner", "none")
    owners = query(
        store,
        "SELECT t.title, m.handle FROM task t LEFT JOIN member m ON m.id = t.owner_id "
        "WHERE t.id > 2 ORDER BY t.id",
    )
    assert owners == [("For Ben", "ben"), ("Quick for Ben", "ben"), ("Up for grabs", None)]
    assert "names no one owner" in team.fails(2, "add", "Nope", "--owner", "all")
    assert "disagree" in team.fails(2, "add", "Two owner:ben", "--owner", "anna")
    assert "task assign" in team.fails(2, "task", "edit", "T1", "owner:ben")


def test_client_owner_is_a_member(team: Cli) -> None:
    team.ok("client", "add", "Granel", "--owner", "ben")
    team.ok("client", "add", "Kettle")
    assert team.ok("client", "edit", "Kettle", "--owner", "me") == "Updated C2: Kettle\n"
    assert [c["name"] for c in team.json("client", "list")] == ["Kettle"]  # mine (and nobody's)
    rows = team.json("client", "list", "--owner", "all")
    assert [(c["name"], c["owner"]) for c in rows] == [("Granel", "ben"), ("Kettle", "anna")]
    assert [a["ref"] for a in team.json("accounts", "--owner", "ben")["accounts"]] == ["C1"]
    assert "no member 'zoe'" in team.fails(1, "client", "edit", "Kettle", "--owner", "zoe")
    assert "names no one owner" in team.fails(2, "client", "add", "X", "--owner", "all")
    timeline = team.json("show", "C2")["timeline"]
    assert timeline[-1]["text"] == "owner anna (was nobody)"


def test_member_edit_and_rm(team: Cli, store: Target) -> None:
    assert team.ok("member", "edit", "ben", "--name", "Ben Orlov", "--email", "b@x.example") == (
        "Updated ben: name, email\n"
    )
    assert team("member", "edit", "ben", "--name", "Ben Orlov").exit_code == 1  # no change
    assert "zone" in team.fails(2, "member", "edit", "ben", "--tz", "Nowhere/Land")
    assert "ben owns 2 open records (L3, T2)" in team.fails(2, "member", "rm", "ben")
    assert "refusing to delete" in team.fails(2, "member", "rm", "ben", "--handover", "anna")
    out = team.ok("member", "rm", "ben", "--handover", "anna", "--yes")
    assert out.splitlines()[-1] == "Removed member ben: Ben Orlov"
    assert query(store, "SELECT count(*) FROM member") == [(1,)]
    assert [row["owner"] for row in team.json("task", "list", "--owner", "all")] == [
        "anna",
        "anna",
    ]
    team.ok("undo")
    assert [m["handle"] for m in team.json("member", "list")] == ["anna", "ben"]
    owners = {row["ref"]: row["owner"] for row in team.json("task", "list", "--owner", "all")}
    assert owners == {"T1": "anna", "T2": "ben"}
