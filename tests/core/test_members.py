"""Team mode: members, owners, whose records a list shows, take / assign / hand over.

Runs on SQLite and, with AMTUI_TEST_DB=postgresql, on PostgreSQL (the `db` fixture); the race
of two members taking one lead uses two real connections to the same database.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime, timedelta

import pytest

from amtui.core.agenda import build_agenda
from amtui.core.config import Config, load_config
from amtui.core.db import Database
from amtui.core.errors import InputError, NotFoundError
from amtui.core.lead_queries import get_lead_details, list_leads
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.members import (
    EVERYONE,
    TakenError,
    add_member,
    assign,
    hand_over,
    list_members,
    resolve_scope,
    take,
)
from amtui.core.models import Activity, Lead, Member, Reminder, Task
from amtui.core.notify import collect_due
from amtui.core.pipeline import win_lead
from amtui.core.reminders import add_reminder, list_reminders
from amtui.core.task_queries import list_tasks
from amtui.core.tasks import TaskDraft, add_task
from tests.storage import count, one, rows


def as_member(config: Config, handle: str | None) -> Config:
    return dataclasses.replace(config, me=handle)


@pytest.fixture
def team(db: Database, now: datetime) -> tuple[Member, Member]:
    anna = add_member(db, "anna", "Anna Berg", now=now, email="anna@agency.example")
    ben = add_member(db, "Ben", "Бен Орлов", now=now, timezone="America/New_York")
    return anna, ben


def lead(db: Database, config: Config, now: datetime, title: str, owner: str | None = None) -> str:
    return add_lead(db, LeadDraft(title, owner=owner), now=now, config=config).lead.ref


# --- members ---------------------------------------------------------------------------------


def test_members_are_listed_by_handle_with_their_details(
    db: Database, team: tuple[Member, Member]
) -> None:
    members = list_members(db)
    assert [m.handle for m in members] == ["anna", "ben"]  # handles are lower-cased
    assert members[1].name == "Бен Орлов" and members[1].timezone == "America/New_York"


@pytest.mark.parametrize(
    ("handle", "name", "extra", "expected"),
    [
        ("anna", "Anna Again", {}, "exists already"),
        ("ANNA", "Anna Again", {}, "exists already"),
        ("me", "Me", {}, "--owner reads itself"),
        ("all", "All", {}, "--owner reads itself"),
        ("team", "Team", {}, "--owner reads itself"),  # `--owner team` would never reach it
        ("nobody", "Nobody", {}, "--owner reads itself"),
        ("an na", "Anna", {}, "not a member handle"),
        ("", "Nobody", {}, "not a member handle"),
        ("x" * 33, "Long", {}, "not a member handle"),
        ("carl", "  ", {}, "member name"),
        ("carl", "Carl", {"email": "not-an-address"}, "email"),
        ("carl", "Carl", {"timezone": "Mars/Olympus"}, "zone"),
    ],
)
def test_bad_member_input_is_refused_and_nothing_is_written(
    db: Database,
    now: datetime,
    team: tuple[Member, Member],
    handle: str,
    name: str,
    extra: dict[str, str],
    expected: str,
) -> None:
    with pytest.raises(InputError, match=expected):
        add_member(db, handle, name, now=now, **extra)
    assert count(db, Member) == 2


# --- whose records -----------------------------------------------------------------------------


def test_without_members_everything_is_everyones(
    db: Database, config: Config, now: datetime
) -> None:
    lead(db, config, now, "Spring landing")
    assert resolve_scope(db, None, as_member(config, "anna")) == EVERYONE
    assert len(list_leads(db, scope=resolve_scope(db, None, config))) == 1


def test_mine_by_default_shows_my_leads_and_nobodys(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    anna_cfg = as_member(config, "anna")
    lead(db, config, now, "Nobody's yet")
    lead(db, config, now, "Anna's", owner="anna")
    lead(db, config, now, "Ben's", owner="ben")

    def titles(owner: str | None, cfg: Config = anna_cfg) -> list[str]:
        scope = resolve_scope(db, owner, cfg)
        return sorted(row.lead.title for row in list_leads(db, scope=scope))

    assert titles(None) == ["Anna's", "Nobody's yet"]
    assert titles("me") == ["Anna's", "Nobody's yet"]
    assert titles("ben") == ["Ben's", "Nobody's yet"]
    assert titles("Бен орлов") == ["Ben's", "Nobody's yet"]  # by full name, any case
    assert titles("none") == ["Nobody's yet"]
    assert titles("all") == ["Anna's", "Ben's", "Nobody's yet"]
    assert titles(None, as_member(config, "ben")) == ["Ben's", "Nobody's yet"]
    assert titles(None, as_member(config, None)) == ["Anna's", "Ben's", "Nobody's yet"]
    assert resolve_scope(db, None, anna_cfg).label == "mine"
    assert resolve_scope(db, "ben", anna_cfg).label == "ben's"


def test_an_unknown_owner_or_an_unset_me_is_refused(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    with pytest.raises(NotFoundError, match="no member 'carl'"):
        resolve_scope(db, "carl", config)
    with pytest.raises(InputError, match="who you are is not set"):
        resolve_scope(db, "me", as_member(config, None))
    with pytest.raises(InputError, match="'zoe' is not a member"):
        resolve_scope(db, None, as_member(config, "zoe"))


def test_tasks_reminders_and_the_agenda_follow_their_owner(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    anna_cfg, ben_cfg = as_member(config, "anna"), as_member(config, "ben")
    mine = add_task(db, TaskDraft("Anna's card", due="today 15:00"), now=now, config=anna_cfg)
    theirs = add_task(db, TaskDraft("Ben's card", due="today 16:00"), now=now, config=ben_cfg)
    sub = add_task(db, TaskDraft("Ben's subtask", parent=theirs.task.ref), now=now, config=anna_cfg)
    assert sub.task.owner_id == theirs.task.owner_id  # a subtask is its card owner's
    ben_lead = lead(db, config, now, "Ben's lead", owner="ben")
    add_reminder(db, "Call about Ben's lead", "today 17:00", now=now, config=config, about=ben_lead)
    add_reminder(
        db, "Check Anna's card", "today 17:00", now=now, config=config, about=mine.task.ref
    )
    add_reminder(db, "Team lunch", "today 12:00", now=now, config=config)

    anna = resolve_scope(db, None, anna_cfg)
    assert [r.task.title for r in list_tasks(db, config=config, scope=anna)] == ["Anna's card"]
    assert sorted(r.reminder.text for r in list_reminders(db, scope=anna)) == [
        "Check Anna's card",
        "Team lunch",
    ]
    agenda = build_agenda(db, now=now, config=config, scope=anna)
    assert agenda.owner == "anna"
    assert [i.ref for i in agenda.today.items] == [mine.task.ref]
    assert {i.reminder.reminder.text for i in agenda.reminders.items if i.reminder} == {
        "Check Anna's card",
        "Team lunch",
    }
    everyone = build_agenda(db, now=now, config=config)
    assert len(everyone.today.items) == 2 and everyone.owner is None


def test_remind_due_reports_only_my_deadlines(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    """Each member's cron job reports their own deadlines, and the unowned leads' ones."""
    earlier = now - timedelta(minutes=20)
    for title, owner in (("Mine", "anna"), ("Ben's", "ben"), ("Nobody's", None)):
        draft = LeadDraft(title, owner=owner, received=earlier)
        add_lead(db, draft, now=now, config=config)
    anna = resolve_scope(db, None, as_member(config, "anna"))
    titles = sorted(
        i.lead.lead.title for i in collect_due(db, now=now, config=config, scope=anna) if i.lead
    )
    assert titles == ["Mine", "Nobody's"]
    ben = resolve_scope(db, None, as_member(config, "ben"))
    assert [
        i.lead.lead.title for i in collect_due(db, now=now, config=config, scope=ben) if i.lead
    ] == ["Ben's"]


def due_titles(db: Database, config: Config, now: datetime, owner: str | None = None) -> list[str]:
    """What one `remind due` run (as `config.me`) reports: lead titles and reminder texts."""
    scope = resolve_scope(db, owner, config)
    return sorted(
        i.lead.lead.title if i.lead else i.reminder.reminder.text if i.reminder else i.ref
        for i in collect_due(db, now=now, config=config, scope=scope)
    )


def test_each_member_is_told_of_their_own_and_of_nobodys_deadlines_once(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    """Being told is per member: whoever's cron runs first does not use up the others'."""
    anna, ben = as_member(config, "anna"), as_member(config, "ben")
    earlier = now - timedelta(minutes=20)
    for title, owner in (("Anna's", "anna"), ("Ben's", "ben"), ("Nobody's", None)):
        add_lead(db, LeadDraft(title, owner=owner, received=earlier), now=now, config=config)
    add_reminder(db, "Team lunch", "today 08:00", now=earlier, config=config)

    assert due_titles(db, anna, now) == ["Anna's", "Nobody's", "Team lunch"]
    assert due_titles(db, anna, now) == []  # told once
    # Ben's cron runs later: Anna's run did not tell him of the lead nobody owns, nor the lunch.
    assert due_titles(db, ben, now) == ["Ben's", "Nobody's", "Team lunch"]
    assert due_titles(db, ben, now) == []
    # A run without `me` (a shared cron job) is told of everything once, by itself.
    assert due_titles(db, as_member(config, None), now) == [
        "Anna's",
        "Ben's",
        "Nobody's",
        "Team lunch",
    ]


def test_looking_at_someone_elses_deadlines_does_not_use_up_their_notice(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    anna, ben = as_member(config, "anna"), as_member(config, "ben")
    add_lead(db, LeadDraft("Ben's", owner="ben", received=now), now=now, config=config)
    assert due_titles(db, anna, now, owner="ben") == ["Ben's"]  # Anna is told, as she asked
    assert due_titles(db, anna, now, owner="all") == []  # …once
    assert due_titles(db, ben, now) == ["Ben's"]  # and Ben still is


def test_a_moved_deadline_is_told_to_everyone_again(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    from amtui.core.reminders import snooze_reminder

    anna, ben = as_member(config, "anna"), as_member(config, "ben")
    ref = add_reminder(db, "Call", "today 08:00", now=now, config=config).reminder.ref
    assert due_titles(db, anna, now) == due_titles(db, ben, now) == ["Call"]
    snooze_reminder(db, ref, "+1h", now=now, config=anna)
    later = now + timedelta(hours=1)
    assert due_titles(db, anna, later) == due_titles(db, ben, later) == ["Call"]
    assert due_titles(db, anna, later) == due_titles(db, ben, later) == []


def test_what_was_told_is_no_change_to_undo(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    from amtui.core.journal import undo_latest

    anna = as_member(config, "anna")
    add_reminder(db, "Call", "today 08:00", now=now, config=config)
    assert due_titles(db, anna, now) == ["Call"]
    undone = undo_latest(db, now=now)  # takes back the reminder, not the notice
    assert undone.entry.action == "remind add"
    assert count(db, Reminder) == 0


# --- take, assign, hand over -------------------------------------------------------------------


def test_take_makes_a_lead_mine_with_one_timeline_entry(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    ref = lead(db, config, now, "Spring landing")
    later = now + timedelta(minutes=3)
    change = take(db, ref, now=later, config=as_member(config, "anna"))
    assert change.owner.handle == "anna" and change.previous is None
    details = get_lead_details(db, ref)
    assert details.row.owner == "anna" and details.row.lead.updated_at == later
    entries = [a for a in details.activities if a.kind == "assigned"]
    assert [(a.text, a.data) for a in entries] == [
        ("taken by anna", {"owner": "anna", "previous": None})
    ]


def test_take_refuses_someone_elses_lead_and_my_own(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    ref = lead(db, config, now, "Spring landing", owner="ben")
    with pytest.raises(TakenError, match=r"belongs to Бен Орлов \(ben\) already"):
        take(db, ref, now=now, config=as_member(config, "anna"))
    with pytest.raises(TakenError, match="yours already"):
        take(db, ref, now=now, config=as_member(config, "ben"))
    with pytest.raises(InputError, match="who you are is not set"):
        take(db, ref, now=now, config=as_member(config, None))
    assert one(db, Lead, "id = :id", {"id": int(ref[1:])}).owner_id == team[1].id
    assert count(db, Activity, "kind = 'assigned'") == 0


def test_assign_hands_over_and_says_who_had_it(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    ref = lead(db, config, now, "Spring landing", owner="ben")
    change = assign(db, ref, "anna", now=now, config=as_member(config, "ben"))
    assert change.previous is not None and change.previous.handle == "ben"
    (entry,) = rows(db, Activity, "kind = 'assigned'")
    assert entry.text == "assigned to anna (was ben) by ben"
    with pytest.raises(TakenError, match="already; nothing to do"):
        assign(db, ref, "anna", now=now, config=config)
    with pytest.raises(NotFoundError):
        assign(db, ref, "zoe", now=now, config=config)
    with pytest.raises(InputError, match="only leads"):
        assign(db, "C1", "anna", now=now, config=config)
    assert count(db, Activity, "kind = 'assigned'") == 1


def test_hand_over_moves_every_open_record_once(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    anna_cfg = as_member(config, "anna")
    open_lead = lead(db, config, now, "Open", owner="anna")
    won = lead(db, config, now, "Won", owner="anna")
    win_lead(db, won, now=now, config=anna_cfg, client="Granel")  # its starter tasks: anna's
    card = add_task(db, TaskDraft("Card"), now=now, config=anna_cfg).task
    changes = hand_over(db, "anna", "ben", now=now, config=anna_cfg)
    refs = [c.ref for c in changes]
    assert open_lead in refs and won not in refs and card.ref in refs
    assert count(db, Task, "owner_id = :id AND done_at IS NULL", {"id": team[0].id}) == 0
    assert count(db, Activity, "kind = 'assigned'") == len(changes)
    assert one(db, Lead, "id = :id", {"id": int(won[1:])}).owner_id == team[0].id
    with pytest.raises(InputError, match="themselves"):
        hand_over(db, "ben", "ben", now=now, config=config)


def test_two_members_taking_one_lead_at_once_exactly_one_wins(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    """Two real connections (two processes' worth) take the same lead at the same moment."""
    ref = lead(db, config, now, "Contested")
    other = Database(db.target)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name: str, database: Database) -> None:
        cfg = dataclasses.replace(load_config(), me=name)
        barrier.wait()
        try:
            outcomes[name] = take(database, ref, now=now, config=cfg).owner.handle
        except TakenError as error:
            outcomes[name] = error

    threads = [
        threading.Thread(target=run, args=("anna", db)),
        threading.Thread(target=run, args=("ben", other)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.dispose()
    winners = [name for name, result in outcomes.items() if result == name]
    losers = [result for result in outcomes.values() if isinstance(result, TakenError)]
    assert len(winners) == 1 and len(losers) == 1
    assert f"({winners[0]}) already" in str(losers[0])
    assert get_lead_details(db, ref).row.owner == winners[0]
    assert count(db, Activity, "kind = 'assigned'") == 1


def test_a_change_by_another_connection_wakes_a_waiting_app(
    db: Database, config: Config, now: datetime
) -> None:
    """What the open app relies on: another session's commit moves the change token (on
    PostgreSQL a NOTIFY from the tables' triggers, on SQLite `data_version`), and a waiter
    wakes on it; on PostgreSQL our own commits are not counted as someone else's."""
    other = Database(db.target)
    try:
        token = db.change_token()
        lead(db, config, now, "Our own")
        with other.write(journal=False) as tx:  # one table, so one notification
            tx.run("UPDATE lead SET notes = 'seen elsewhere'")
        assert db.wait_for_change(token, timeout=60)
        if not db.is_sqlite:
            assert db.change_token() == token + 1  # one statement elsewhere; ours ignored
    finally:
        other.dispose()


def test_timeline_entries_keep_who_made_each_change(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    """Who created a record and who last changed it: its entries' actor (`Database.actor`,
    set by the front end when `me` is a member)."""
    from amtui.core.activities import describe_activity
    from amtui.core.members import acting_member

    assert acting_member(db, as_member(config, "zoe")) is None  # not a member: nobody
    db.actor = acting_member(db, as_member(config, "anna"))
    ref = lead(db, config, now, "Spring landing")
    db.actor = acting_member(db, as_member(config, "ben"))
    assign(db, ref, "anna", now=now, config=as_member(config, "ben"))
    entries = get_lead_details(db, ref).activities
    assert [(a.kind, a.actor) for a in entries] == [("created", "anna"), ("assigned", "ben")]
    assert describe_activity(entries[1], config.timezone) == "assigned to anna · by ben"


def test_the_next_occurrence_of_a_recurring_card_keeps_its_owner(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    from amtui.core.tasks import complete_task

    ben = as_member(config, "ben")
    card = add_task(db, TaskDraft("Weekly report", due="today", recur="1w"), now=now, config=ben)
    complete_task(db, card.task.ref, now=now, config=as_member(config, "anna"))
    (following,) = rows(db, Task, "done_at IS NULL AND title = 'Weekly report'")
    assert following.id != card.task.id and following.owner_id == team[1].id


# --- --owner on the other views, and the owner of a new card ------------------------------------


def test_followups_pipeline_search_and_calendar_take_a_scope(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    from amtui.core.calendar import calendar_data
    from amtui.core.followups import list_followups
    from amtui.core.money_views import build_pipeline
    from amtui.core.search import search

    anna_cfg = as_member(config, "anna")
    lead(db, config, now, "Site nobody's")
    lead(db, config, now, "Site Anna's", owner="anna")
    ben_ref = lead(db, config, now, "Site Ben's", owner="ben")
    add_reminder(db, "Call about the site", "today 17:00", now=now, config=config, about=ben_ref)
    mine = resolve_scope(db, None, anna_cfg)

    def titles(rows: list[str]) -> list[str]:
        return sorted(rows)

    followups = list_followups(db, config=config, include_idle=True, scope=mine)
    assert titles([s.row.lead.title for s in followups]) == ["Site Anna's", "Site nobody's"]
    board = build_pipeline(db, now=now, config=config, scope=mine)
    assert titles([r.lead.title for rows in board.columns.values() for r in rows]) == [
        "Site Anna's",
        "Site nobody's",
    ]
    assert board.summary.columns[0].count == 2
    hits = search(db, "site", scope=mine)
    assert titles([h.title for h in hits if h.kind == "lead"]) == ["Site Anna's", "Site nobody's"]
    assert [h.title for h in search(db, "call", scope=mine)] == []  # Ben's lead's reminder
    assert len(search(db, "site")) == 4  # everyone's without a scope (the reminder too)
    events = calendar_data(db, config=config, now=now, scope=resolve_scope(db, "ben", anna_cfg))
    assert {e.ref for e in events.events} == {ben_ref, "L1", "R1"}
    assert {e.ref for e in calendar_data(db, config=config, now=now, scope=mine).events} == {
        "L1",
        "L2",
    }


def test_a_new_card_can_be_given_to_a_member_or_to_nobody(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member], quick
) -> None:  # type: ignore[no-untyped-def]
    anna_cfg = as_member(config, "anna")
    handles = {m.id: m.handle for m in list_members(db)}

    def owner(result) -> str | None:  # type: ignore[no-untyped-def]
        return handles.get(result.task.owner_id)

    assert owner(add_task(db, TaskDraft("Default"), now=now, config=anna_cfg)) == "anna"
    assert owner(add_task(db, TaskDraft("Ben's", owner="ben"), now=now, config=anna_cfg)) == "ben"
    assert owner(add_task(db, TaskDraft("Free", owner="none"), now=now, config=anna_cfg)) is None
    assert owner(quick("Quoted owner:Ben due:fri", cfg=anna_cfg)) == "ben"
    with pytest.raises(InputError, match="names no one owner"):
        add_task(db, TaskDraft("Everyone's", owner="all"), now=now, config=anna_cfg)
    with pytest.raises(NotFoundError, match="no member 'zoe'"):
        quick("Zoe's owner:zoe", cfg=anna_cfg)
    with pytest.raises(InputError, match="disagree"):
        from amtui.core.drafts import TaskOptions, task_draft

        task_draft("Two owner:ben", TaskOptions(owner="anna"), now=now, config=anna_cfg)
    with pytest.raises(InputError, match="task assign"):
        from amtui.core.drafts import patch_from_text

        patch_from_text("owner:ben", now=now, config=anna_cfg)
    assert count(db, Task) == 4


# --- clients are owned too ------------------------------------------------------------------------


def test_a_clients_reminders_and_invoices_follow_its_owner(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    from amtui.core.clients import add_client, list_clients

    anna, ben = as_member(config, "anna"), as_member(config, "ben")
    granel = add_client(db, "Granel", now=now, owner="ben", config=anna).ref
    kettle = add_client(db, "Kettle", now=now, owner="me", config=anna).ref
    add_client(db, "Harbor", now=now)
    add_reminder(db, "Call Granel", "today 08:00", now=now, config=config, about=granel)
    add_reminder(db, "Call Kettle", "today 08:00", now=now, config=config, about=kettle)
    mine = resolve_scope(db, None, anna)
    assert [s.client.name for s in list_clients(db, scope=mine)] == ["Harbor", "Kettle"]
    assert [s.owner for s in list_clients(db)] == ["ben", None, "anna"]
    assert [r.reminder.text for r in list_reminders(db, scope=mine)] == ["Call Kettle"]
    assert due_titles(db, anna, now) == ["Call Kettle"]
    assert due_titles(db, ben, now) == ["Call Granel"]
    from amtui.core.invoices import issue_invoice, new_invoice

    for client in (granel, kettle):
        draft = new_invoice(
            db, client, now=now, config=config, lines=[("Work", "100")], currency="EUR"
        )
        issue_invoice(db, draft.invoice.ref, now=now - timedelta(days=40), config=config)
    items = collect_due(db, now=now, config=anna, scope=mine)
    due = [i.invoice.invoice.client_id for i in items if i.invoice]
    assert due == [int(kettle[1:])]  # an overdue invoice is its client's owner's
    changes = hand_over(db, "ben", "anna", now=now, config=anna)
    assert [c.ref for c in changes] == ["C1"]
    assert [s.client.name for s in list_clients(db, scope=mine)] == ["Granel", "Harbor", "Kettle"]


# --- editing and removing members -----------------------------------------------------------------


def test_a_member_is_edited_but_keeps_their_handle(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    from amtui.core.members import edit_member

    member, changed = edit_member(
        db, "ben", now=now, config=config, name="Ben Ode", email="ben@agency.example", timezone=None
    )
    assert (member.handle, member.name, member.email, member.timezone) == (
        "ben",
        "Ben Ode",
        "ben@agency.example",
        None,
    )
    assert changed == ["name", "email", "timezone"]
    assert edit_member(db, "ben", now=now, config=config, name="Ben Ode")[1] == []
    with pytest.raises(InputError, match="zone"):
        edit_member(db, "ben", now=now, config=config, timezone="Mars/Olympus")
    with pytest.raises(InputError, match="nothing to change"):
        edit_member(db, "ben", now=now, config=config)
    with pytest.raises(NotFoundError, match="no member 'carl'"):
        edit_member(db, "carl", now=now, config=config, name="Carl")


def test_removing_a_member_who_owns_open_records_needs_a_handover(
    db: Database, config: Config, now: datetime, team: tuple[Member, Member]
) -> None:
    from amtui.core.journal import undo_latest
    from amtui.core.members import remove_member

    anna = as_member(config, "anna")
    open_ref = lead(db, config, now, "Open", owner="ben")
    won_ref = lead(db, config, now, "Won", owner="ben")
    win_lead(db, won_ref, now=now, config=config, client="Granel")
    with pytest.raises(InputError, match=r"ben owns \d+ open records \(L1"):
        remove_member(db, "ben", now=now, config=anna)
    assert count(db, Member) == 2
    with pytest.raises(InputError, match="themselves"):
        remove_member(db, "ben", now=now, config=anna, handover="ben")

    removed = remove_member(db, "ben", now=now, config=anna, handover="me")
    assert open_ref in [c.ref for c in removed.handed]
    assert [m.handle for m in list_members(db)] == ["anna"]
    owners = dict(rows_of(db, "SELECT id, owner_id FROM lead ORDER BY id"))
    assert owners == {1: removed.handed[0].owner.id, 2: None}  # the won lead is nobody's now
    undo_latest(db, now=now)
    assert [m.handle for m in list_members(db)] == ["anna", "ben"]
    ben_id = next(m.id for m in list_members(db) if m.handle == "ben")
    assert dict(rows_of(db, "SELECT id, owner_id FROM lead ORDER BY id")) == {1: ben_id, 2: ben_id}


def rows_of(db: Database, sql: str) -> list[tuple[object, ...]]:
    with db.read() as tx:
        return tx.tuples(sql)
