"""The app's money views (Textual-free): the pipeline board's columns and cards, the account
portfolio (KAM quadrants and the Pareto view) as lines, and a client's money for its detail view.

Everything is core's words as tone-marked parts (`amtui.core.describe`); the screens style
them. A line is a reference (empty for a heading, which the cursor skips) and its parts. The
data comes from core (`money_views`, `invoice_queries`, `proposals`), read in a worker by the
screen; the pipeline board reads exactly what `amtui pipeline` prints (`build_pipeline`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from amtui.core.clients import ClientDetails
from amtui.core.config import Config
from amtui.core.dates import local_today
from amtui.core.db import Database
from amtui.core.describe import Part, Phrase, Tone, View, lead_item, task_item
from amtui.core.describe_leads import next_action
from amtui.core.describe_money import (
    amount_text,
    hours_text,
    invoice_state_part,
    invoice_title,
    money_figures,
    proposal_status,
    sums_text,
)
from amtui.core.invoice_queries import InvoiceRow, list_invoices
from amtui.core.lead_queries import LeadRow
from amtui.core.money_views import (
    ClientMoney,
    PipelineBoard,
    Portfolio,
    build_pipeline,
    build_portfolio,
    client_money,
    lead_minor,
)
from amtui.core.portfolio import StageColumn
from amtui.core.proposals import ProposalDetails, list_client_proposals
from amtui.core.text import one_line
from amtui.core.vocabulary import CLOSED_STAGES
from amtui.tui.logic.team import screen_scope

#: The two money views and their titles (Tab goes from one to the other).
VIEWS = {"pipeline": "Pipeline", "accounts": "Accounts"}


@dataclass(frozen=True)
class Line:
    key: str  # a record's reference; "" for a heading
    parts: Phrase

    @property
    def heading(self) -> bool:
        return not self.key

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.parts)


def load_accounts(db: Database, *, config: Config, now: datetime) -> list[Line]:
    """The account portfolio's lines, read now."""
    return portfolio_lines(build_portfolio(db, now=now, config=config))


# --- the pipeline board --------------------------------------------------------------------------


#: Cards read per column at first (and added each time the end of a column is reached): the
#: board of a database with 100 000 leads reads a few hundred (the numbers count them all).
PIPELINE_PAGE = 100


def load_pipeline(
    db: Database,
    *,
    config: Config,
    now: datetime,
    owner: str | None = None,
    client: int | None = None,
    text: str | None = None,
    limits: dict[str, int] | None = None,
) -> tuple[PipelineBoard, str | None]:
    """The pipeline board as `amtui pipeline [--owner OWNER]` reads it
    (`money_views.build_pipeline`): the same counts, totals and forecast, with the won and
    lost of `[money] closed_days`, and each column's first `PIPELINE_PAGE` leads (more where
    `limits` says); whose leads as the main screen shows them (mine by default on a team's
    database, as the CLI), and what the screen says about that; with the main screen's
    client filter (`c`) and the board's own text filter (`/`)."""
    scope, whose = screen_scope(db, owner, config)
    board = build_pipeline(
        db,
        now=now,
        config=config,
        scope=scope,
        client=client,
        text=text,
        limit=PIPELINE_PAGE,
        limits=limits,
    )
    return board, whose


@dataclass(frozen=True)
class StageHead:
    """A pipeline column's title (stage and count) and what it is worth, per currency."""

    title: Phrase
    lines: tuple[Phrase, ...]


def stage_head(column: StageColumn, closed_days: int) -> StageHead:
    """`proposal-sent 2` over its total, one currency a line (`4 500.00 EUR`, `1 200.00 USD`:
    never added across currencies, and a narrow column never breaks an amount), then the
    weighted value (`50% → 2 250.00 EUR`, the other currencies under it); won and lost say
    how far back they go (`last 30 days`) instead, as they count nothing towards the forecast."""
    title = (Part(column.stage, Tone.STRONG), Part(f" {column.count}", Tone.MUTED))
    lines: list[Phrase] = [
        (Part(amount_text(amount, currency)),) for currency, amount in column.totals.items()
    ] or [(Part("no value", Tone.MUTED),)]
    if column.stage in CLOSED_STAGES:
        lines.append((Part(f"last {closed_days} days", Tone.MUTED),))
    elif column.probability is not None:
        chance = f"{column.probability}% → "
        for index, (currency, amount) in enumerate(column.weighted.items()):
            lead_in = Part(chance if index == 0 else " " * len(chance), Tone.MUTED)
            lines.append((lead_in, Part(amount_text(amount, currency), Tone.STRONG)))
        if not column.weighted:
            lines.append((Part(f"{column.probability}% chance", Tone.MUTED),))
    return StageHead(title, tuple(lines))


