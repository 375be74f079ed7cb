"""The money views read from the database: the pipeline board, the account portfolio, a
client's money and the money report. The rules are pure (`portfolio`, `invoicing`); this
module only gathers their inputs, in one read transaction each, and never sums across
currencies.

A lead's value is kept in its currency's minor units (`lead.value_minor`), as proposals and
invoices keep theirs, so it adds up with them; one without a currency counts nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from amtui.core.config import Config
from amtui.core.currencies import EXPONENTS
from amtui.core.dates import day_bounds, local_today
from amtui.core.errors import InputError
from amtui.core.invoice_queries import PAID_SQL
from amtui.core.kam import kam_quadrant
from amtui.core.lead_queries import LeadRow, lead_filters, lead_rows
from amtui.core.members import EVERYONE, Scope
from amtui.core.models import Client, Lead, records
from amtui.core.portfolio import (
    AccountScores,
    Deal,
    ParetoResult,
    PipelineSummary,
    pareto,
    pipeline_summary,
    place_accounts,
)
from amtui.core.sql import Database, Tx
from amtui.core.vocabulary import CLOSED_STAGES, OPEN_STAGES, STAGES

Sums = dict[str, int]  # currency → minor units


def lead_minor(value_minor: int | None, currency: str | None) -> int | None:
    """A lead's value where money is summed: None without a value or a known currency."""
    if value_minor is None or not currency or currency not in EXPONENTS:
        return None
    return value_minor


def _add(sums: Sums, currency: str, amount: int) -> None:
    sums[currency] = sums.get(currency, 0) + amount


# --- the pipeline ----------------------------------------------------------------------------


@dataclass
class PipelineBoard:
    """Open leads by stage (won and lost of the last `closed_days` days), each column's count
    and totals per currency, and the weighted forecast (`portfolio.pipeline_summary`)."""

    summary: PipelineSummary
    #: Every stage in pipeline order → its leads, biggest value first (the first `limit` of
    #: them when one was given; `summary` counts them all).
    columns: dict[str, list[LeadRow]]
    closed_days: int
    since: datetime  # won and lost leads closed from this instant on are shown

    def more(self, stage: str) -> int:
        """How many leads of `stage` are counted but not in `columns` (a bounded read)."""
        return self.summary.column(stage).count - len(self.columns[stage])


def build_pipeline(
    db: Database,
    *,
    now: datetime,
    config: Config,
    closed_days: int | None = None,
    scope: Scope = EVERYONE,
    client: int | None = None,
    text: str | None = None,
    limit: int | None = None,
    limits: Mapping[str, int] | None = None,
) -> PipelineBoard:
    """The pipeline board: open leads by stage (biggest value first, then oldest), with each
    one's next action, and the won and lost leads closed in the last `closed_days` days;
    with `scope`, one member's leads (and nobody's) only; with `client` and `text`, the
    leads of one client and those whose words contain `text` (as the inbox filters them).

    `limit` (per stage; `limits` per named stage) reads only the first leads of each column,
    so a database of 100 000 leads reads a few hundred; the counts, totals and forecast are
    summed by the database over all of them (`PipelineBoard.more` says how many were left),
    the won and lost of the last days read as a range of `ix_lead_stage_closed`.
    """
    days = config.money.closed_days if closed_days is None else closed_days
    if days < 0:
        raise InputError("the number of days of won and lost leads must be 0 or more")
    since = now - timedelta(days=days)
    params: dict[str, Any] = {"open": OPEN_STAGES, "closed": CLOSED_STAGES, "since": since}
    with db.read() as tx:
        where = [
            "(stage IN :open OR (stage IN :closed AND closed_at >= :since))",
            scope.owned(params),
            *lead_filters(tx, params, client=client, text=text),
        ]
        wanted = " AND ".join(where)
        groups = tx.tuples(
            # In the order each currency first came in (as a list of the leads would sum them).
            f"SELECT stage, currency, count(*), sum(value_minor) FROM lead WHERE {wanted} "
            "GROUP BY stage, currency ORDER BY min(received_at), min(id)",
            params,
        )
        deals = [
            # int(): PostgreSQL's sum of a bigint is a numeric (Decimal in Python).
            Deal(stage, lead_minor(_whole(total), currency), currency, leads=int(count))
            for stage, currency, count, total in groups
        ]
        leads = records(tx, Lead, _pipeline_cards_sql(wanted, params, limit, limits), params)
        rows = lead_rows(tx, leads, config.response_rule)
    columns: dict[str, list[LeadRow]] = {stage: [] for stage in STAGES}
    for row in rows:
        columns[row.lead.stage].append(row)
    summary = pipeline_summary(deals, config.money.probabilities)
    return PipelineBoard(summary, columns, days, since)


