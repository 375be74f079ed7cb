"""Pipeline forecast, KAM portfolio and Pareto (pure rules)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtui.core.errors import InputError
from amtui.core.money_config import DEFAULT_PROBABILITIES, check_probabilities
from amtui.core.portfolio import (
    UNSCORED,
    AccountScores,
    Deal,
    pareto,
    pipeline_summary,
    place_accounts,
)
from amtui.core.vocabulary import OPEN_STAGES, STAGES


def test_forecast_weighs_open_stages_per_currency() -> None:
    deals = [
        Deal("new", 1_000_000, "EUR"),
        Deal("proposal-sent", 2_000_000, "EUR"),
        Deal("proposal-sent", 54_300_000, "RUB"),
        Deal("negotiating", 333, "EUR"),
        Deal("briefed"),  # no value yet: counted, not totalled
        Deal("won", 5_000_000, "EUR"),
        Deal("lost", 7_000_000, "EUR"),
    ]
    summary = pipeline_summary(deals)
    assert [c.stage for c in summary.columns] == list(STAGES)
    sent = summary.column("proposal-sent")
    assert sent.count == 2 and dict(sent.totals) == {"EUR": 2_000_000, "RUB": 54_300_000}
    assert dict(sent.weighted) == {"EUR": 1_000_000, "RUB": 27_150_000}
    assert summary.column("briefed").count == 1 and not summary.column("briefed").totals
    # 10% of 10 000.00 + 50% of 20 000.00 + 70% of 3.33 (2.331 → 2.33)
    assert dict(summary.forecast) == {"EUR": 100_000 + 1_000_000 + 233, "RUB": 27_150_000}
    assert dict(summary.open_totals) == {"EUR": 3_000_333, "RUB": 54_300_000}
    won = summary.column("won")
    assert won.probability is None and not won.weighted and dict(won.totals) == {"EUR": 5_000_000}


def test_probabilities_from_the_config() -> None:
    custom = check_probabilities({"proposal-sent": 40})
    assert custom["proposal-sent"] == 40 and custom["new"] == DEFAULT_PROBABILITIES["new"]
    summary = pipeline_summary([Deal("proposal-sent", 1_000, "USD")], custom)
    assert dict(summary.forecast) == {"USD": 400}
    for bad, says in (({"won": 100}, "not an open pipeline stage"), ({"new": 101}, "0 to 100")):
        with pytest.raises(InputError, match=says):
            check_probabilities(bad)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(STAGES),
            st.integers(0, 10**12),
            st.sampled_from(["EUR", "USD", "JPY"]),
        ),
        max_size=40,
    )
)
def test_forecast_never_mixes_currencies(rows: list[tuple[str, int, str]]) -> None:
    summary = pipeline_summary(Deal(*row) for row in rows)
    for currency in ("EUR", "USD", "JPY"):
        open_sum = sum(a for s, a, c in rows if c == currency and s in OPEN_STAGES)
        assert summary.open_totals.get(currency, 0) == open_sum
        assert 0 <= summary.forecast.get(currency, 0) <= open_sum
    assert sum(c.count for c in summary.columns) == len(rows)


def test_unknown_stage_is_refused() -> None:
    with pytest.raises(InputError, match="unknown pipeline stage"):
        pipeline_summary([Deal("closed", 1, "EUR")])


def test_accounts_are_placed_with_the_one_kam_rule() -> None:
    placed = place_accounts(
        [
            AccountScores("C1", 5, 5),
            AccountScores("C2", 5, 2),
            AccountScores("C3", 2, 4),
            AccountScores("C4", 1, 1),
            AccountScores("C5", None, 3),
            AccountScores("C6", 4, 4),
        ]
    )
    assert placed == {
        "Strategic": ["C1", "C6"],
        "Star": ["C2"],
        "Status": ["C3"],
        "Streamline": ["C4"],
        UNSCORED: ["C5"],
    }


def test_pareto_marks_the_fewest_clients_that_reach_80_percent_per_currency() -> None:
    revenue = [
        ("Granel", "EUR", 50_000),
        ("Kettle", "EUR", 20_000),
        ("Vistula", "EUR", 15_000),
        ("Harbor", "EUR", 10_000),
        ("Kettle", "EUR", 5_000),  # a second payment of the same client adds up
        ("Гранель", "RUB", 900_000),
        ("Harbor", "RUB", 100_000),
        ("Nobody", "EUR", 0),
    ]
    result = pareto(revenue)
    eur = result["EUR"]
    assert eur.total_minor == 100_000
    assert [(r.key, r.amount_minor) for r in eur.rows] == [
        ("Granel", 50_000), ("Kettle", 25_000), ("Vistula", 15_000), ("Harbor", 10_000),
    ]  # fmt: skip
    # 50% + 25% = 75% < 80%, so Vistula (crossing to 90%) is the last key account.
    assert eur.key_accounts == ("Granel", "Kettle", "Vistula")
    assert result["RUB"].key_accounts == ("Гранель",)  # 90% alone


def test_pareto_exact_at_the_line() -> None:
    result = pareto([("A", "EUR", 80), ("B", "EUR", 20)])
    assert result["EUR"].key_accounts == ("A",)  # exactly 80% is enough


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(1, 10**9), min_size=1))
def test_pareto_key_accounts_reach_the_share_and_no_fewer_would(amounts: dict[str, int]) -> None:
    result = pareto((k, "USD", v) for k, v in amounts.items())["USD"]
    key = [r.amount_minor for r in result.rows if r.key_account]
    total = sum(amounts.values())
    assert sum(key) * 100 >= total * 80
    assert sum(key[:-1]) * 100 < total * 80
