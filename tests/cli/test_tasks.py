"""`amtui add` and `amtui task add|list|show|edit|done|reopen|move|rm`.

NOW is Wednesday 2026-11-25 10:00 in Berlin (09:00Z); Friday is 2026-11-27.
"""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli, Target, count, documented_agenda, query


def one(cli: Cli, ref: str = "T1") -> dict:  # type: ignore[type-arg]
    return cli.json("task", "show", ref)


# --- add: quick-add tokens ---------------------------------------------------------------------


def test_add_reads_every_token(cli: Cli) -> None:
    out = cli.ok(
        "add",
        "Send estimate due:fri 15:00 client:Granel col:review pri:urgent est:1h30m "
        "+urgent +Money @copywriter for the board",
    )
    assert out.splitlines()[0].startswith("Added T1: Send estimate for the board · due Fri 15:00")
    assert "New client Granel (C1) was created." in out
    task = one(cli)
    assert task["title"] == "Send estimate for the board"
    assert task["due"] == "2026-11-27T15:00:00+01:00"
    assert task["all_day"] is False
    assert task["client"] == {"ref": "C1", "name": "Granel"}
    assert task["column"] == "Review"
    assert task["priority"] == "urgent"
    assert task["estimate_hours"] == 1.5
    assert task["tags"] == ["money", "urgent"]
    assert task["assignee"] == "copywriter"
    assert task["parent"] is None and task["lead"] is None


def test_add_is_the_same_as_task_add(cli: Cli) -> None:
    cli.ok("task", "add", "First")
    cli.ok("add", "Second")
    assert [t["title"] for t in cli.json("task", "list")] == ["Second", "First"]


def test_add_quiet_prints_only_the_reference(cli: Cli) -> None:
    assert cli.ok("add", "-q", "Quiet one client:NewCo") == "T1\n"
    assert cli.ok("add", "Loud one", "--quiet") == "T2\n"
    assert [c["name"] for c in cli.json("client", "list")] == ["NewCo"]


def test_add_joins_several_words_and_takes_options(cli: Cli) -> None:
    cli.ok(
        "add",
        "Write",
        "the",
        "brief",
        "--due",
        "2026-12-01",
        "--client",
        "Granel",
        "--col",
        "backlog",
        "--pri",
        "3",
        "--tag",
        "copy",
        "--tag",
        "seo",
        "--assignee",
        "anna",
        "--estimate",
        "1d",
        "--notes",
        "Long notes\nover two lines",
    )
    task = one(cli)
    assert task["title"] == "Write the brief"
    assert task["due"] == "2026-12-01"
    assert task["all_day"] is True
    assert task["client"]["name"] == "Granel"
    assert task["column"] == "Backlog"
    assert task["priority"] == "high"
    assert task["tags"] == ["copy", "seo"]
    assert task["assignee"] == "anna"
    assert task["estimate_hours"] == 8.0
    assert task["notes"] == "Long notes\nover two lines"


def test_a_field_given_as_token_and_option_must_agree(cli: Cli) -> None:
    error = cli.fails(2, "add", "Call due:fri client:Granel", "--client", "Kettle")
    assert "'client:Granel' in the text and --client 'Kettle' disagree" in error
    assert cli.json("task", "list") == []  # nothing written
    cli.ok("add", "Call client:Granel", "--client", "granel", "--tag", "x")
    assert one(cli)["client"]["name"] == "Granel"


def test_add_existing_client_any_case_is_not_announced(cli: Cli) -> None:
    cli.ok("client", "add", "Гранель")
    out = cli.ok("add", "Call client:гРАНЕЛЬ")
    assert "New client" not in out
    assert one(cli)["client"] == {"ref": "C1", "name": "Гранель"}
    out = cli.ok("add", "Call again client:C1")
    assert "New client" not in out
    assert len(cli.json("client", "list")) == 1


def test_add_quoted_client_name_with_spaces(cli: Cli) -> None:
    out = cli.ok("add", 'Audit client:"Blue Harbor" +seo')
    assert "New client Blue Harbor (C1) was created." in out
    assert one(cli)["title"] == "Audit"


