"""Task services and the board rules (see the amtui.core.tasks docstring).

Every service is one transaction: when a later step fails, nothing of the earlier steps stays.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from amtui.core.config import Config
from amtui.core.dates import DateParseError
from amtui.core.db import Database
from amtui.core.drafts import TaskDraft, TaskPatch, patch_from_text, resolve_column
from amtui.core.errors import InputError, NotFoundError
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.models import Activity, Client, Reminder, Task, TaskTag
from amtui.core.reminders import add_reminder
from amtui.core.task_queries import count_subtasks, get_task_details, list_tasks
from amtui.core.tasks import (
    add_task,
    complete_task,
    delete_task,
    edit_task,
    move_task,
    reopen_task,
    reorder_task,
    shift_task,
)
from amtui.core.validate import UNSET
from tests.core.conftest import QuickAdd
from tests.storage import count, rows

LATER = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def board(db: Database, config: Config, column: str) -> list[str]:
    """Titles in a column, top to bottom, as the board shows them."""
    return [row.task.title for row in list_tasks(db, config=config, column=column)]


def edit(db: Database, ref: str, text: str, config: Config, now: datetime = LATER):  # type: ignore[no-untyped-def]
    patch, column = patch_from_text(text, now=now, config=config)
    return edit_task(db, ref, patch, now=now, config=config, column=column)


# --- add -------------------------------------------------------------------------------------


def test_quick_add_stores_every_field(quick: QuickAdd, config: Config) -> None:
    result = quick("Send estimate due:fri 15:00 client:Granel +urgent @copywriter pri:4 est:1h30m")
    task = result.task
    assert task.title == "Send estimate"
    # Friday 27 November, 15:00 in Berlin (CET, UTC+1).
    assert task.due_at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    assert task.due_date is None
    assert task.priority == "urgent"
    assert task.assignee == "copywriter"
    assert task.estimate_hours == 1.5
    assert task.column == config.new_task_column
    assert result.tags == ["urgent"]
    assert result.created_client and result.client is not None
    assert result.client.name == "Granel"


def test_a_date_alone_is_an_all_day_deadline(quick: QuickAdd) -> None:
    task = quick("Invoice due:fri").task
    assert task.due_date == date(2026, 11, 27)
    assert task.due_at is None


def test_due_in_the_clients_zone(db: Database, quick: QuickAdd, now: datetime) -> None:
    from amtui.core.clients import add_client

    add_client(db, "Harbor", now=now, timezone="America/New_York")
    task = quick("Call due:fri 15:00 client client:harbor").task
    assert task.due_at == datetime(2026, 11, 27, 20, 0, tzinfo=UTC)  # 15:00 EST


def test_new_card_goes_to_the_top_of_its_column(quick: QuickAdd, db: Database, config: Config):  # type: ignore[no-untyped-def]
    quick("First")
    quick("Second")
    quick("Elsewhere col:backlog")
    quick("Third")
    assert board(db, config, "To do") == ["Third", "Second", "First"]
    assert board(db, config, "Backlog") == ["Elsewhere"]


def test_subtasks_go_to_the_end_and_inherit_column_client_and_lead(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    lead = add_lead(db, LeadDraft("Website"), now=now, config=config).lead
    parent = quick(f"Website client:Granel col:progress lead:L{lead.id}").task
    first = quick(f"Wireframes parent:T{parent.id}").task
    second = quick(f"Copy parent:T{parent.id} col:backlog").task
    assert first.column == second.column == "In progress"
    assert first.client_id == parent.client_id
    assert first.lead_id == lead.id
    details = get_task_details(db, f"T{parent.id}")
    assert [r.task.title for r in details.subtasks] == ["Wireframes", "Copy"]
    assert (details.row.subtasks_done, details.row.subtasks_total) == (0, 2)
    # Subtasks are a checklist, not cards: the board lists top-level cards only.
    assert board(db, config, "progress") == ["Website"]


def test_subtasks_are_one_level_deep(quick: QuickAdd, db: Database) -> None:
    parent = quick("Website").task
    child = quick(f"Wireframes parent:T{parent.id}").task
    with pytest.raises(InputError, match="one level"):
        quick(f"Sketch parent:T{child.id}")
    assert count(db, Task) == 2


def test_adding_into_the_done_column_marks_it_done(quick: QuickAdd, now: datetime) -> None:
    assert quick("Already sent col:done").task.done_at == now


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Call pri:extreme", "priority"),
        ("Call col:nowhere", "column"),
        ("Call col:o", "column"),  # ambiguous: To do, Backlog, In progress, Done
        ("Call est:lots", "estimate"),
        ("Call est:0", "estimate"),
    ],
)
def test_bad_input_is_refused_with_one_line(
    quick: QuickAdd, db: Database, text: str, message: str
) -> None:
    with pytest.raises(InputError, match=message) as info:
        quick(text)
    assert info.value.exit_code == 2
    assert "\n" not in str(info.value)
    assert count(db, Task) == 0


def test_bad_due_with_a_new_client_leaves_nothing_behind(quick: QuickAdd, db: Database) -> None:
    with pytest.raises(DateParseError):
        quick("Call client:Newco due:frii")
    assert count(db, Client) == 0
    assert count(db, Task) == 0
    assert count(db, Activity) == 0


def test_unknown_parent_with_a_new_client_leaves_nothing_behind(
    quick: QuickAdd, db: Database
) -> None:
    with pytest.raises(NotFoundError, match="T99"):
        quick("Call client:Newco parent:T99")
    assert count(db, Client) == 0


def test_client_by_any_case_is_reused_not_duplicated(quick: QuickAdd, db: Database) -> None:
    first = quick("One client:Гранель")
    second = quick("Two client:гранель")
    third = quick("Three client:C1")
    assert first.created_client and not second.created_client and not third.created_client
    assert first.task.client_id == second.task.client_id == third.task.client_id
    assert count(db, Client) == 1


def test_unknown_client_reference_is_not_found(quick: QuickAdd) -> None:
    with pytest.raises(NotFoundError):
        quick("Call client:C42")


@pytest.mark.parametrize(
    ("text", "column"),
    [("to do", "To do"), ("TO-DO", "To do"), ("prog", "In progress"), ("review", "Review")],
)
def test_columns_resolve_by_any_case_or_a_unique_part(
    config: Config, text: str, column: str
) -> None:
    assert resolve_column(text, config) == column


# --- edit ------------------------------------------------------------------------------------


def test_edit_changes_fields_and_tags_and_records_what_changed(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    task = quick("Send estimate due:fri +urgent +seo @anna").task
    result = edit(
        db, f"T{task.id}", "Send final estimate due:mon 10:00 -urgent +later @seo", config
    )
    assert result.task.title == "Send final estimate"
    assert result.task.due_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert result.task.due_date is None
    assert result.task.assignee == "seo"
    assert result.tags == ["later", "seo"]
    assert result.task.updated_at == LATER
    details = get_task_details(db, f"T{task.id}")
    assert details.row.tags == ["later", "seo"]
    assert [a.kind for a in details.activities] == ["created", "edited"]
    assert "-urgent" in details.activities[-1].text


def test_edit_none_clears_fields(quick: QuickAdd, db: Database, config: Config) -> None:
    task = quick("Call due:fri client:Granel est:2h @anna").task
    result = edit(db, str(task.id), "due:none client:none est:none @none", config)
    assert result.task.due is None
    assert result.task.client_id is None
    assert result.task.estimate_hours is None
    assert result.task.assignee is None
    assert count(db, Client) == 1  # the client itself stays


def test_edit_with_a_bad_due_and_a_new_client_changes_nothing(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    task = quick("Call due:fri").task
    with pytest.raises(DateParseError):
        edit(db, f"T{task.id}", "client:Newco due:frii", config)
    assert count(db, Client) == 0
    details = get_task_details(db, f"T{task.id}")
    assert details.row.task.due_date == date(2026, 11, 27)
    assert details.row.task.client_id is None


def test_edit_priority_none_is_refused(quick: QuickAdd, db: Database, config: Config) -> None:
    task = quick("Call pri:high").task
    with pytest.raises(InputError, match="priority"):
        edit(db, f"T{task.id}", "pri:none", config)


def test_edit_that_changes_nothing_is_an_error(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    task = quick("Call +urgent").task
    with pytest.raises(InputError, match="nothing to change"):
        edit_task(db, f"T{task.id}", TaskPatch(), now=now, config=config)
    with pytest.raises(InputError, match="already looks like that"):
        edit(db, f"T{task.id}", "Call +urgent", config)


def test_edit_with_a_column_moves_the_card(quick: QuickAdd, db: Database, config: Config) -> None:
    task = quick("Call").task
    result = edit(db, f"T{task.id}", "col:done", config)
    assert result.task.column == "Done"
    assert result.task.done_at == LATER


def test_edit_unknown_task_is_not_found(db: Database, config: Config, now: datetime) -> None:
    with pytest.raises(NotFoundError, match="T5") as info:
        edit_task(db, "T5", TaskPatch(title="x"), now=now, config=config)
    assert info.value.exit_code == 1


def test_edit_refuses_a_reference_of_another_kind(quick: QuickAdd, db: Database, config: Config):  # type: ignore[no-untyped-def]
    quick("Call")
    with pytest.raises(InputError, match="lead"):
        edit_task(db, "L1", TaskPatch(title="x"), now=LATER, config=config)


def test_patch_unset_fields_stay(quick: QuickAdd, db: Database, config: Config) -> None:
    task = quick("Call due:fri @anna").task
    result = edit_task(db, f"T{task.id}", TaskPatch(notes="ring twice"), now=LATER, config=config)
    assert result.task.notes == "ring twice"
    assert result.task.due_date == date(2026, 11, 27)
    assert result.task.assignee == "anna"
    assert TaskPatch().title is UNSET


# --- move, shift, reorder --------------------------------------------------------------------


def test_move_puts_the_card_on_top_of_the_target_column(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    quick("Review one col:review")
    card = quick("Card").task
    result = move_task(db, f"T{card.id}", "review", now=LATER, config=config)
    assert result.task.column == "Review"
    assert board(db, config, "review") == ["Card", "Review one"]
    assert board(db, config, "to do") == []
    assert result.task.done_at is None


def test_moving_into_done_completes_the_card_and_its_subtasks(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    card = quick("Website").task
    quick(f"Wireframes parent:T{card.id}")
    done_already = quick(f"Brief parent:T{card.id}", at=now - timedelta(days=1)).task
    complete_task(db, f"T{done_already.id}", now=now, config=config)
    quick(f"Copy parent:T{card.id}")
    result = move_task(db, f"T{card.id}", "done", now=LATER, config=config)
    assert result.task.done_at == LATER
    assert result.completed_subtasks == 2  # the one done earlier keeps its own done_at
    subtasks = get_task_details(db, f"T{card.id}").subtasks
    assert {r.task.title: r.task.done_at for r in subtasks} == {
        "Wireframes": LATER,
        "Brief": now,
        "Copy": LATER,
    }


def test_moving_out_of_done_reopens_the_card(quick: QuickAdd, db: Database, config: Config) -> None:
    card = quick("Call col:done").task
    result = move_task(db, f"T{card.id}", "review", now=LATER, config=config)
    assert result.task.done_at is None
    kinds = [a.kind for a in get_task_details(db, f"T{card.id}").activities]
    assert kinds == ["created", "reopened"]


def test_move_errors(quick: QuickAdd, db: Database, config: Config) -> None:
    card = quick("Card").task
    child = quick(f"Step parent:T{card.id}").task
    with pytest.raises(InputError, match="already in To do"):
        move_task(db, f"T{card.id}", "to do", now=LATER, config=config)
    with pytest.raises(InputError, match="subtask"):
        move_task(db, f"T{child.id}", "review", now=LATER, config=config)
    with pytest.raises(InputError, match="unknown column"):
        move_task(db, f"T{card.id}", "archive", now=LATER, config=config)
    with pytest.raises(NotFoundError):
        move_task(db, "T99", "review", now=LATER, config=config)


def test_shift_moves_one_column_and_errors_at_the_edges(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    card = quick("Card col:backlog").task
    ref = f"T{card.id}"
    with pytest.raises(InputError, match="first column"):
        shift_task(db, ref, -1, now=LATER, config=config)
    assert shift_task(db, ref, 1, now=LATER, config=config).task.column == "To do"
    assert shift_task(db, ref, 2, now=LATER, config=config).task.column == "Review"
    result = shift_task(db, ref, 1, now=LATER, config=config)
    assert (result.task.column, result.task.done_at) == ("Done", LATER)
    with pytest.raises(InputError, match="last column"):
        shift_task(db, ref, 1, now=LATER, config=config)
    assert shift_task(db, ref, -1, now=LATER, config=config).task.done_at is None


def test_shift_past_the_edge_stops_at_the_edge(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    card = quick("Card").task
    assert shift_task(db, f"T{card.id}", 10, now=LATER, config=config).task.column == "Done"


def test_reorder_swaps_with_the_neighbour_and_errors_at_the_ends(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    c, b, a = (quick(t).task for t in ("C", "B", "A"))
    assert board(db, config, "to do") == ["A", "B", "C"]
    reorder_task(db, f"T{a.id}", 1, now=LATER)  # J
    assert board(db, config, "to do") == ["B", "A", "C"]
    reorder_task(db, f"T{c.id}", -1, now=LATER)  # K
    assert board(db, config, "to do") == ["B", "C", "A"]
    with pytest.raises(InputError, match="top"):
        reorder_task(db, f"T{b.id}", -1, now=LATER)
    with pytest.raises(InputError, match="bottom"):
        reorder_task(db, f"T{a.id}", 1, now=LATER)
    with pytest.raises(InputError):
        reorder_task(db, f"T{a.id}", 2, now=LATER)


def test_reorder_stays_within_the_column(quick: QuickAdd, db: Database, config: Config) -> None:
    quick("Other col:review")
    only = quick("Only").task
    with pytest.raises(InputError, match="bottom"):
        reorder_task(db, f"T{only.id}", 1, now=LATER)
    with pytest.raises(InputError, match="top"):
        reorder_task(db, f"T{only.id}", -1, now=LATER)


def test_reorder_breaks_ties_of_equal_positions(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    first, second = quick("First").task, quick("Second").task
    with db.write() as tx:  # e.g. cards written by an older version or an import
        tx.run("UPDATE task SET position = 0")
    assert board(db, config, "to do") == ["First", "Second"]  # ties by id
    reorder_task(db, f"T{second.id}", -1, now=LATER)
    assert board(db, config, "to do") == ["Second", "First"]
    reorder_task(db, f"T{first.id}", -1, now=LATER)
    assert board(db, config, "to do") == ["First", "Second"]


def test_reorder_subtasks_within_their_checklist(quick: QuickAdd, db: Database) -> None:
    card = quick("Card").task
    one = quick(f"One parent:T{card.id}").task
    quick(f"Two parent:T{card.id}")
    quick("Unrelated card")
    reorder_task(db, f"T{one.id}", 1, now=LATER)
    subtasks = get_task_details(db, f"T{card.id}").subtasks
    assert [r.task.title for r in subtasks] == ["Two", "One"]


# --- complete, reopen ------------------------------------------------------------------------


def test_complete_a_card_moves_it_to_done_with_its_subtasks(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    card = quick("Card col:review").task
    quick(f"Step parent:T{card.id}")
    result = complete_task(db, f"T{card.id}", now=LATER, config=config)
    assert (result.task.column, result.task.done_at) == ("Done", LATER)
    assert result.completed_subtasks == 1
    assert board(db, config, "review") == []
    with pytest.raises(InputError, match="already done"):
        complete_task(db, f"T{card.id}", now=LATER, config=config)


def test_complete_a_subtask_leaves_the_card_where_it_is(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    card = quick("Card").task
    step = quick(f"Step parent:T{card.id}").task
    result = complete_task(db, f"T{step.id}", now=LATER, config=config)
    assert result.task.done_at == LATER
    details = get_task_details(db, f"T{card.id}")
    assert details.row.task.done_at is None
    assert details.row.task.column == "To do"
    assert (details.row.subtasks_done, details.row.subtasks_total) == (1, 1)
    reopened = reopen_task(db, f"T{step.id}", now=LATER, config=config)
    assert reopened.task.done_at is None


def test_reopen_puts_a_card_back_in_the_new_task_column(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    card = quick("Card col:review").task
    complete_task(db, f"T{card.id}", now=LATER, config=config)
    result = reopen_task(db, f"T{card.id}", now=LATER, config=config)
    assert (result.task.column, result.task.done_at) == ("To do", None)
    with pytest.raises(InputError, match="not done"):
        reopen_task(db, f"T{card.id}", now=LATER, config=config)


# --- delete, show, list ----------------------------------------------------------------------


def test_delete_takes_subtasks_tags_reminders_and_timeline_along(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    card = quick("Card +urgent").task
    quick(f"One parent:T{card.id}")
    quick(f"Two parent:T{card.id}")
    keep = quick("Keep +urgent").task
    add_reminder(db, "Chase", "fri", now=now, config=config, about=f"T{card.id}")
    assert count_subtasks(db, f"T{card.id}") == 2
    deleted = delete_task(db, f"T{card.id}")
    assert (deleted.title, deleted.subtasks) == ("Card", 2)
    assert [t.id for t in rows(db, Task)] == [keep.id]
    assert [t.task_id for t in rows(db, TaskTag)] == [keep.id]
    assert rows(db, Reminder) == []
    assert {a.task_id for a in rows(db, Activity)} == {keep.id}
    with pytest.raises(NotFoundError):
        delete_task(db, f"T{card.id}")


def test_show_gathers_lead_parent_subtasks_reminders_and_timeline(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    lead = add_lead(db, LeadDraft("Website"), now=now, config=config).lead
    card = quick(f"Card client:Granel lead:L{lead.id} +web").task
    step = quick(f"Step parent:T{card.id}").task
    add_reminder(db, "Chase", "fri 10:00", now=now, config=config, about=f"T{card.id}")
    details = get_task_details(db, f"T{card.id}")
    assert details.row.client_name == "Granel"
    assert details.row.tags == ["web"]
    assert details.lead is not None and details.lead.title == "Website"
    assert details.parent is None
    assert [r.task.id for r in details.subtasks] == [step.id]
    assert [r.text for r in details.reminders] == ["Chase"]
    assert get_task_details(db, str(step.id)).parent.id == card.id  # type: ignore[union-attr]


def test_list_filters(quick: QuickAdd, db: Database, config: Config) -> None:
    quick("A client:Granel +seo @Anna")
    quick("B client:Other +seo")
    quick("C @anna col:review")
    done = quick("D client:Granel").task
    complete_task(db, f"T{done.id}", now=LATER, config=config)

    def titles(**kwargs) -> list[str]:  # type: ignore[no-untyped-def]
        return sorted(r.task.title for r in list_tasks(db, config=config, **kwargs))

    assert titles() == ["A", "B", "C"]
    assert titles(client="granel") == ["A"]
    assert titles(client="granel", include_done=True) == ["A", "D"]
    assert titles(tag="+SEO") == ["A", "B"]
    assert titles(assignee="@ANNA") == ["A", "C"]
    assert titles(column="rev") == ["C"]
    with pytest.raises(NotFoundError):
        list_tasks(db, config=config, client="Nobody")


def test_assignee_filter_folds_case_in_any_script(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    quick("Write copy @Анна")
    quick("Audit @seo")
    for wanted in ("@Анна", "анна", "@АННА"):
        assert [r.task.title for r in list_tasks(db, config=config, assignee=wanted)] == [
            "Write copy"
        ]


def test_hyphenated_column_names_from_the_config_resolve(config: Config) -> None:
    custom = dataclasses.replace(
        config, columns=("Backlog", "Follow-up", "On_hold", "Done"), new_task_column="Backlog"
    )
    assert resolve_column("Follow-up", custom) == "Follow-up"
    assert resolve_column("follow up", custom) == "Follow-up"
    assert resolve_column("on hold", custom) == "On_hold"
    assert resolve_column("in-progress", config) == "In progress"


def test_a_task_for_a_lead_gets_the_leads_client(
    quick: QuickAdd, db: Database, config: Config, now: datetime
) -> None:
    lead = add_lead(db, LeadDraft("Website", client="Granel"), now=now, config=config).lead
    result = quick(f"Estimate lead:L{lead.id}")
    assert result.client is not None and result.client.name == "Granel"
    assert not result.created_client


def test_list_is_in_board_order_and_pages(quick: QuickAdd, db: Database, config: Config) -> None:
    quick("Late col:review")
    quick("Early col:backlog")
    quick("Mid 1")
    quick("Mid 2")
    rows = list_tasks(db, config=config)
    assert [r.task.title for r in rows] == ["Early", "Mid 2", "Mid 1", "Late"]
    page = list_tasks(db, config=config, limit=2, offset=1)
    assert [r.task.title for r in page] == ["Mid 2", "Mid 1"]


def test_pages_cross_columns_and_a_column_gone_from_the_config_comes_last(
    quick: QuickAdd, db: Database, config: Config
) -> None:
    for title in ("R1 col:review", "B1 col:backlog", "T1", "T2", "X1 col:review", "B2 col:backlog"):
        quick(title)
    fewer = dataclasses.replace(config, columns=("Backlog", "To do", "In progress", "Done"))
    everything = [r.task.title for r in list_tasks(db, config=fewer, limit=None)]
    assert everything == ["B2", "B1", "T2", "T1", "X1", "R1"]  # Review is no longer a column
    pages = [
        [r.task.title for r in list_tasks(db, config=fewer, limit=2, offset=start)]
        for start in (0, 1, 3, 5, 6)
    ]
    assert pages == [["B2", "B1"], ["B1", "T2"], ["T1", "X1"], ["R1"], []]


def test_add_task_with_explicit_draft_values(db: Database, config: Config, now: datetime) -> None:
    due = datetime(2026, 12, 1, 15, 0, tzinfo=config.timezone)
    result = add_task(
        db,
        TaskDraft("Plain", tags=["A", "a", "+b"], due=due, estimate=2, priority="2"),
        now=now,
        config=config,
    )
    assert result.tags == ["a", "b"]
    assert result.task.due_at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert result.task.estimate_hours == 2.0
    assert result.task.priority == "normal"
    with pytest.raises(InputError, match="tag"):
        add_task(db, TaskDraft("Bad", tags=["two words"]), now=now, config=config)
