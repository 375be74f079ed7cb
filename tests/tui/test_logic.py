"""The Textual-free layer (`amtui.tui.logic`): form specs, save logic, the verb registry and
the remembered view state, tested without an app."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

import pytest

from amtui.core import lead_queries, leads, task_queries
from amtui.core.errors import InputError, NotFoundError
from amtui.core.lookup import ClientName
from amtui.core.pipeline import change_stage, lose_lead, respond_lead
from amtui.tui.logic import lead_forms, reminder_forms, task_forms
from amtui.tui.logic.clients import client_check, client_suggest, pick_client
from amtui.tui.logic.fields import FieldSpec, cycle, empty_to_confirm
from amtui.tui.logic.state import ViewState, load_state, save_state
from amtui.tui.logic.verbs import PLACES, VERBS, Facts, applies, verb, verbs_at
from tests.conftest import NOW

LOGIC_MODULES = [
    "amtui.tui.logic",
    "amtui.tui.logic.client_forms",
    "amtui.tui.logic.clients",
    "amtui.tui.logic.data",
    "amtui.tui.logic.fields",
    "amtui.tui.logic.heap",
    "amtui.tui.logic.history",
    "amtui.tui.logic.invoice_forms",
    "amtui.tui.logic.lead_forms",
    "amtui.tui.logic.money",
    "amtui.tui.logic.proposal_forms",
    "amtui.tui.logic.reminder_forms",
    "amtui.tui.logic.start",
    "amtui.tui.logic.state",
    "amtui.tui.logic.task_forms",
    "amtui.tui.logic.team",
    "amtui.tui.logic.text",
    "amtui.tui.logic.verbs",
]


def clock():
    return NOW


def test_the_logic_layer_imports_no_textual_or_rich() -> None:
    code = (
        "import json, sys\n"
        f"for name in {LOGIC_MODULES!r}: __import__(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_every_logic_module_is_listed_above() -> None:
    from pathlib import Path

    import amtui.tui.logic as package

    found = {f"amtui.tui.logic.{path.stem}" for path in Path(package.__file__).parent.glob("*.py")}
    assert found - {"amtui.tui.logic.__init__"} == set(LOGIC_MODULES) - {"amtui.tui.logic"}


# --- the verb registry -------------------------------------------------------------------------


def test_every_verb_has_a_handler_and_every_handler_a_verb() -> None:
    from amtui.tui.actions import Actions

    handlers = {item.handler for item in VERBS}
    assert sorted(h for h in handlers if not callable(getattr(Actions, h, None))) == []
    public = {
        name
        for name, value in vars(Actions).items()
        if callable(value) and not name.startswith("_") and not isinstance(value, type)
    }
    plumbing = {"run", "write", "form", "prompt", "confirm", "read_then", "open_record"}
    assert public - plumbing == handlers


def test_binding_ids_and_palette_names_are_unique_and_places_known() -> None:
    ids = [key.id for item in VERBS for key in item.keys]
    assert len(ids) == len(set(ids))
    names = [item.palette for item in VERBS if item.palette]
    assert len(names) == len(set(names))
    assert {key.place for item in VERBS for key in item.keys} <= set(PLACES)
    for item in VERBS:
        assert set(item.kinds) <= set("TLRCPI"), item.name


def test_one_key_per_place_except_where_only_one_verb_can_apply() -> None:
    """Two verbs share a key only when at most one of them applies at a time."""
    # `a` on a card adds a subtask, on a draft proposal or invoice a line; `S` sends a
    # proposal and issues an invoice (the kinds of record they act on differ).
    sharing = {
        ("answer", "respond"),
        ("done", "step_done"),
        ("invoice_line", "proposal_line", "subtask"),
        ("issue_invoice", "send_proposal"),
    }
    for place in PLACES:
        by_key: dict[str, list[str]] = {}
        for item, key in verbs_at(place):
            for one in key.keys.split(","):
                by_key.setdefault(one, []).append(item.name)
        for key, names in by_key.items():
            if len(names) > 1:
                assert tuple(sorted(names)) in sharing, (place, key, names)


@pytest.mark.parametrize(
    ("name", "facts", "offered"),
    [
        ("respond", Facts("L1", owed="respond"), True),
        ("answer", Facts("L1", owed="respond"), False),
        ("log", Facts("L1", closed=True), False),
        ("reopen", Facts("L1", closed=True), True),
        ("snooze", Facts("L1"), False),
        ("snooze", Facts("L1", pending_step=True), True),
        ("snooze", Facts("R1", done=True), False),
        ("step_done", Facts("L1", pending_step=True), True),
        ("done", Facts("T1", last_column=True), False),
        ("move_left", Facts("T1", first_column=True), False),
        # A lead on the pipeline board: where the pipeline rules let H and L take it.
        ("move_left", Facts("L1", stage_moves=(None, "briefed")), False),
        ("move_right", Facts("L1", stage_moves=(None, "briefed")), True),
        ("move_right", Facts("L1"), False),
        ("edit", Facts("R1", done=True), False),
        ("edit", Facts("P1", done=True), False),  # a sent proposal
        ("proposal_line", Facts("P1"), True),
        ("send_proposal", Facts("P1", done=True), False),
        ("new_proposal", Facts("L1"), True),
        ("subtask", Facts("T5", card=False), False),
        ("log", Facts("T1"), False),
        ("new_task", Facts(None), True),
        ("delete", Facts(None), False),
    ],
)
def test_applies(name, facts, offered) -> None:
    assert applies(verb(name), facts) is offered


# --- forms and checks -----------------------------------------------------------------------------


def test_an_empty_field_asks_once_then_saves() -> None:
    fields = [
        FieldSpec("kind", "Kind", options=(("a", "a"),)),
        FieldSpec("text", "Text", confirm_empty="no text: Enter again"),
    ]
    assert empty_to_confirm(fields, {"text": "  "}, set()) == ("text", "no text: Enter again")
    assert empty_to_confirm(fields, {"text": "  "}, {"text"}) is None
    assert empty_to_confirm(fields, {"text": "hi"}, set()) is None


def test_the_primary_choice_cycles_both_ways() -> None:
    spec = FieldSpec("kind", "Kind", options=(("A", "a"), ("B", "b"), ("C", "c")), primary=True)
    assert [cycle(spec, "a", 1), cycle(spec, "c", 1), cycle(spec, "a", -1)] == ["b", "a", "c"]


def test_the_log_form_opens_in_the_text_and_asks_before_saving_no_text(seeded, config) -> None:
    spec = lead_forms.log_form(seeded, config, clock, "L2")
    assert spec.focus == "text" and spec.enter_saves and spec.load is not None
    assert [f.name for f in spec.fields if f.primary] == ["kind"]
    assert spec.field("text").confirm_empty == lead_forms.NO_TEXT
    loaded = spec.load()
    assert loaded.title == "Log contact · L2 SEO audit for a hotel chain"


def test_log_and_stage_refuse_a_closed_lead(seeded, config) -> None:
    lose_lead(seeded, "L2", "budget", now=NOW)
    for form in (lead_forms.log_form, lead_forms.stage_form):
        with pytest.raises(InputError, match="L2 is lost; reopen it first"):
            form(seeded, config, clock, "L2").load()


def test_stage_form_loads_the_choices_and_the_next_stage(seeded, config) -> None:
    loaded = lead_forms.stage_form(seeded, config, clock, "L1").load()  # L1 is contacted
    assert loaded.values == {"stage": "briefed"}
    (stage,) = loaded.fields
    assert [key for _, key in stage.options] == ["briefed", "proposal-sent", "negotiating"]


def test_a_new_task_merges_title_tokens_with_the_fields(seeded, config) -> None:
    spec = task_forms.task_form(seeded, config, clock, column="Backlog")
    spec.load()
    values = {**spec.values, "title": "Send estimate +urgent due:fri", "assignee": "@seo"}
    saved = spec.save(values)
    assert saved.note == "Added T10: Send estimate"
    task = task_queries.get_task_details(seeded, "T10")
    assert (task.row.task.column, task.row.task.assignee, task.row.tags) == (
        "Backlog",
        "seo",
        ["urgent"],
    )
    clash = {**spec.values, "title": "Draft due:fri", "due": "mon"}
    with pytest.raises(InputError, match="disagree"):
        spec.save(clash)


def test_editing_a_task_changes_only_what_changed(seeded, config) -> None:
    spec = task_forms.task_form(seeded, config, clock, ref="T2")
    loaded = spec.load()
    assert spec.save(dict(loaded.values)).note == "T2: nothing changed"
    values = {**loaded.values, "assignee": "", "tags": "report q4"}
    assert spec.save(values).note == "Saved T2"
    row = task_queries.get_task_details(seeded, "T2").row
    assert row.task.assignee is None and row.tags == ["q4", "report"]
    assert row.task.title == "Quarterly SEO report"


def test_snooze_reads_a_trailing_client_in_the_clients_zone(seeded, config) -> None:
    """Blue Harbor Hotels is in New York: 9:00 there is 15:00 in Berlin."""
    respond_lead(seeded, "L2", now=NOW, config=config)
    leads.edit_lead(seeded, "L2", now=NOW, config=config, client="Blue Harbor Hotels")
    change_stage(seeded, "L2", "proposal-sent", now=NOW, config=config)
    prompt = reminder_forms.snooze_prompt(seeded, config, clock, "L2")
    loaded = prompt.load()
    assert loaded.title is not None and loaded.title.startswith("Snooze R")
    assert loaded.check is not None
    assert loaded.check("mon 9:00 client") == "→ Mon 30 Nov 15:00"
    saved = reminder_forms.save_snooze(seeded, config, clock, "L2", "mon 9:00 client")
    assert saved.note.endswith("until Mon 15:00")


def test_clients_are_matched_as_the_core_matcher_says() -> None:
    names = [ClientName(1, "Blue Harbor Hotels"), ClientName(2, "Blue Kettle Studio")]
    check = client_check(names, creates=False)
    assert check("kett") == "→ Blue Kettle Studio (C2)"
    assert client_suggest(names)("blue k") == "blue kettle Studio"
    with pytest.raises(InputError, match="ambiguous: Blue Harbor Hotels"):
        check("blue")
    with pytest.raises(NotFoundError):
        check("acme")
    assert client_check(names, creates=True)("acme") == "new client 'acme'"
    assert pick_client(names, "harbor").id == 1


def test_win_asks_to_confirm_or_for_a_client(seeded, config) -> None:
    confirm = lead_forms.win_dialog(seeded, config, clock, "L3")
    assert confirm.question == "Win L3 for Granel?"
    prompt = lead_forms.win_dialog(seeded, config, clock, "L2")
    assert prompt.title == "Win L2: for which client?" and prompt.check is not None
    assert prompt.check("saku") == "→ Sakura Foods (C3)"


# --- remembered view state ------------------------------------------------------------------------


def test_view_state_round_trips_and_ignores_garbage(tmp_path) -> None:
    path = tmp_path / "state" / "tui-state.json"
    assert load_state(path) == ViewState()
    state = ViewState({"To do": "due", "Review": "priority"})
    save_state(path, state)
    assert load_state(path) == state
    assert [p.name for p in path.parent.iterdir()] == ["tui-state.json"]  # no temporary left
    assert state.next_sort("To do") == "priority" and state.next_sort("Backlog") == "due"
    path.write_text('{"board_sort": {"To do": "sideways", "Done": "due", "7": 3}}')
    assert load_state(path) == ViewState({"Done": "due"})
    path.write_text("not json")
    assert load_state(path) == ViewState()


def test_the_sort_is_remembered_across_runs(make_app, tmp_path) -> None:
    from textual.content import Content

    from tests.tui.conftest import drive, press

    state = tmp_path / "tui-state.json"

    async def sort_twice(pilot):
        await press(pilot, "2", "l", "s", "s")  # To do: by due date, then by priority
        return pilot.app.main_screen.board.current_column.sort

    async def look(pilot):
        await press(pilot, "2", "l")
        column = pilot.app.main_screen.board.current_column
        cards = [row.key for row in pilot.app.main_screen.board.current_list().rows]
        return column.sort, Content.from_markup(str(column.border_title)).plain, cards

    assert drive(make_app(state_file=state), sort_twice) == "priority"
    assert json.loads(state.read_text()) == {"board_sort": {"To do": "priority"}}
    # The next run opens with the column in that order (the urgent estimate first).
    assert drive(make_app(state_file=state), look) == (
        "priority",
        "To do 2 ↓priority",
        ["T3", "T2"],
    )


def test_columns_sort_by_hand_due_date_or_priority(seeded, config) -> None:
    from amtui.core import drafts, tasks
    from amtui.tui.logic.data import Filters, load_snapshot

    for text in ("Later due:+5d pri:high", "Undated pri:urgent", "Sooner due:tomorrow"):
        draft = drafts.draft_from_text(text + " col:backlog", now=NOW, config=config)
        tasks.add_task(seeded, draft, now=NOW, config=config)

    def backlog(sort: str | None) -> list[str]:
        snapshot = load_snapshot(
            seeded,
            config=config,
            now=NOW,
            filters=Filters(),
            parts=frozenset({"board"}),
            sorts={"Backlog": sort} if sort else None,
        )
        assert snapshot.board is not None
        page = next(page for page in snapshot.board if page.name == "Backlog")
        return [row.task.title for row in page.rows]

    by_hand = backlog(None)
    assert set(by_hand) == {"Storyboard ideas", "Later", "Undated", "Sooner"}
    undated = [title for title in by_hand if title in ("Storyboard ideas", "Undated")]
    assert backlog("due") == ["Sooner", "Later", *undated]
    assert backlog("priority") == ["Undated", "Later", "Sooner", "Storyboard ideas"]
    assert backlog("position") == by_hand


def test_reminder_edit_keeps_a_steps_kind(seeded, config) -> None:
    respond_lead(seeded, "L2", now=NOW - timedelta(minutes=1), config=config)
    change_stage(seeded, "L2", "proposal-sent", now=NOW, config=config)
    spec = reminder_forms.edit_reminder_form(seeded, config, clock, "R2")
    loaded = spec.load()
    assert [f.name for f in loaded.fields] == ["text", "when"]  # a ladder step keeps its kind
    manual = reminder_forms.edit_reminder_form(seeded, config, clock, "R1").load()
    assert [f.name for f in manual.fields] == ["text", "when", "kind"]
    assert replace(loaded).replace


def test_the_timeline_shows_every_time_in_the_users_zone(seeded, config) -> None:
    """A snooze's time is kept as data and shown in the reader's zone; an entry an older
    version wrote with a UTC time in its text is shown in the reader's zone too."""
    from datetime import UTC, datetime

    from amtui.core.activities import describe_activity, record_activity
    from amtui.core.models import Lead, get
    from amtui.core.reminders import snooze_reminder

    snooze_reminder(seeded, "R1", "+2h", now=NOW, config=config)
    with seeded.write() as tx:
        lead = get(tx, Lead, 2)
        assert lead is not None
        record_activity(tx, lead, "note", "R9 snoozed until 2026-11-25 17:00 UTC", now=NOW)
    texts = [
        describe_activity(a, config.timezone)
        for a in lead_queries.get_lead_details(seeded, "L2").activities
    ]
    assert "R1 snoozed until 2026-11-25 18:00" in texts  # due 16:00 Berlin, +2h
    assert "R9 snoozed until 2026-11-25 18:00" in texts  # 17:00 UTC is 18:00 in Berlin
    assert not any("UTC" in text for text in texts)
    assert datetime(2026, 11, 25, 17, tzinfo=UTC).astimezone(config.timezone).hour == 18


