"""`amtui pipeline` and `amtui accounts`, and the money report's rows. The JSON shapes of the
money records are in `amtui.cli.money_json` (no Typer there)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from amtui.cli.context import runtime
from amtui.cli.money_json import client_money_json, money_json, sums_json
from amtui.cli.output import Format, format_option, owner_option

if TYPE_CHECKING:
    from amtui.cli.context import Runtime
    from amtui.core.money_views import ClientMoney, MoneyReport


def money_report_rows(report: MoneyReport) -> list[list[str]]:
    """CLIENT, CURRENCY, WON, INVOICED, PAID, OUTSTANDING, OVERDUE: a row per client and
    currency, then the totals per currency."""
    from amtui.core.describe_money import amount_text

    def rows_of(name: str, money: ClientMoney) -> list[list[str]]:
        out = []
        for currency in money.currencies:
            cells = [name, currency]
            for kind in ("won", "invoiced", "paid", "outstanding", "overdue"):
                amount = getattr(money, kind).get(currency)
                cells.append(amount_text(amount, currency).rsplit(" ", 1)[0] if amount else "")
            out.append(cells)
        return out

    rows = [line for row in report.rows for line in rows_of(row.client.name, row.money)]
    return rows + rows_of("TOTAL", report.totals)


MONEY_REPORT_HEADERS = ["CLIENT", "CURRENCY", "WON", "INVOICED", "PAID", "OUTSTANDING", "OVERDUE"]


# --- pipeline --------------------------------------------------------------------------------


def pipeline(
    ctx: typer.Context,
    days: Annotated[
        int | None,
        typer.Option(
            help="Show won and lost leads of the last N days (default: the config's, 30).",
            min=0,
            max=3660,
        ),
    ] = None,
    owner: str | None = owner_option(),
    fmt: Format = format_option(),
) -> None:
    """The lead pipeline by stage: each stage's leads with value and next action, the count
    and total per currency, and the weighted forecast.

    Example: amtui pipeline --format md
    """
    from amtui.cli.output import print_json, print_table, toned
    from amtui.core.describe_leads import next_action
    from amtui.core.describe_money import sums_text
    from amtui.core.members import resolve_scope
    from amtui.core.money_views import build_pipeline, lead_minor

    rt = runtime(ctx)
    scope = resolve_scope(rt.db, owner, rt.config)
    board = build_pipeline(rt.db, now=rt.now, config=rt.config, closed_days=days, scope=scope)
    summary = board.summary
    if fmt is Format.JSON:
        print_json(_pipeline_json(rt, board))
        return
    rows: list[list[Any]] = []
    for column in summary.columns:
        probability = "" if column.probability is None else f"{column.probability}%"
        rows.append(
            [column.stage.upper(), str(column.count), sums_text(column.totals), probability, ""]
        )
        for row in board.columns[column.stage]:
            lead = row.lead
            value = lead_minor(lead.value_minor, lead.currency)
            action = toned([next_action(rt.view, row.next_action)]) if row.next_action else ""
            rows.append(
                [
                    f"  {lead.ref}",
                    lead.title,
                    sums_text({lead.currency: value})
                    if value is not None and lead.currency
                    else "",
                    row.client_name or "",
                    action,
                ]
            )
    print_table(["STAGE / LEAD", "COUNT / TITLE", "VALUE", "CHANCE / CLIENT", "NEXT"], rows, fmt)
    forecast = sums_text(summary.forecast, "nothing")
    open_total = sums_text(summary.open_totals, "nothing")
    print(f"\nOpen: {open_total} · weighted forecast: {forecast}")


def _pipeline_json(rt: Runtime, board: Any) -> dict[str, Any]:
    from amtui.cli.serialize import iso
    from amtui.core.money_views import lead_minor

    tz = rt.config.timezone
    return {
        "closed_days": board.closed_days,
        "stages": [
            {
                "stage": column.stage,
                "count": column.count,
                "totals": sums_json(column.totals),
                "probability": column.probability,
                "weighted": sums_json(column.weighted),
                "leads": [
                    {
                        "ref": row.lead.ref,
                        "title": row.lead.title,
                        "client": row.client_name,
                        "value": money_json(v, row.lead.currency)
                        if (v := lead_minor(row.lead.value_minor, row.lead.currency)) is not None
                        and row.lead.currency
                        else None,
                        "next": {
                            "kind": row.next_action.kind,
                            "due": iso(row.next_action.due, tz),
                        }
                        if row.next_action
                        else None,
                    }
                    for row in board.columns[column.stage]
                ],
            }
            for column in board.summary.columns
        ],
        "open": sums_json(board.summary.open_totals),
        "forecast": sums_json(board.summary.forecast),
    }


# --- accounts --------------------------------------------------------------------------------


def accounts(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include archived clients.")] = False,
    owner: str | None = owner_option(),
    fmt: Format = format_option(),
) -> None:
    """The account portfolio: every client on the KAM quadrant with its money, and the
    clients who bring 80% of the revenue (paid, and won value), per currency.

    Example: amtui accounts --format json | jq '.pareto.paid'
    """
    from amtui.cli.output import heading, print_json, print_table
    from amtui.core.describe_money import amount_text, sums_text
    from amtui.core.members import resolve_scope
    from amtui.core.money_views import build_portfolio

    rt = runtime(ctx)
    scope = resolve_scope(rt.db, owner, rt.config)
    portfolio = build_portfolio(
        rt.db, now=rt.now, config=rt.config, include_archived=all_, scope=scope
    )
    key = portfolio.key_accounts()
    if fmt is Format.JSON:
        print_json(
            {
                "accounts": [
                    {
                        "ref": row.client.ref,
                        "name": row.client.name,
                        "quadrant": row.quadrant,
                        "relationship_stage": row.client.relationship_stage,
                        "key_account": row.client.id in key,
                        **client_money_json(row.money),
                    }
                    for row in portfolio.accounts
                ],
                "pareto": {
                    kind: {
                        cur: {
                            "total": money_json(result.total_minor, cur),
                            "key_accounts": [f"C{k}" for k in result.key_accounts],
                        }
                        for cur, result in getattr(portfolio, kind).items()
                    }
                    for kind in ("paid", "won")
                },
            }
        )
        return
    rows = []
    for quadrant, members in portfolio.quadrants.items():
        for row in members:
            rows.append(
                [
                    quadrant,
                    row.client.ref,
                    row.client.name,
                    "80%" if row.client.id in key else "",
                    sums_text(row.money.won),
                    sums_text(row.money.paid),
                    sums_text(row.money.outstanding),
                ]
            )
    print_table(["QUADRANT", "REF", "CLIENT", "KEY", "WON", "PAID", "OUTSTANDING"], rows, fmt)
    names = {row.client.id: row.client.name for row in portfolio.accounts}
    for kind, title in (("paid", "paid"), ("won", "won value")):
        for currency, result in getattr(portfolio, kind).items():
            total = amount_text(result.total_minor, currency)
            heading(f"Pareto by {title}, {currency} (total {total})", fmt)
            print_table(
                ["CLIENT", "AMOUNT", "SHARE", "CUMULATIVE", "KEY"],
                [
                    [
                        names.get(r.key, f"C{r.key}"),
                        amount_text(r.amount_minor, currency),
                        f"{result.percent(r.amount_minor)}%",
                        f"{result.percent(r.cumulative_minor)}%",
                        "80%" if r.key_account else "",
                    ]
                    for r in result.rows
                ],
                fmt,
            )
