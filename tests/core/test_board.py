"""Paged views for the full-screen app (amtui.core.board): columns, inbox, filters."""

from __future__ import annotations

from datetime import timedelta

from amtui.core import board, leads, reminders, tasks
from amtui.core.agenda import build_agenda
from amtui.core.pipeline import respond_lead


def test_columns_page_in_board_order_with_totals(quick, db, config, now) -> None:
    for n in range(5):
        quick(f"Card {n} col:backlog")
    quick("Other col:review")
    first = board.board_column(db, "Backlog", config=config, now=now, limit=2)
    second = board.board_column(db, "Backlog", config=config, now=now, offset=2, limit=2)
    assert (first.total, first.more) == (5, 3)
    assert [r.task.title for r in first.rows] == ["Card 4", "Card 3"]  # newest on top
    assert [r.task.title for r in second.rows] == ["Card 2", "Card 1"]
    pages = board.load_board(db, config=config, now=now, limits={"Backlog": 1})
    assert [(p.name, p.total, len(p.rows)) for p in pages] == [
        ("Backlog", 5, 1),
        ("To do", 0, 0),
        ("In progress", 0, 0),
        ("Review", 1, 1),
        ("Done", 0, 0),
    ]


def test_done_shows_only_recent_cards(quick, db, config, now) -> None:
    old = quick("Finished long ago").task
    tasks.complete_task(db, f"T{old.id}", now=now - timedelta(days=30), config=config)
    recent = quick("Finished today").task
    tasks.complete_task(db, f"T{recent.id}", now=now, config=config)
    done = board.board_column(db, "Done", config=config, now=now)
    assert [r.task.title for r in done.rows] == ["Finished today"]


def test_board_filters_by_client_and_text_in_any_case(quick, db, config, now) -> None:
    quick("Send estimate client:Гранель +urgent")
    quick("Write copy client:Other @copywriter")
    granel = board.find_client_choice(db, "гранель")
    by_client = board.load_board(db, config=config, now=now, client=granel.id)
    assert sum(p.total for p in by_client) == 1
    for text in ("ESTIMATE", "urgent", "+urgent"):
        pages = board.load_board(db, config=config, now=now, text=text)
        assert [r.task.title for p in pages for r in p.rows] == ["Send estimate"], text
    pages = board.load_board(db, config=config, now=now, text="@copywriter")
    assert [r.task.title for p in pages for r in p.rows] == ["Write copy"]


def test_inbox_puts_waiting_leads_first_and_pages_across_both_parts(db, config, now) -> None:
    def lead(title: str, minutes_ago: int) -> str:
        at = now - timedelta(minutes=minutes_ago)
        result = leads.add_lead(db, leads.LeadDraft(title, received=at), now=at, config=config)
        return f"L{result.lead.id}"

    answered_old, answered_new = lead("Answered old", 300), lead("Answered new", 200)
    for ref in (answered_old, answered_new):
        respond_lead(db, ref, now=now, config=config)
    lead("Waiting newer", 5)
    lead("Waiting older", 50)
    full = board.inbox_page(db)
    assert (full.total, full.waiting) == (4, 2)
    titles = [r.lead.title for r in full.rows]
    assert titles == ["Waiting older", "Waiting newer", "Answered new", "Answered old"]
    pages = [board.inbox_page(db, offset=n, limit=1).rows[0].lead.title for n in range(4)]
    assert pages == titles
    assert [r.lead.title for r in board.inbox_page(db, text="OLDER").rows] == ["Waiting older"]


def test_filter_agenda_by_text_keeps_matching_items(quick, db, config, now) -> None:
    quick("Granel card due:today client:Granel")
    lead = leads.add_lead(
        db, leads.LeadDraft("Granel lead", client="Granel"), now=now, config=config
    )
    reminders.add_reminder(
        db, "Call Granel", "today 18:00", now=now, config=config, about=f"L{lead.lead.id}"
    )
    reminders.add_reminder(db, "Call someone", "today 18:00", now=now, config=config)
    agenda = build_agenda(db, now=now, config=config, limit=100)
    texts = board.filter_agenda(agenda, text="someone")
    assert texts.reminders.total == 1 and texts.today.total == 0 and texts.waiting.total == 0
    granel = board.filter_agenda(agenda, text="GRANEL")
    assert [i.ref for i in granel.today.items] == ["T1"]
    assert granel.waiting.total == 1 and granel.reminders.total == 1
    assert board.filter_agenda(agenda, text=" ") is agenda


def test_open_columns_are_counted_from_an_index_alone(db, config, now) -> None:
    """Every reload counts each column's cards: at 100 000 records the open columns hold
    thousands, and reading each card's row to check `done_at` cost ~24 ms a reload. The count
    reads `ix_task_open_board` only (SQLite's plan: a covering index; PostgreSQL plans by its
    own statistics)."""
    import pytest

    from tests.storage import sqlite_plans

    if not db.is_sqlite:
        pytest.skip("the query plan checked is SQLite's")
    run = sqlite_plans(db, lambda: board.load_board(db, config=config, now=now))
    counts = [plan for sql, plan in run if "count(*)" in sql and "done_at IS NULL" in sql]
    assert len(counts) == len(config.columns) - 1  # every column but Done
    for plan in counts:
        assert "COVERING INDEX ix_task_open_board" in plan, plan