def test_due_takes_as_many_words_as_read_as_a_date(cli: Cli) -> None:
    cli.ok("add", "Call due:tomorrow at 3pm about the budget")
    task = one(cli)
    assert task["title"] == "Call about the budget"
    assert task["due"] == "2026-11-26T15:00:00+01:00"


def test_due_in_the_clients_zone(cli: Cli) -> None:
    cli.ok("client", "add", "Granel", "--tz", "Europe/Moscow")
    cli.ok("add", "Call due:fri 15:00 client client:Granel")
    # 15:00 in Moscow (UTC+3) is 13:00 in Berlin (UTC+1).
    assert one(cli)["due"] == "2026-11-27T13:00:00+01:00"


@pytest.mark.parametrize(
    ("estimate", "hours"),
    [("3", 3.0), ("2.5h", 2.5), ("90m", 1.5), ("90min", 1.5), ("1h30m", 1.5), ("1d", 8.0)],
)
def test_estimate_forms_from_the_readme(cli: Cli, estimate: str, hours: float) -> None:
    cli.ok("add", f"Card est:{estimate}")
    assert one(cli)["estimate_hours"] == hours


@pytest.mark.parametrize(
    ("priority", "expected"), [("1", "low"), ("2", "normal"), ("HIGH", "high")]
)
def test_priority_words_or_digits(cli: Cli, priority: str, expected: str) -> None:
    cli.ok("add", f"Card pri:{priority}")
    assert one(cli)["priority"] == expected


def test_words_with_colons_stay_in_the_title(cli: Cli) -> None:
    cli.ok("add", "Check https://example.com at 10:30")
    assert one(cli)["title"] == "Check https://example.com at 10:30"


def test_add_with_lead_takes_its_client(cli: Cli) -> None:
    cli.ok("lead", "add", "Website", "--client", "Granel")
    cli.ok("add", "Estimate lead:L1")
    task = one(cli)
    assert task["lead"] == "L1"
    assert task["client"] == {"ref": "C1", "name": "Granel"}


def test_subtasks(cli: Cli) -> None:
    cli.ok("add", "Landing page client:Granel col:backlog")
    cli.ok("add", "Wireframes parent:T1 @designer")
    cli.ok("task", "add", "Copy", "--parent", "T1")
    cards = cli.json("task", "list")
    assert [c["ref"] for c in cards] == ["T1"]  # lists show cards, not subtasks
    assert cards[0]["subtasks"] == {"done": 0, "total": 2}
    sub = one(cli, "T2")
    assert sub["parent"] == "T1"
    assert sub["column"] == "Backlog"  # a subtask lives in its card's column
    assert sub["client"] == {"ref": "C1", "name": "Granel"}
    card = one(cli, "T1")
    assert [s["ref"] for s in card["subtask_list"]] == ["T2", "T3"]
    cli.ok("task", "done", "T2")
    assert cli.json("task", "list")[0]["subtasks"] == {"done": 1, "total": 2}
    message = cli.fails(2, "add", "Deeper parent:T2")
    assert "one level deep" in message


# --- list ----------------------------------------------------------------------------------------


def test_list_in_board_order_with_filters(cli: Cli) -> None:
    cli.ok("add", "A col:backlog client:Granel +seo @anna")
    cli.ok("add", "B col:review client:Kettle")
    cli.ok("add", "C +seo")
    cli.ok("add", "D col:done")
    assert [t["title"] for t in cli.json("task", "list")] == ["A", "C", "B"]
    assert [t["title"] for t in cli.json("task", "list", "--all")] == ["A", "C", "B", "D"]
    assert [t["title"] for t in cli.json("task", "list", "--col", "review")] == ["B"]
    assert [t["title"] for t in cli.json("task", "list", "--client", "granel")] == ["A"]
    assert [t["title"] for t in cli.json("task", "list", "--tag", "+SEO")] == ["A", "C"]
    assert [t["title"] for t in cli.json("task", "list", "--assignee", "@Anna")] == ["A"]
    assert len(cli.json("task", "list", "--limit", "1")) == 1
    assert cli.fails(1, "task", "list", "--client", "Nobody").startswith("amtui: no client")
    assert "unknown column" in cli.fails(2, "task", "list", "--col", "nope")


