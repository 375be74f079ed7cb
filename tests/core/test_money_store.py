"""Proposals, invoices and payments stored (issue 10): versions, sending, gapless numbers,
payments never above what is owed, and bad input that writes nothing. Runs on SQLite and, with
AMTUI_TEST_DB=postgresql, on PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import InputError, NotFoundError
from amtui.core.invoices import (
    delete_invoice,
    edit_invoice,
    get_invoice,
    invoice_dues,
    invoice_from_proposal,
    issue_invoice,
    list_invoices,
    new_invoice,
    record_payment,
    void_invoice,
)
from amtui.core.invoicing import PaymentState
from amtui.core.leads import LeadDraft, add_lead
from amtui.core.money_config import MoneySettings
from amtui.core.pipeline import change_stage
from amtui.core.proposals import (
    add_item,
    edit_proposal,
    get_proposal,
    list_client_proposals,
    list_proposals,
    new_proposal,
    remove_item,
    send_proposal,
)

TODAY = date(2026, 11, 25)


def counts(db: Database) -> dict[str, int]:
    with db.read() as tx:
        return {
            table: int(tx.scalar(f"SELECT count(*) FROM {table}"))
            for table in ("proposal", "proposal_item", "invoice", "invoice_line", "payment")
        }


@pytest.fixture
def lead(db: Database, now: datetime, config: Config) -> str:
    draft = LeadDraft(title="Website for Granel", client="Гранель", value="12k", currency="EUR")
    return add_lead(db, draft, now=now, config=config).lead.ref


@pytest.fixture
def proposal(db: Database, lead: str, now: datetime, config: Config) -> str:
    ref = new_proposal(db, lead, now=now, today=TODAY).proposal.ref
    add_item(
        db, ref, stage="Design", who="art director", hours="10", rate="95", now=now, config=config
    )
    add_item(
        db, ref, stage="Design", who="designer", hours="1h30m", rate="60,50", now=now, config=config
    )
    add_item(db, ref, stage="Build", who="developer", hours="40", rate="80", now=now, config=config)
    return ref


def test_a_proposal_totals_its_lines_by_stage(db: Database, proposal: str) -> None:
    details = get_proposal(db, proposal)
    assert details.proposal.number.endswith("-v1")
    totals = details.totals
    assert [s.stage for s in totals.stages] == ["Design", "Build"]
    # 10 × 95 + 1.5 × 60.50 (90.75) = 1040.75 EUR; 40 × 80 = 3200 EUR
    assert [s.totals["EUR"] for s in totals.stages] == [104075, 320000]
    assert totals.totals == {"EUR": 424075}


def test_a_new_version_copies_the_last_one_and_is_found_by_its_number(
    db: Database, lead: str, proposal: str, now: datetime, config: Config
) -> None:
    v2 = new_proposal(db, lead, now=now, today=TODAY)
    assert v2.proposal.version == 2 and len(v2.items) == 3
    remove_item(db, v2.proposal.ref, 2, now=now)
    assert get_proposal(db, f"{lead}-v2").totals.totals == {"EUR": 415000}
    assert get_proposal(db, f"{lead}-v1").totals.totals == {"EUR": 424075}  # untouched
    assert get_proposal(db, proposal).superseded
    assert [d.proposal.version for d in list_proposals(db, lead=lead)] == [2, 1]


def test_listing_proposals_gives_each_its_own_lines_lead_and_client(
    db: Database, lead: str, proposal: str, now: datetime, config: Config
) -> None:
    v2 = new_proposal(db, lead, now=now, today=TODAY, copy=False).proposal.ref
    other = add_lead(
        db, LeadDraft(title="Landing page", contact_name="Ann"), now=now, config=config
    )
    solo = new_proposal(db, other.lead.ref, now=now, today=TODAY).proposal.ref
    add_item(db, solo, stage="Copy", who="writer", hours="3", rate="40", currency="USD",
             now=now, config=config)  # fmt: skip
    listed = {
        d.proposal.ref: (
            d.lead.ref,
            d.client.name if d.client else None,
            len(d.items),
            d.totals.totals,
            d.superseded,
        )
        for d in list_proposals(db)
    }
    assert listed == {
        proposal: (lead, "Гранель", 3, {"EUR": 424075}, True),
        v2: (lead, "Гранель", 0, {}, False),
        solo: (other.lead.ref, None, 1, {"USD": 12000}, False),
    }
    client = get_proposal(db, proposal).client
    assert client is not None and client.id is not None
    assert [d.proposal.ref for d in list_client_proposals(db, client.id)] == [v2, proposal]


def test_sending_moves_the_lead_to_proposal_sent_and_starts_the_ladder(
    db: Database, lead: str, proposal: str, now: datetime, config: Config
) -> None:
    sent = send_proposal(db, proposal, now=now, config=config)
    assert sent.lead.lead.stage == "proposal-sent"
    assert sent.lead.ladder_step is not None
    with db.read() as tx:
        kinds = tx.column(
            "SELECT kind FROM activity WHERE lead_id = :id ORDER BY id", {"id": sent.lead.lead.id}
        )
        text = tx.scalar("SELECT text FROM activity WHERE kind = 'proposal-sent'")
    assert kinds[-1] == "proposal-sent"
    assert text == f"new → proposal-sent: {lead}-v1 sent"
    # A sent version is what the client received: frozen.
    before = counts(db)
    with pytest.raises(InputError, match="make a new version"):
        add_item(
            db, proposal, stage="QA", who="tester", hours="2", rate="50", now=now, config=config
        )
    assert counts(db) == before


def test_sending_keeps_a_lead_that_is_further_on(
    db: Database, lead: str, proposal: str, now: datetime, config: Config
) -> None:
    change_stage(db, lead, "negotiating", now=now, config=config)
    sent = send_proposal(db, proposal, now=now, config=config)
    assert sent.lead.lead.stage == "negotiating" and sent.lead.ladder_step is None


@pytest.mark.parametrize(
    ("hours", "rate", "currency", "message"),
    [
        ("-2", "50", None, "negative"),
        ("0", "50", None, "no time at all"),
        ("2", "-50", None, "negative"),
        ("2", "50", "XYZ", "not an ISO 4217 currency"),
        ("2", "50.1234", None, "more decimals than EUR"),
        ("lots", "50", None, "not a number of hours"),
    ],
)
def test_a_bad_line_is_refused_and_writes_nothing(
    db: Database,
    proposal: str,
    now: datetime,
    config: Config,
    hours: str,
    rate: str,
    currency: str | None,
    message: str,
) -> None:
    before = counts(db)
    with pytest.raises(InputError, match=message):
        add_item(
            db,
            proposal,
            stage="QA",
            who="tester",
            hours=hours,
            rate=rate,
            currency=currency,
            now=now,
            config=config,
        )
    assert counts(db) == before


def test_a_proposal_cannot_expire_before_today(db: Database, proposal: str, now: datetime) -> None:
    with pytest.raises(InputError, match="expired"):
        edit_proposal(db, proposal, now=now, today=TODAY, valid_until=TODAY - timedelta(days=1))
    edited = edit_proposal(
        db, proposal, now=now, today=TODAY, valid_until=TODAY + timedelta(days=30)
    )
    assert edited.proposal.valid_until == date(2026, 12, 25)


def test_an_invoice_from_a_proposal_bills_each_stage(
    db: Database, proposal: str, now: datetime, config: Config
) -> None:
    row = invoice_from_proposal(db, proposal, now=now, config=config, percent=50)
    assert row.invoice.status == "draft" and row.invoice.number is None
    assert [(line.description, line.amount_minor) for line in row.lines] == [
        ("Design (50%)", 52038),  # half of 1040.75, rounded half away from zero
        ("Build (50%)", 160000),
    ]
    assert row.invoice.amount_minor == 212038
    assert row.client_name == "Гранель"


def test_an_invoice_of_a_proposal_needs_its_lead_to_have_a_client(
    db: Database, now: datetime, config: Config
) -> None:
    lead = add_lead(db, LeadDraft(title="Landing page", contact_name="Ann"), now=now, config=config)
    ref = new_proposal(db, lead.lead.ref, now=now, today=TODAY).proposal.ref
    add_item(db, ref, stage="Design", who="designer", hours="2", rate="50", currency="EUR",
             now=now, config=config)  # fmt: skip
    before = counts(db)
    with pytest.raises(InputError, match=f"{lead.lead.ref} has no client yet"):
        invoice_from_proposal(db, ref, now=now, config=config)
    assert counts(db) == before


def test_issuing_numbers_invoices_without_gaps_and_never_twice(
    db: Database, now: datetime, config: Config, lead: str
) -> None:
    refs = [
        new_invoice(db, "Гранель", now=now, config=config, lines=[("Work", "100")]).invoice.ref
        for _ in range(3)
    ]
    delete_invoice(db, refs[0])  # a draft: deleted, it never had a number
    first = issue_invoice(db, refs[2], now=now, config=config)
    second = issue_invoice(db, refs[1], now=now, config=config)
    assert (first.invoice.number, second.invoice.number) == ("2026-0001", "2026-0002")
    void_invoice(db, refs[2], "wrong client", now=now, config=config)
    third = new_invoice(db, "Гранель", now=now, config=config, lines=[("Work", "100")])
    issued = issue_invoice(db, third.invoice.ref, now=now, config=config)
    assert issued.invoice.number == "2026-0003"  # the void one keeps 0001
    assert first.invoice.due_on == TODAY + timedelta(days=14)  # net 14 by default
    with pytest.raises(NotFoundError):
        get_invoice(db, refs[0], today=TODAY, config=config)
    assert get_invoice(db, "2026-0002", today=TODAY, config=config).ref == refs[1]


def test_the_number_pattern_comes_from_the_config(
    db: Database, now: datetime, config: Config, lead: str
) -> None:
    custom = dataclasses.replace(config, money=MoneySettings(invoice_number="INV-{seq:05d}"))
    row = new_invoice(db, "Гранель", now=now, config=custom, lines=[("Work", "1 000")])
    assert issue_invoice(db, row.ref, now=now, config=custom).invoice.number == "INV-00001"


def test_payments_derive_partly_paid_paid_and_overdue(
    db: Database, now: datetime, config: Config, lead: str
) -> None:
    row = new_invoice(db, "Гранель", now=now, config=config, lines=[("Design", "1000")])
    issue_invoice(db, row.ref, now=now, config=config, issued_on=TODAY - timedelta(days=20))
    state = get_invoice(db, row.ref, today=TODAY, config=config).state
    assert state.state is PaymentState.OVERDUE and state.days_overdue == 6
    partly = record_payment(db, row.ref, "400", now=now, config=config, paid_on=TODAY)
    assert partly.state.partly_paid and partly.state.outstanding_minor == 60000
    before = counts(db)
    with pytest.raises(InputError, match=r"more than the 600\.00 EUR still owed"):
        record_payment(db, row.ref, "600.01", now=now, config=config)
    with pytest.raises(InputError, match="future"):
        record_payment(db, row.ref, "10", now=now, config=config, paid_on=TODAY + timedelta(days=1))
    assert counts(db) == before
    paid = record_payment(db, row.ref, "600", now=now, config=config)
    assert paid.state.state is PaymentState.PAID and paid.state.settled_on == TODAY
    with pytest.raises(InputError, match="payments against it"):
        void_invoice(db, row.ref, "oops", now=now, config=config)


def test_drafts_take_no_payments(db: Database, now: datetime, config: Config, lead: str) -> None:
    row = new_invoice(db, "Гранель", now=now, config=config, lines=[("Design", "1000")])
    with pytest.raises(InputError, match="issue it first"):
        record_payment(db, row.ref, "100", now=now, config=config)


def test_invoice_dues_lists_what_is_owed_by_due_date(
    db: Database, now: datetime, config: Config, lead: str
) -> None:
    def issued(days_ago: int, amount: str = "100") -> str:
        ref = new_invoice(db, "Гранель", now=now, config=config, lines=[("Work", amount)]).ref
        issue_invoice(db, ref, now=now, config=config, issued_on=TODAY - timedelta(days=days_ago))
        return ref

    late, soon, later = issued(30), issued(10), issued(0)
    paid = issued(40)
    record_payment(db, paid, "100", now=now, config=config)
    new_invoice(db, "Гранель", now=now, config=config, lines=[("Draft", "5")])
    with db.read() as tx:
        total, rows = invoice_dues(
            tx, today=TODAY, due_soon_days=7, until=TODAY + timedelta(days=7)
        )
        everything, _ = invoice_dues(tx, today=TODAY, due_soon_days=7)
    assert total == 2 and [r.ref for r in rows] == [late, soon]
    assert [r.state.state for r in rows] == [PaymentState.OVERDUE, PaymentState.DUE_SOON]
    assert everything == 3
    overdue = list_invoices(db, today=TODAY, config=config, status="overdue")
    assert [r.ref for r in overdue] == [late]
    assert {r.ref for r in list_invoices(db, today=TODAY, config=config, status="owing")} == {
        late,
        soon,
        later,
    }


def test_an_issued_invoice_is_frozen_but_its_due_date_may_move(
    db: Database, now: datetime, config: Config, lead: str
) -> None:
    row = new_invoice(db, "Гранель", now=now, config=config, lines=[("Work", "100")])
    issue_invoice(db, row.ref, now=now, config=config)
    with pytest.raises(InputError, match="void it"):
        delete_invoice(db, row.ref)
    moved = edit_invoice(db, row.ref, now=now, config=config, due_on=date(2027, 1, 15))
    assert moved.invoice.due_on == date(2027, 1, 15)
    with pytest.raises(InputError, match="before the issue date"):
        edit_invoice(db, row.ref, now=now, config=config, due_on=date(2026, 1, 1))


def test_an_invoice_cannot_be_issued_with_a_later_date(
    db: Database, now: datetime, config: Config, lead: str
) -> None:
    """Today in the user's zone, or the client's when it is already tomorrow there; a refused
    issue gives no number and leaves the draft as it was."""
    from amtui.core.clients import add_client

    afternoon = now.replace(hour=15)  # 2026-11-25 15:00 UTC: the 26th in Tokyo
    add_client(db, "Sakura Foods", now=now, timezone="Asia/Tokyo")
    refs = []
    for client in ("Гранель", "Sakura Foods"):
        lines = [("Work", "100")]
        row = new_invoice(db, client, now=now, config=config, lines=lines, currency="EUR")
        before = counts(db)
        with pytest.raises(InputError, match="cannot be dated after today"):
            issue_invoice(db, row.ref, now=afternoon, config=config, issued_on=date(2026, 11, 27))
        assert counts(db) == before
        refs.append(row.ref)
    gr, sakura = refs
    with pytest.raises(InputError, match="2026-11-26 is later than 2026-11-25"):
        issue_invoice(db, gr, now=afternoon, config=config, issued_on=date(2026, 11, 26))
    issued = issue_invoice(db, sakura, now=afternoon, config=config, issued_on=date(2026, 11, 26))
    assert issued.invoice.issued_on == date(2026, 11, 26) and issued.invoice.number
    early = issue_invoice(db, gr, now=afternoon, config=config, issued_on=date(2026, 11, 2))
    assert early.invoice.issued_on == date(2026, 11, 2)


def test_an_invoice_line_amount_is_checked(
    db: Database, now: datetime, config: Config, lead: str
) -> None:
    before = counts(db)
    for amount, message in (
        ("-5", "negative"),
        ("0", "zero"),
        ("1,5,0", "oddly"),
        ("lots", "not an amount"),
    ):
        with pytest.raises(InputError, match=message):
            new_invoice(db, "Гранель", now=now, config=config, lines=[("Work", amount)])
    with pytest.raises(InputError, match="ISO 4217"):
        new_invoice(db, "Гранель", now=now, config=config, lines=[("Work", "5")], currency="EURO")
    assert counts(db) == before


def test_big_amounts_are_exact(db: Database, now: datetime, config: Config, lead: str) -> None:
    """543 000 000,00 ₽ is above PostgreSQL's INTEGER: amounts are BIGINT."""
    row = new_invoice(
        db,
        "Гранель",
        now=now,
        config=config,
        lines=[("Platform", "543 000 000,00")],
        currency="RUB",
    )
    assert (
        get_invoice(db, row.ref, today=TODAY, config=config).invoice.amount_minor == 54_300_000_000
    )