def forecast_line(board: PipelineBoard) -> Phrase:
    """`open 49 500.00 EUR · weighted forecast 16 350.00 EUR` (what `amtui pipeline` ends with)."""
    summary = board.summary
    return (
        Part("open ", Tone.MUTED),
        Part(sums_text(summary.open_totals, "nothing")),
        Part(" · weighted forecast ", Tone.MUTED),
        Part(sums_text(summary.forecast, "nothing"), Tone.STRONG),
    )


@dataclass(frozen=True)
class PipelineCard:
    """A lead on the pipeline board: its lines, and how its next deadline stands (LATE past
    it, WARNING while a response runs; the board marks the card with it)."""

    key: str
    stage: str
    lines: tuple[Phrase, ...]
    tone: Tone = Tone.NORMAL


def pipeline_card(row: LeadRow, view: View) -> PipelineCard:
    """`L3 Website for a new residential complex` / `12 000.00 EUR · Granel` / the next
    deadline (`check receipt Thu 10:00`, `respond 12:04 left`), or for a won or lost lead
    when it closed (and why it was lost)."""
    lead = row.lead
    value = lead_minor(lead.value_minor, lead.currency)
    lines: list[Phrase] = [(Part(lead.ref, Tone.ACCENT), Part(f" {one_line(lead.title)}"))]
    money = amount_text(value, lead.currency) if value is not None and lead.currency else ""
    client = one_line(row.client_name) if row.client_name else ""
    if money or client:
        lines.append(
            (
                Part(money, Tone.STRONG),
                Part(" · " if money and client else ""),
                Part(client, Tone.MUTED),
            )
        )
    tone = Tone.NORMAL
    if lead.stage in CLOSED_STAGES:
        closed = f"{lead.stage} {view.when(lead.closed_at)}" if lead.closed_at else lead.stage
        reason = f": {one_line(lead.lost_reason)}" if lead.lost_reason else ""
        lines.append((Part(closed + reason, Tone.MUTED),))
    elif row.next_action is not None:
        action = next_action(view, row.next_action)
        tone = action.tone
        lines.append((action,))
    return PipelineCard(lead.ref, lead.stage, tuple(lines), tone)


def portfolio_lines(portfolio: Portfolio) -> list[Line]:
    """The KAM quadrants with their clients (key accounts marked `80%`, money won, paid and
    outstanding), then the Pareto view per currency, by money paid and by won value."""
    key = portfolio.key_accounts()
    lines: list[Line] = []
    for quadrant, rows in portfolio.quadrants.items():
        lines.append(Line("", (Part(quadrant, Tone.STRONG), Part(f" {len(rows)}", Tone.MUTED))))
        for row in rows:
            money = row.money
            lines.append(
                Line(
                    row.client.ref,
                    (
                        Part(row.client.ref, Tone.ACCENT),
                        Part(f"  {one_line(row.client.name)}"),
                        Part("  80%" if row.client.id in key else "", Tone.WARNING),
                        Part(f"  won {sums_text(money.won)}" if money.won else "", Tone.MUTED),
                        Part(f"  paid {sums_text(money.paid)}" if money.paid else ""),
                        Part(
                            f"  owed {sums_text(money.outstanding)}" if money.outstanding else "",
                            Tone.LATE if money.overdue else Tone.NORMAL,
                        ),
                    ),
                )
            )
    names = {row.client.id: row.client for row in portfolio.accounts}
    for kind, title in (("paid", "paid"), ("won", "won value")):
        for currency, result in getattr(portfolio, kind).items():
            total = amount_text(result.total_minor, currency)
            lines.append(Line("", (Part(f"Pareto by {title}, {currency} ", Tone.STRONG),
                                   Part(f"total {total}", Tone.MUTED))))  # fmt: skip
            for pareto_row in result.rows:
                client = names[pareto_row.key]
                share = result.percent(pareto_row.cumulative_minor)
                lines.append(
                    Line(
                        client.ref,
                        (
                            Part(client.ref, Tone.ACCENT),
                            Part(f"  {one_line(client.name)}"),
                            Part(f"  {amount_text(pareto_row.amount_minor, currency)}"),
                            Part(f"  {share}% cumulative", Tone.MUTED),
                            Part("  80%" if pareto_row.key_account else "", Tone.WARNING),
                        ),
                    )
                )
    return lines