def test_list_text_and_markdown(cli: Cli) -> None:
    cli.ok("add", "Send estimate due:2026-11-24 client:Granel +urgent @copywriter")
    text = cli.ok("task", "list").splitlines()
    assert text[0].split() == ["REF", "COLUMN", "TITLE", "DUE", "CLIENT", "WHO", "TAGS", "SUB"]
    assert "T1" in text[1] and "Send estimate" in text[1] and "yesterday" in text[1]
    assert "@copywriter" in text[1] and "+urgent" in text[1]
    md = cli.ok("task", "list", "--format", "md").splitlines()
    assert md[0] == "| REF | COLUMN | TITLE | DUE | CLIENT | WHO | TAGS | SUB |"
    assert md[1] == "|---|---|---|---|---|---|---|---|"
    assert md[2].startswith("| T1 | To do | Send estimate | yesterday | Granel |")


def test_json_task_shape(cli: Cli) -> None:
    cli.ok("add", "Card due:2026-12-01 14:00 client:Granel +a @b est:2")
    [task] = cli.json("task", "list")
    documented = documented_agenda()["records"]["task"]
    assert [key for key in task if key in documented] == documented
    assert task["created_at"] == task["updated_at"] == "2026-11-25T10:00:00+01:00"
    assert task["done_at"] is None
    assert task["due"] == "2026-12-01T14:00:00+01:00"


# --- show ----------------------------------------------------------------------------------------


def test_show_text_md_json(cli: Cli) -> None:
    cli.ok("add", "Card due:today 15:00 client:Granel pri:high est:2h @seo +web")
    cli.ok("add", "Sub parent:T1")
    cli.ok("remind", "add", "Ping", "--at", "tomorrow 10:00", "--about", "T1")
    text = cli.ok("task", "show", "T1")
    assert text.splitlines()[0] == "T1  Card"
    for expected in ("Granel (C1)", "today 15:00 (in 5h 00m)", "high", "+web", "2 h"):
        assert expected in text
    assert "Subtasks 0/1" in text and "[ ]" in text and "Reminders" in text
    assert "Timeline" in text and "created" in text
    assert cli.ok("task", "show", "1") == text  # a bare number works where the kind is known
    md = cli.ok("task", "show", "T1", "--format", "md")
    assert "## T1  Card" in md and "| FIELD | VALUE |" in md
    data = one(cli)
    assert data["ref"] == "T1"
    assert [s["title"] for s in data["subtask_list"]] == ["Sub"]
    assert [r["text"] for r in data["reminders"]] == ["Ping"]
    assert data["timeline"][0]["kind"] == "created"


# --- edit ----------------------------------------------------------------------------------------


def test_edit_tokens(cli: Cli) -> None:
    cli.ok("lead", "add", "Website")
    cli.ok("add", "Card due:fri client:Granel lead:L1 est:2h @anna +urgent +copy")
    out = cli.ok("task", "edit", "T1", "New", "title", "due:mon", "+later", "@seo", "pri:4")
    assert out.startswith("T1 [To do] New title · due Mon · Granel")
    task = one(cli)
    assert task["title"] == "New title"
    assert task["due"] == "2026-11-30"
    assert task["tags"] == ["copy", "later", "urgent"]
    assert task["assignee"] == "seo"
    assert task["priority"] == "urgent"
    assert task["updated_at"] == "2026-11-25T10:00:00+01:00"
    assert [a["kind"] for a in task["timeline"]] == ["created", "edited"]


