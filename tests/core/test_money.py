"""Money rules: currencies, reading amounts and hours, the rounding rule, estimate totals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtui.core.currencies import EXPONENTS, check_currency, exponent
from amtui.core.errors import InputError
from amtui.core.estimates import LineItem, estimate_totals, make_line_item
from amtui.core.money import (
    MAX_MINOR,
    format_value,
    hours_decimal,
    line_amount,
    parse_amount,
    parse_hours,
    parse_value,
    plain_amount,
    plain_value,
    rescale_value,
    round_half_up,
    to_decimal,
    value_decimal,
    value_number,
)


def test_exponents_follow_iso_4217() -> None:
    assert [exponent(c) for c in ("JPY", "KRW", "EUR", "USD", "RUB", "KWD", "BHD", "CLF")] == [
        0, 0, 2, 2, 2, 3, 3, 4,
    ]  # fmt: skip
    assert len(EXPONENTS) == 168
    assert check_currency(" eur ") == "EUR"


@pytest.mark.parametrize("code", ["XYZ", "EURO", "", "€", "XAU", "ZZZ"])
def test_unknown_currency_is_one_line_naming_what_is_accepted(code: str) -> None:
    with pytest.raises(InputError) as error:
        check_currency(code)
    message = str(error.value)
    assert "\n" not in message and "ISO 4217" in message and "EUR" in message


def test_every_code_is_one_babel_knows() -> None:
    """Cross-check against CLDR (Babel): no code in the table is made up."""
    from babel.numbers import is_currency

    assert [code for code in EXPONENTS if not is_currency(code)] == []


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12000", "EUR", 1_200_000),
        ("12 000", "EUR", 1_200_000),
        ("12\u00a0000,50", "EUR", 1_200_050),
        ("543 000,00", "RUB", 54_300_000),
        ("1,234.50", "USD", 123_450),
        ("1.234,50", "EUR", 123_450),
        ("1'234.50", "CHF", 123_450),
        ("1,234,567", "USD", 123_456_700),
        ("1.234", "EUR", 123_400),  # three digits after a lone mark group thousands
        ("12,5", "EUR", 1_250),
        ("0.5", "EUR", 50),
        ("12k", "EUR", 1_200_000),
        ("1.5k", "EUR", 150_000),
        ("1,234k", "EUR", 123_400),  # before k a lone mark is the decimal separator
        ("2M", "USD", 200_000_000),
        ("1234", "JPY", 1_234),
        ("1.234", "JPY", 1_234),
        ("1.234,500", "KWD", 1_234_500),
        ("12.5", "KWD", 12_500),
        ("1234.567", "KWD", 1_234_567),  # four digits before the mark: not a thousands group
        ("EUR 12", "eur", 1_200),
        ("12 eur", "EUR", 1_200),
        ("0", "EUR", 0),
    ],
)
def test_parse_amount(text: str, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "says"),
    [
        ("-5", "EUR", "negative"),
        ("−5", "EUR", "negative"),
        ("(5)", "EUR", "negative"),
        ("1,2345", "EUR", "more decimals than EUR"),
        ("1,5", "JPY", "JPY allows (no decimals)"),
        ("0,125", "EUR", "more decimals"),
        ("1.234", "KWD", "ambiguous"),
        ("12 usd", "EUR", "names USD"),
        ("1e5", "EUR", "not an amount"),
        ("NaN", "EUR", "not an amount"),
        ("Infinity", "EUR", "not an amount"),
        ("", "EUR", "not an amount"),
        ("12.", "EUR", "not an amount"),
        ("1 2", "EUR", "groups its digits oddly"),
        ("1,23,456", "INR", "groups its digits oddly"),
        ("1.234.5,6,7", "EUR", "two decimal separators"),
        ("10000000000000", "EUR", "too large"),
        ("12", "XYZ", "ISO 4217"),
    ],
)
def test_bad_amounts_are_one_line_saying_what_is_wrong(text: str, currency: str, says: str) -> None:
    with pytest.raises(InputError) as error:
        parse_amount(text, currency)
    assert says in str(error.value) and "\n" not in str(error.value)


def test_zero_can_be_refused() -> None:
    with pytest.raises(InputError, match="zero"):
        parse_amount("0,00", "EUR", allow_zero=False)


def test_the_largest_amount_survives_a_json_double() -> None:
    assert float(MAX_MINOR) == MAX_MINOR and MAX_MINOR < 2**53
    assert parse_amount(plain_amount(MAX_MINOR, "EUR"), "EUR") == MAX_MINOR


@given(
    st.sampled_from(sorted(EXPONENTS)),
    st.integers(min_value=0, max_value=MAX_MINOR),
)
def test_amounts_read_back_exactly(currency: str, minor: int) -> None:
    value = to_decimal(minor, currency)
    plain = plain_amount(minor, currency)  # 1234567.89
    grouped = f"{value:,f}"  # 1,234,567.89
    european = grouped.replace(",", " ").replace(".", ",")  # 1 234 567,89
    # "1.234 KWD" reads as thousands or as decimals: refused rather than guessed.
    ambiguous = exponent(currency) == 3 and 1 <= value < 1000
    for text in (plain, grouped, european):
        if ambiguous:
            with pytest.raises(InputError, match="ambiguous"):
                parse_amount(text, currency)
        else:
            assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "centihours"),
    [
        ("1.5", 150),
        ("1,5", 150),
        ("2h", 200),
        ("2 hours", 200),
        ("0.25", 25),
        ("90m", 150),
        ("45 min", 75),
        ("1h30m", 150),
        ("1h 15m", 125),
        ("1:30", 150),
        ("3 ч", 300),
        ("0.01", 1),
    ],
)
def test_parse_hours(text: str, centihours: int) -> None:
    assert parse_hours(text) == centihours


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-1", "negative"),
        ("0", "more than 0"),
        ("0.001", "finer than 0.01"),
        ("20m", "0.33 or 0.34"),
        ("100001", "too many hours"),
        ("two", "not a number of hours"),
        ("1:75", "not a number of hours"),
    ],
)
def test_bad_hours(text: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        parse_hours(text)


def test_hours_decimal_drops_only_trailing_zeros() -> None:
    assert [str(hours_decimal(c)) for c in (150, 200, 1000, 125, 1)] == [
        "1.5", "2", "10", "1.25", "0.01",
    ]  # fmt: skip


@given(st.integers(-(10**12), 10**12), st.integers(1, 10**6))
def test_round_half_up_matches_decimal(numerator: int, denominator: int) -> None:
    expected = (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    # Decimal division is exact enough at these sizes (28 significant digits).
    assert round_half_up(numerator, denominator) == int(expected)


def test_line_amount_rounds_once_half_away_from_zero() -> None:
    assert line_amount(150, 333) == 500  # 1.5 h × 3.33 = 4.995 → 5.00
    assert line_amount(1, 1) == 0  # 0.01 h × 0.01 = 0.0001 → 0
    assert line_amount(50, 1) == 1  # 0.5 h × 0.01 = 0.005 → 0.01
    assert line_amount(25, 800_000) == 200_000  # JPY or EUR alike: minor units in and out


def _item(stage: str, who: str, hours: int, rate: int, currency: str = "EUR") -> LineItem:
    return make_line_item(
        stage=stage, who=who, centihours=hours, rate_minor=rate, currency=currency
    )


def test_totals_per_stage_and_overall_per_currency() -> None:
    items = [
        _item("Discovery", "analyst", 800, 6_000),
        _item("Design", "designer", 2_400, 7_500),
        _item("Discovery", "account manager", 250, 5_000),
        _item("Design", "contractor", 1_000, 9_000, "USD"),
    ]
    totals = estimate_totals(items)
    assert [s.stage for s in totals.stages] == ["Discovery", "Design"]
    discovery, design = totals.stages
    assert discovery.centihours == 1_050 and dict(discovery.totals) == {"EUR": 48_000 + 12_500}
    assert dict(design.totals) == {"EUR": 180_000, "USD": 90_000}
    assert dict(totals.totals) == {"EUR": 240_500, "USD": 90_000}
    assert totals.centihours == 4_450 and totals.currencies == ("EUR", "USD")


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"centihours": -100}, "more than 0"),
        ({"centihours": 0}, "more than 0"),
        ({"rate_minor": -1}, "negative"),
        ({"currency": "XYZ"}, "ISO 4217"),
        ({"stage": " "}, "stage cannot be empty"),
        ({"who": ""}, "person or role cannot be empty"),
        ({"centihours": 1.5}, "hundredths"),
        ({"rate_minor": MAX_MINOR, "centihours": 200}, "too large"),
        ({"rate_minor": MAX_MINOR + 1}, "too large"),
    ],
)
def test_bad_line_items(kwargs: dict[str, object], says: str) -> None:
    values: dict[str, object] = {
        "stage": "Design",
        "who": "designer",
        "centihours": 100,
        "rate_minor": 5_000,
        "currency": "EUR",
    }
    with pytest.raises(InputError, match=says):
        make_line_item(**{**values, **kwargs})  # type: ignore[arg-type]


_lines = st.lists(
    st.builds(
        LineItem,
        stage=st.sampled_from(["Discovery", "Design", "Build", "Этап 4"]),
        who=st.just("someone"),
        centihours=st.integers(1, 100_000),
        rate_minor=st.integers(0, 10**7),
        currency=st.sampled_from(["EUR", "JPY", "KWD", "RUB"]),
    ),
    max_size=30,
)


@given(_lines)
def test_totals_never_drift_and_never_mix_currencies(items: list[LineItem]) -> None:
    totals = estimate_totals(items)
    for currency in {i.currency for i in items}:
        mine = [i for i in items if i.currency == currency]
        # Exact reference: Decimal hours × Decimal rate, rounded per line, then summed.
        expected = sum(
            int(
                (Decimal(i.centihours) / 100 * i.rate_minor).quantize(
                    Decimal(1), rounding=ROUND_HALF_UP
                )
            )
            for i in mine
        )
        assert totals.totals[currency] == expected
        assert sum(s.totals.get(currency, 0) for s in totals.stages) == expected
    assert set(totals.totals) == {i.currency for i in items}
    assert totals.centihours == sum(i.centihours for i in items)
    assert sum(len(s.items) for s in totals.stages) == len(items)
    # Reordering the lines within their stages changes nothing.
    assert estimate_totals(list(reversed(items))).totals == totals.totals


# --- a lead's value ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (1_200_000, "EUR", "12 000 EUR"),
        (125_050, "USD", "1 250.50 USD"),
        (54_300_000, "RUB", "543 000 RUB"),
        (150_000, "JPY", "150 000 JPY"),
        (1_250, "KWD", "1.250 KWD"),
        (5, None, "0.05"),
        (None, "EUR", ""),
    ],
)
def test_format_value(minor: int | None, currency: str | None, shown: str) -> None:
    assert format_value(minor, currency) == shown


def test_a_value_is_read_in_its_currencys_minor_unit() -> None:
    assert parse_value("1 000", "JPY") == 1_000
    assert parse_value("12k", "EUR") == 1_200_000
    assert parse_value("1,25", "KWD") == 1_250
    assert parse_value("12 000,50", None) == 1_200_050  # hundredths without a currency
    with pytest.raises(InputError, match="more decimals than JPY allows"):
        parse_value("10.5", "JPY")
    with pytest.raises(InputError, match="negative"):
        parse_value("-5", "EUR")
    assert plain_value(1_200_050, "EUR") == "12000.50"
    assert plain_value(1_000, "JPY") == "1000"
    assert value_decimal(1_250, "KWD") == Decimal("1.250")


def test_a_corrected_currency_keeps_the_amount() -> None:
    assert rescale_value(1_200_000, "EUR", "USD") == 1_200_000
    assert rescale_value(1_200_000, "EUR", "JPY") == 12_000
    assert rescale_value(12_000, "JPY", "KWD") == 12_000_000
    assert rescale_value(1_200_000, None, "JPY") == 12_000
    with pytest.raises(InputError, match="more decimals than JPY allows"):
        rescale_value(1_250, "EUR", "JPY")


@given(
    minor=st.one_of(
        st.integers(min_value=-(10**20), max_value=10**20),
        st.integers(min_value=-(2**80), max_value=2**80),
    ),
    currency=st.sampled_from([None, "EUR", "JPY", "KWD", "XXQ", *sorted(EXPONENTS)[:40]]),
)
def test_value_number_is_the_float_of_the_exact_value(minor: int, currency: str | None) -> None:
    """The agenda's JSON `value` reads the same as it did through Decimal."""
    assert value_number(minor, currency) == float(value_decimal(minor, currency))
