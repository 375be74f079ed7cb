"""Money, hours and dates the way a client's locale writes them (Babel)."""

from __future__ import annotations

from datetime import date

import pytest

from amtui.core.errors import InputError
from amtui.core.money_locale import (
    check_locale,
    currency_name,
    format_day,
    format_hours,
    format_money,
    format_number,
)

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "shown"),
    [
        (54_300_000, "RUB", "ru_RU", f"543{NBSP}000,00{NBSP}₽"),
        (123_450, "EUR", "en_IE", "€1,234.50"),
        (123_450, "EUR", "de_DE", f"1.234,50{NBSP}€"),
        (123_450, "EUR", "fr_FR", f"1{NNBSP}234,50{NBSP}€"),
        (123_450, "USD", "en_US", "$1,234.50"),
        (123_450, "CHF", "de_CH", f"CHF{NBSP}1'234.50"),
        (1_234, "JPY", "en_US", "¥1,234"),
        (1_234_500, "KWD", "en_US", "KWD1,234.500"),
        (50, "EUR", "en_US", "€0.50"),
        # ISO gives HUF two decimals; Hungarians write none, so whole forints drop them …
        (1_234_500, "HUF", "hu_HU", f"12{NBSP}345{NBSP}Ft"),
        # … but a stored fraction is never hidden.
        (1_234_550, "HUF", "hu_HU", f"12{NBSP}345,50{NBSP}Ft"),
    ],
)
def test_format_money_as_the_locale_writes_it(
    minor: int, currency: str, locale: str, shown: str
) -> None:
    assert format_money(minor, currency, locale) == shown


def test_numbers_hours_dates_and_names() -> None:
    assert format_number(1_234_567, "ru_RU") == f"1{NBSP}234{NBSP}567"
    assert [format_hours(h, "ru_RU") for h in (150, 1_000, 125)] == ["1,5", "10", "1,25"]
    assert format_hours(123_456, "en_US") == "1,234.56"
    assert format_day(date(2026, 11, 25), "ru_RU") == f"25 ноября 2026{NNBSP}г."
    assert format_day(date(2026, 11, 25), "en_US") == "November 25, 2026"
    assert format_day(date(2026, 11, 25), "de_DE") == "25. November 2026"
    assert currency_name("RUB", "ru_RU") == "российский рубль"


def test_locale_tags() -> None:
    assert check_locale("ru-ru") == "ru_RU"
    assert check_locale(" de_DE ") == "de_DE"
    for bad, says in (("zz", "unknown locale"), ("Russian please", "not a locale")):
        with pytest.raises(InputError, match=says):
            check_locale(bad)


def test_unknown_currency_is_refused_before_babel_guesses() -> None:
    with pytest.raises(InputError, match="ISO 4217"):
        format_money(100, "XYZ", "en_US")