@dataclass(frozen=True)
class ClientMoneyView:
    """What a client's detail view adds: its money, invoices and proposals."""

    money: ClientMoney
    invoices: list[InvoiceRow]
    proposals: list[ProposalDetails]


def load_client_money(
    db: Database, client_id: int, *, config: Config, now: datetime
) -> ClientMoneyView:
    today = local_today(now, config.timezone)
    return ClientMoneyView(
        client_money(db, client_id, now=now, config=config),
        list_invoices(db, today=today, config=config, client=f"C{client_id}"),
        list_client_proposals(db, client_id),
    )


def client_money_lines(data: ClientMoneyView) -> list[Phrase]:
    """A client's money for its view: won, invoiced, paid, outstanding, overdue (per
    currency; nothing when it has none)."""
    return [
        (Part(f"{label:<12}", Tone.MUTED), Part(text)) for label, text in money_figures(data.money)
    ]


def client_record_lines(details: ClientDetails, data: ClientMoneyView, view: View) -> list[Line]:
    """The records of a client's view, each a line the cursor selects and Enter opens, under
    its heading: open leads, open tasks, invoices, proposals (empty ones left out)."""
    sections = {
        "Open leads": [Line(lead.ref, lead_item(lead)) for lead in details.open_leads],
        "Open tasks": [Line(task.ref, task_item(view, task)) for task in details.open_tasks],
        "Invoices": [
            Line(
                row.ref,
                (
                    Part(row.ref, Tone.ACCENT),
                    Part(f"  {invoice_title(row)}  "),
                    Part(amount_text(row.invoice.amount_minor, row.invoice.currency)),
                    Part("  "),
                    invoice_state_part(row),
                ),
            )
            for row in data.invoices
        ],
        "Proposals": [
            Line(
                d.proposal.ref,
                (
                    Part(d.proposal.ref, Tone.ACCENT),
                    Part(f"  {d.proposal.number}  {one_line(d.proposal.title)}  "),
                    Part(sums_text(d.totals.totals, "no lines")),
                    Part("  "),
                    proposal_status(view, d),
                ),
            )
            for d in data.proposals
        ],
    }
    lines: list[Line] = []
    for heading, rows in sections.items():
        if rows:
            lines.append(Line("", (Part(heading, Tone.STRONG), Part(f" {len(rows)}", Tone.MUTED))))
            lines.extend(rows)
    return lines


def proposal_lines(details: ProposalDetails) -> list[Phrase]:
    """A proposal's lines (`1  Design  art director  12 h × 95.00 EUR  1 140.00 EUR`), then
    each stage's total."""
    out: list[Phrase] = []
    for number, item in enumerate(details.line_items, start=1):
        rate = amount_text(item.rate_minor, item.currency)
        out.append(
            (
                Part(f"{number:>2}  "),
                Part(f"{one_line(item.stage)}  ", Tone.MUTED),
                Part(one_line(item.who)),
                Part(f" — {one_line(item.description)}" if item.description else "", Tone.MUTED),
                Part(f"  {hours_text(item.centihours)} × {rate}"),
                Part(f"  {amount_text(item.amount_minor, item.currency)}", Tone.STRONG),
            )
        )
    for stage in details.totals.stages:
        out.append(
            (
                Part(f"    {one_line(stage.stage)} total  ", Tone.MUTED),
                Part(hours_text(stage.centihours)),
                Part(f"  {sums_text(stage.totals)}", Tone.STRONG),
            )
        )
    return out


def invoice_lines(row: InvoiceRow) -> list[Phrase]:
    """An invoice's lines with their amounts."""
    currency = row.invoice.currency
    return [
        (
            Part(f"{number:>2}  "),
            Part(one_line(line.description)),
            Part(f"  {amount_text(line.amount_minor, currency)}", Tone.STRONG),
        )
        for number, line in enumerate(row.lines, start=1)
    ]