def test_the_early_load_is_the_first_reload_and_only_that(seeded, config) -> None:
    from amtui.core.board import ClientChoice
    from amtui.tui.logic.data import AGENDA_PAGE, ALL, EarlyLoad, Filters, load_snapshot

    first = {
        "filters": Filters(),
        "inbox_rows": 0,
        "column_rows": dict.fromkeys(config.columns, 0),
        "agenda_rows": AGENDA_PAGE,
        "parts": ALL,
        "sorts": {"To do": "due"},
    }
    early = EarlyLoad(seeded, config=config, now=NOW, sorts={"To do": "due"})
    read = early.take(**first)
    assert read is not None
    snapshot = read.result(timeout=30)
    fresh = load_snapshot(seeded, config=config, now=NOW, filters=Filters(), sorts=first["sorts"])
    assert snapshot == fresh  # what a reload would have read, in the remembered sort
    assert early.take(**first) is None  # later reloads read afresh
    for other in (
        {"filters": Filters(client=ClientChoice(1, "Granel"))},
        {"filters": Filters(text={"board": "seo"})},
        {"column_rows": {**first["column_rows"], "To do": 80}},
        {"agenda_rows": 2 * AGENDA_PAGE},
        {"parts": frozenset({"board"})},
        {"sorts": {}},
    ):
        asked = EarlyLoad(seeded, config=config, now=NOW, sorts={"To do": "due"})
        assert asked.take(**{**first, **other}) is None, other