def test_the_agenda_and_remind_due_show_invoices_owed(
    db: Database, now: datetime, config: Config, lead: str
) -> None:
    from amtui.core.agenda import build_agenda
    from amtui.core.notify import collect_due

    def issued(days_ago: int) -> str:
        ref = new_invoice(db, "Гранель", now=now, config=config, lines=[("Work", "100")]).ref
        issue_invoice(db, ref, now=now, config=config, issued_on=TODAY - timedelta(days=days_ago))
        return ref

    late, soon, later = issued(20), issued(10), issued(0)
    agenda = build_agenda(db, now=now, config=config)
    assert [item.ref for item in agenda.invoices.items] == [late, soon]
    assert [item.overdue for item in agenda.invoices.items] == [True, False]
    # Another day's agenda reads as that day would: a week on, `later` is due soon too.
    ahead = build_agenda(db, now=now, config=config, day=TODAY + timedelta(days=7))
    assert [item.ref for item in ahead.invoices.items] == [late, soon, later]
    due = [(i.ref, i.kind) for i in collect_due(db, now=now, config=config) if i.invoice]
    assert due == [(late, "invoice-overdue"), (soon, "invoice-due-soon")]
    assert not [i for i in collect_due(db, now=now, config=config) if i.invoice]
    # When the due-soon one becomes overdue it is told once more; paid ones never.
    record_payment(db, late, "100", now=now, config=config)
    after = now + timedelta(days=5)
    due = [(i.ref, i.kind) for i in collect_due(db, now=after, config=config) if i.invoice]
    assert due == [(soon, "invoice-overdue")]