def _whole(total: Any) -> int | None:
    return None if total is None else int(total)


#: A lead's place in its column: biggest value first (none counts as 0), then oldest.
_CARD_ORDER = (
    "CASE WHEN value_minor IS NULL OR currency IS NULL THEN 0 ELSE value_minor END DESC, "
    "received_at, id"
)


def _pipeline_cards_sql(
    wanted: str, params: dict[str, Any], limit: int | None, limits: Mapping[str, int] | None
) -> str:
    """The cards' leads in column order: all of them, or each stage's first `limit` (its own
    in `limits`), numbered per stage by the database (a window function: one query)."""
    if limit is None and not limits:
        return f"SELECT * FROM lead WHERE {wanted} ORDER BY {_CARD_ORDER}"
    cases = []
    for index, stage in enumerate(STAGES):
        bound = (limits or {}).get(stage, limit)
        params[f"stage_{index}"] = stage
        params[f"limit_{index}"] = bound if bound is not None else 2**62
        cases.append(f"WHEN :stage_{index} THEN :limit_{index}")
    ranked = (
        f"SELECT id, stage, row_number() OVER (PARTITION BY stage ORDER BY {_CARD_ORDER}) "
        f"AS card_rank FROM lead WHERE {wanted}"
    )
    return (
        f"SELECT lead.* FROM lead JOIN ({ranked}) ranked ON ranked.id = lead.id "
        f"WHERE ranked.card_rank <= CASE ranked.stage {' '.join(cases)} END "
        "ORDER BY ranked.card_rank"
    )


# --- a client's money ------------------------------------------------------------------------


@dataclass
class ClientMoney:
    """What a client is worth, per currency: won (value of won leads), invoiced (issued
    invoices), paid (payments), outstanding (issued, not yet paid) and of it overdue."""

    won: Sums = field(default_factory=dict)
    invoiced: Sums = field(default_factory=dict)
    paid: Sums = field(default_factory=dict)
    outstanding: Sums = field(default_factory=dict)
    overdue: Sums = field(default_factory=dict)

    @property
    def currencies(self) -> list[str]:
        seen: dict[str, None] = {}
        for sums in (self.won, self.invoiced, self.paid, self.outstanding):
            seen.update(dict.fromkeys(sums))
        return list(seen)

    @property
    def empty(self) -> bool:
        return not self.currencies


def _money_by_client(
    tx: Tx,
    *,
    today: date,
    client_id: int | None = None,
    won_since: datetime | None = None,
    won_until: datetime | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
) -> dict[int, ClientMoney]:
    """Each client's money (one client with `client_id`). Won leads and invoices may be
    limited to a range (closed / issued in it; payments paid in it); outstanding and overdue
    are always as of `today`."""
    scope = "" if client_id is None else " AND client_id = :client"
    params: dict[str, object] = {"client": client_id, "today": today}
    out: dict[int, ClientMoney] = {}

    def of(cid: int) -> ClientMoney:
        return out.setdefault(cid, ClientMoney())

    won_where = "stage = 'won' AND client_id IS NOT NULL AND value_minor IS NOT NULL" + scope
    if won_since is not None:
        won_where += " AND closed_at >= :won_since AND closed_at < :won_until"
        params.update(won_since=won_since, won_until=won_until)
    for cid, value, currency in tx.tuples(
        f"SELECT client_id, value_minor, currency FROM lead WHERE {won_where}", params
    ):
        minor = lead_minor(value, currency)
        if minor is not None and currency:
            _add(of(cid).won, currency, minor)
    issued_where = "status = 'issued'" + scope
    paid_where = "payment.invoice_id = invoice.id" + scope.replace("client_id", "invoice.client_id")
    if issued_from is not None:
        issued_where += " AND issued_on >= :issued_from AND issued_on <= :issued_to"
        paid_where += " AND payment.paid_on >= :issued_from AND payment.paid_on <= :issued_to"
        params.update(issued_from=issued_from, issued_to=issued_to)
    for cid, currency, amount in tx.tuples(
        f"SELECT client_id, currency, sum(amount_minor) FROM invoice WHERE {issued_where} "
        "GROUP BY client_id, currency",
        params,
    ):
        _add(of(cid).invoiced, currency, int(amount))
    for cid, currency, amount in tx.tuples(
        f"SELECT invoice.client_id, invoice.currency, sum(payment.amount_minor) "
        f"FROM payment, invoice WHERE {paid_where} GROUP BY invoice.client_id, invoice.currency",
        params,
    ):
        _add(of(cid).paid, currency, int(amount))
    for cid, currency, owed, late in tx.tuples(
        f"SELECT client_id, currency, amount_minor - {PAID_SQL}, "
        "CASE WHEN due_on < :today THEN 1 ELSE 0 END FROM invoice "
        f"WHERE status = 'issued'{scope}",
        params,
    ):
        if owed > 0:
            _add(of(cid).outstanding, currency, int(owed))
            if late:
                _add(of(cid).overdue, currency, int(owed))
    return out


