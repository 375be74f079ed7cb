"""Money, hours and dates the way a client's locale writes them (`543 000,00 ₽`, `€1,234.50`,
`1.234,50 €`), through Babel (BSD-3-Clause, the CLDR data every major platform uses).

Babel is imported inside the functions, never at module level: `import babel.numbers` costs
~6 ms, `babel.dates` ~15 ms, and the first use of a locale ~20 ms more (its CLDR data is
unpickled) on the project machine (`python -X importtime -c "import babel.dates"`). Only
documents and money views pay for it; no hot shell command imports this module (a test
checks quick-add, agenda and `--help`).

Digits: an amount is shown with its currency's ISO 4217 decimals, except that trailing zero
decimals are dropped where the locale's own usage (CLDR) writes fewer digits: 12 345 HUF
stored as 1234500 fillér shows as `12 345 Ft`, while 12 345,50 HUF keeps its `,50`. Nothing
that was stored is ever hidden by rounding.
"""

from __future__ import annotations

import copy
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from amtui.core.currencies import check_currency, exponent
from amtui.core.errors import InputError
from amtui.core.money import hours_decimal, to_decimal
from amtui.core.money_config import DEFAULT_LOCALE, LOCALE_TAG
from amtui.core.text import one_line

if TYPE_CHECKING:
    from babel import Locale

_LOCALE_EXAMPLES = "e.g. en_US, en_GB, de_DE, fr_FR, ru_RU"


@lru_cache(maxsize=32)
def _locale(tag: str) -> Locale:
    from babel import Locale, UnknownLocaleError

    if not LOCALE_TAG.fullmatch(tag):
        raise InputError(f"{one_line(tag)!r} is not a locale; use {_LOCALE_EXAMPLES}")
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise InputError(f"unknown locale {tag!r}; use {_LOCALE_EXAMPLES}") from None


def check_locale(tag: str) -> str:
    """A locale Babel knows, in its canonical form (`ru-ru` → `ru_RU`); else InputError."""
    return str(_locale(tag.strip()))


def format_money(minor: int, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """`minor` units of `currency` as `locale` writes money (symbol, grouping, decimals)."""
    from babel.numbers import format_currency, get_currency_precision

    code = check_currency(currency)
    loc = _locale(locale)
    digits = exponent(code)
    usual = get_currency_precision(code)
    if usual < digits and minor % 10 ** (digits - usual) == 0:
        digits = usual
    pattern = copy.copy(loc.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return format_currency(
        to_decimal(minor, code), code, format=pattern, locale=loc, currency_digits=False
    )


def format_number(value: int, locale: str = DEFAULT_LOCALE) -> str:
    """A whole number with the locale's grouping (`12 345`, `12,345`, `12.345`)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(locale))


def format_hours(centihours: int, locale: str = DEFAULT_LOCALE) -> str:
    """Hours with the locale's decimal mark and no trailing zeros (`1.5`, `1,5`, `12`)."""
    from babel.numbers import format_decimal

    value = hours_decimal(centihours)
    places = max(-value.as_tuple().exponent, 0)  # type: ignore[operator]
    return format_decimal(
        value, format=f"#,##0.{'0' * places}" if places else "#,##0", locale=_locale(locale)
    )


def format_day(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """A date the way the locale writes it in a letter: `25 ноября 2026 г.`, `November 25,
    2026`, `25. November 2026`."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=_locale(locale))


def currency_name(currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """The currency's name in the locale's language (`euro`, `российский рубль`)."""
    from babel.numbers import get_currency_name

    return get_currency_name(check_currency(currency), locale=_locale(locale))