def test_edit_removes_tags_with_minus(cli: Cli) -> None:
    # README: `amtui task edit T12 due:mon -urgent +later @seo`; -tag must not be an option.
    cli.ok("add", "Card +urgent +copy")
    cli.ok("task", "edit", "T1", "due:mon", "-urgent", "+later", "@seo")
    assert one(cli)["tags"] == ["copy", "later"]


def test_edit_none_clears_fields(cli: Cli) -> None:
    cli.ok("lead", "add", "Website")
    cli.ok("add", "Card due:fri client:Granel lead:L1 est:2h @anna")
    cli.ok("task", "edit", "T1", "due:none", "client:none", "lead:none", "est:none", "@none")
    task = one(cli)
    assert task["due"] is None and task["all_day"] is None
    assert task["client"] is None
    assert task["lead"] is None
    assert task["estimate_hours"] is None
    assert task["assignee"] is None


def test_edit_options(cli: Cli) -> None:
    cli.ok("add", "Card due:fri @anna est:2h")
    cli.ok(
        "task",
        "edit",
        "1",
        "--title",
        "Renamed",
        "--notes",
        "n",
        "--due",
        "2026-12-24 09:00",
        "--client",
        "Kettle",
        "--pri",
        "low",
        "--assignee",
        "none",
        "--estimate",
        "90m",
    )
    task = one(cli)
    assert task["title"] == "Renamed" and task["notes"] == "n"
    assert task["due"] == "2026-12-24T09:00:00+01:00"
    assert task["client"]["name"] == "Kettle"
    assert task["priority"] == "low"
    assert task["assignee"] is None
    assert task["estimate_hours"] == 1.5
    cli.ok("task", "edit", "T1", "--due", "none")
    assert one(cli)["due"] is None


def test_edit_new_client_is_announced_and_col_moves(cli: Cli) -> None:
    cli.ok("add", "Card")
    out = cli.ok("task", "edit", "T1", "client:Fresh", "col:review")
    assert "New client Fresh (C1) was created." in out
    assert one(cli)["column"] == "Review"


def test_edit_errors(cli: Cli) -> None:
    cli.ok("add", "Card")
    assert "nothing to change" in cli.fails(2, "task", "edit", "T1")
    assert "nothing changed" in cli.fails(2, "task", "edit", "T1", "Card")
    assert "parent:" in cli.fails(2, "task", "edit", "T1", "parent:T1")
    assert cli.fails(1, "task", "edit", "T9", "x") == "amtui: no task T9"


# --- done / reopen -------------------------------------------------------------------------------


def test_done_and_reopen(cli: Cli) -> None:
    cli.ok("add", "Card col:review")
    cli.ok("add", "Sub parent:T1")
    cli.ok("add", "Other")
    out = cli.ok("task", "done", "T1", "T3")
    assert out.splitlines() == ["Done T1: Card (and 1 subtasks)", "Done T3: Other"]
    card = one(cli)
    assert card["column"] == "Done"
    assert card["done_at"] == "2026-11-25T10:00:00+01:00"
    assert one(cli, "T2")["done_at"] is not None
    assert cli.json("task", "list") == []
    assert cli.fails(2, "task", "done", "T1") == "amtui: T1 is already done"
    assert cli.ok("task", "reopen", "T1") == "Reopened T1 in To do: Card\n"
    assert one(cli)["done_at"] is None
    assert cli.fails(2, "task", "reopen", "1") == "amtui: T1 is not done"


# --- move ----------------------------------------------------------------------------------------


def test_move_between_columns(cli: Cli) -> None:
    cli.ok("add", "Card")
    cli.ok("add", "Sub parent:T1")
    assert cli.ok("task", "move", "T1", "in progress") == "Moved T1 to In progress\n"
    assert one(cli)["column"] == "In progress"
    cli.ok("task", "move", "T1", "rev")  # any unique part of the name
    assert one(cli)["column"] == "Review"
    out = cli.ok("task", "move", "T1", "done")
    assert "Also completed 1 open subtask(s)." in out
    assert one(cli)["done_at"] is not None
    cli.ok("task", "move", "T1", "backlog")  # out of the last column reopens it
    assert one(cli)["done_at"] is None
    assert "already in Backlog" in cli.fails(2, "task", "move", "T1", "Backlog")
    assert "unknown column" in cli.fails(2, "task", "move", "T1", "o")  # ambiguous part
    assert "subtask" in cli.fails(2, "task", "move", "T2", "review")