def client_money(db: Database, client_id: int, *, now: datetime, config: Config) -> ClientMoney:
    """One client's money, all time (outstanding and overdue as of the user's today)."""
    today = local_today(now, config.timezone)
    with db.read() as tx:
        return _money_by_client(tx, today=today, client_id=client_id).get(client_id, ClientMoney())


# --- the portfolio ---------------------------------------------------------------------------


@dataclass
class AccountRow:
    client: Client
    quadrant: str | None
    money: ClientMoney


@dataclass
class Portfolio:
    """Every client on the KAM quadrant and the Pareto view per currency, by money paid and
    by the value of won leads (all time)."""

    accounts: list[AccountRow]  # by name
    quadrants: dict[str, list[AccountRow]]  # Strategic, Star, Status, Streamline, Unscored
    paid: dict[str, ParetoResult[int]]  # currency → clients by payments received
    won: dict[str, ParetoResult[int]]  # currency → clients by value of won leads

    def key_accounts(self) -> set[int]:
        """Clients among the 80% of revenue in any currency, paid or won."""
        return {
            key
            for results in (self.paid, self.won)
            for result in results.values()
            for key in result.key_accounts
        }


def build_portfolio(
    db: Database,
    *,
    now: datetime,
    config: Config,
    include_archived: bool = False,
    scope: Scope = EVERYONE,
) -> Portfolio:
    """Every client on the KAM quadrant with its money, and who brings 80% of the revenue;
    with `scope`, one member's accounts (and nobody's) only."""
    today = local_today(now, config.timezone)
    with db.read() as tx:
        params: dict[str, Any] = {}
        where = scope.owned(params) + ("" if include_archived else " AND NOT archived")
        clients = records(
            tx, Client, f"SELECT * FROM client WHERE {where} ORDER BY name_key", params
        )
        money = _money_by_client(tx, today=today)
    accounts = [
        AccountRow(
            c,
            kam_quadrant(c.kam_attractiveness, c.kam_relationship),
            money.get(c.id or 0, ClientMoney()),
        )
        for c in clients
    ]
    by_id = {row.client.id: row for row in accounts}
    placed = place_accounts(
        AccountScores(
            row.client.id or 0, row.client.kam_attractiveness, row.client.kam_relationship
        )
        for row in accounts
    )
    quadrants = {name: [by_id[key] for key in keys] for name, keys in placed.items()}

    def revenue(kind: str) -> Iterable[tuple[int, str, int]]:
        for row in accounts:
            for currency, amount in getattr(row.money, kind).items():
                yield row.client.id or 0, currency, amount

    return Portfolio(accounts, quadrants, pareto(revenue("paid")), pareto(revenue("won")))


# --- the money report ------------------------------------------------------------------------


@dataclass
class MoneyReportRow:
    client: Client
    money: ClientMoney


@dataclass
class MoneyReport:
    """Per client and currency: won value (leads won in the range), invoiced (issued in it),
    paid (received in it), outstanding and overdue (today); with totals per currency."""

    rows: list[MoneyReportRow]
    totals: ClientMoney


def money_report(
    db: Database, *, start: date, end: date, now: datetime, config: Config
) -> MoneyReport:
    if end < start:
        raise InputError(f"the report ends ({end}) before it starts ({start})")
    tz = config.timezone
    with db.read() as tx:
        money = _money_by_client(
            tx,
            today=local_today(now, tz),
            won_since=day_bounds(start, tz)[0],
            won_until=day_bounds(end, tz)[1],
            issued_from=start,
            issued_to=end,
        )
        clients = records(
            tx,
            Client,
            "SELECT * FROM client WHERE id IN :ids ORDER BY name_key",
            {"ids": tuple(money)},
        )
    rows = [MoneyReportRow(c, money[c.id or 0]) for c in clients if not money[c.id or 0].empty]
    totals = ClientMoney()
    for row in rows:
        for kind in ("won", "invoiced", "paid", "outstanding", "overdue"):
            for currency, amount in getattr(row.money, kind).items():
                _add(getattr(totals, kind), currency, amount)
    return MoneyReport(rows, totals)