def test_the_pipeline_reads_a_bounded_page_and_filters_by_client_and_text(
    db: Database, now: datetime, config: Config
) -> None:
    """Each column's first leads (biggest value first, then oldest), the rest counted in
    `more`; the counts, totals and forecast are of every lead, whatever the limit; a client
    or a text narrows all of it, as in the inbox."""
    from amtui.core.clients import add_client
    from amtui.core.money_views import build_pipeline

    add_client(db, "Kettle & Co", now=now)
    values = ["300", "100", None, "900", "100"]
    for number, value in enumerate(values):
        draft = LeadDraft(
            title=f"Лендинг {number}" if number % 2 else f"Site {number}",
            value=value,
            currency="EUR" if value else None,
            client="Kettle & Co" if number < 2 else None,
            received=now - timedelta(hours=10 - number),
        )
        add_lead(db, draft, now=now, config=config)

    def titles(**options: object) -> list[str]:
        board = build_pipeline(db, now=now, config=config, **options)  # type: ignore[arg-type]
        return [row.lead.title for row in board.columns["new"]]

    everything = build_pipeline(db, now=now, config=config)
    assert titles() == ["Лендинг 3", "Site 0", "Лендинг 1", "Site 4", "Site 2"]
    bounded = build_pipeline(db, now=now, config=config, limit=2)
    assert [row.lead.title for row in bounded.columns["new"]] == ["Лендинг 3", "Site 0"]
    assert bounded.more("new") == 3 and everything.more("new") == 0
    assert bounded.summary == everything.summary
    new = bounded.summary.column("new")
    assert (new.count, dict(new.totals)) == (5, {"EUR": 140_000})
    assert titles(limits={"new": 4}, limit=1) == titles()[:4]
    assert titles(client=1) == ["Site 0", "Лендинг 1"]
    assert titles(text="лЕНДИНГ") == ["Лендинг 3", "Лендинг 1"]
    narrowed = build_pipeline(db, now=now, config=config, text="site", limit=1)
    assert narrowed.summary.column("new").count == 3 and narrowed.more("new") == 2
    assert dict(narrowed.summary.column("new").totals) == {"EUR": 40_000}


def test_the_pipeline_reads_recent_won_and_lost_as_a_range_of_an_index(
    db: Database, now: datetime, config: Config
) -> None:
    """At 100 000 leads nearly all are won or lost long ago: the board's totals and cards read
    the last `closed_days` of them through `ix_lead_stage_closed` (a range of the index), not
    every lead ever closed (SQLite's plan; PostgreSQL plans by its own statistics)."""
    from amtui.core.money_views import build_pipeline
    from tests.storage import sqlite_plans

    if not db.is_sqlite:
        pytest.skip("the query plan checked is SQLite's")
    run = sqlite_plans(db, lambda: build_pipeline(db, now=now, config=config, limit=100))
    plans = [plan for sql, plan in run if "closed_at >=" in sql]
    assert len(plans) == 2  # the totals and the cards
    for plan in plans:
        assert "ix_lead_stage_closed (stage=? AND closed_at>?)" in plan, plan