def test_move_up_and_down(cli: Cli) -> None:
    for title in ("C", "B", "A"):  # new cards go to the top
        cli.ok("add", title)
    assert [t["title"] for t in cli.json("task", "list")] == ["A", "B", "C"]
    assert cli.ok("task", "move", "T3", "--down") == "Moved T3 down in To do\n"
    assert [t["title"] for t in cli.json("task", "list")] == ["B", "A", "C"]
    cli.ok("task", "move", "T1", "--up")
    assert [t["title"] for t in cli.json("task", "list")] == ["B", "C", "A"]
    assert "top" in cli.fails(2, "task", "move", "T2", "--up")
    assert "exactly one" in cli.fails(2, "task", "move", "T2")
    assert "exactly one" in cli.fails(2, "task", "move", "T2", "review", "--up")


# --- rm ------------------------------------------------------------------------------------------


def test_rm_with_yes_deletes_card_and_subtasks(cli: Cli, store: Target) -> None:
    cli.ok("add", "Card")
    cli.ok("add", "Sub parent:T1")
    cli.ok("remind", "add", "Ping", "--at", "tomorrow", "--about", "T1")
    out = cli.ok("task", "rm", "T1", "--yes")
    assert out == "Deleted T1: Card and its 1 subtask(s)\n"
    assert count(store, "task") == 0
    assert count(store, "reminder") == 0
    assert query(store, "SELECT count(*) FROM activity WHERE task_id IS NOT NULL") == [(0,)]
    assert cli.fails(1, "task", "rm", "T1", "-y") == "amtui: no task T1"


def test_rm_without_yes_off_a_terminal_refuses(cli: Cli, store: Target) -> None:
    cli.ok("add", "Card")
    message = cli.fails(2, "task", "rm", "T1", input="y\n")
    assert "--yes" in message
    assert count(store, "task") == 1


@pytest.mark.parametrize("ref", ["L1", "C1", "R1"])
def test_task_commands_refuse_other_kinds(cli: Cli, ref: str) -> None:
    for command in (["show"], ["done"], ["reopen"], ["rm", "--yes"], ["edit"], ["move"]):
        args = ["task", command[0], ref, *command[1:]]
        if command[0] == "edit":
            args.append("x")
        if command[0] == "move":
            args.append("review")
        message = cli.fails(2, *args)
        assert "a task is needed here" in message


def test_a_recurring_task_is_marked_and_reopening_it_takes_back_its_next_occurrence(
    cli: Cli,
) -> None:
    cli.ok("add", "Monthly report due:2026-11-30 rec:+1m")
    cli.ok("add", "Water plants rec:3d")
    listed = cli.ok("task", "list").splitlines()  # newest on top
    assert "↻ 3 days after done" in listed[1] and "Mon ↻ every month" in listed[2]
    assert cli.ok("task", "done", "T1").splitlines()[1].startswith("Repeats, next: T3 due")
    assert cli.ok("task", "reopen", "T1") == (
        "Reopened T1 in To do: Monthly report\n"
        "Repeats: next occurrence T3 removed (untouched since it was made)\n"
    )
    assert [t["ref"] for t in cli.json("task", "list")] == ["T1", "T2"]
    cli.ok("task", "done", "T1")  # T4
    # Edited at the instant it was made (the pinned clock): its timeline tells.
    cli.ok("task", "edit", "T4", "due:2026-12-31")
    assert cli.ok("task", "move", "T1", "To do").splitlines()[1] == (
        "Repeats: next occurrence T4 kept: its timeline has entries since it was made; "
        "delete it if it is not needed"
    )
    assert sorted(t["ref"] for t in cli.json("task", "list")) == ["T1", "T2", "T4"]