def test_a_commit_made_while_the_early_load_reads_is_seen_by_the_first_look(seeded, config) -> None:
    """The first look for changes compares with the token taken before the early read, so a
    task added from the shell while the app starts reaches the screen at once (without it,
    the first look only takes a token, and the change waits for the next full reload)."""
    from amtui.core.drafts import TaskDraft
    from amtui.core.tasks import add_task
    from amtui.tui.logic.data import ChangeWatch, EarlyLoad

    watch = ChangeWatch(seeded)
    early = EarlyLoad(seeded, config=config, now=NOW, sorts={}, before=watch.start)
    early._snapshot.result(timeout=30)
    before = seeded.change_token()
    other = type(seeded)(seeded._target)  # another connection, as `amtui add` in a shell
    try:
        add_task(other, TaskDraft(title="Added while the app started"), now=NOW, config=config)
    finally:
        other.dispose()
    # PostgreSQL delivers the commit's notification a moment after the commit: wait until this
    # connection has heard it (at once on SQLite), so the look below is not a race with it.
    assert seeded.wait_for_change(before, timeout=60)
    assert watch.changed()  # the first look: the screen reloads
    assert not watch.changed()  # and only once


def test_a_failed_early_load_fails_the_reload_that_takes_it(tmp_path, config) -> None:
    """The screen's worker takes the early read's error as its own (a toast, as for any load)."""
    from amtui.core.db import Database
    from amtui.tui.logic.data import AGENDA_PAGE, ALL, EarlyLoad, Filters

    broken = Database(tmp_path / "no-schema.db")  # no tables: the read fails
    try:
        early = EarlyLoad(broken, config=config, now=NOW, sorts={})
        read = early.take(
            filters=Filters(),
            inbox_rows=0,
            column_rows={},
            agenda_rows=AGENDA_PAGE,
            parts=ALL,
            sorts={},
        )
        assert read is not None
        with pytest.raises(Exception, match=r"task|lead|member|table"):
            read.result(timeout=30)
    finally:
        broken.dispose()
