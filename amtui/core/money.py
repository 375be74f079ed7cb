"""Exact money and hours: reading them from what a person types, and the one rounding rule.

Pure (standard library only). Amounts are integers of a currency's minor unit (see
`amtui.core.currencies`); hours are integers of hundredths of an hour ("centihours"). Nothing
here ever goes through a float, so sums never drift. A lead's value is such an amount too
(`lead.value_minor`); a value typed without any currency is kept in hundredths, as if its
currency had two decimals (`value_exponent`), and re-scaled exactly when one is set.

Decisions (README "Proposals" describes them for users):
- Amounts: digits with an optional decimal part; thousands may be grouped by spaces (also
  no-break and thin spaces), `'`, `_`, `,` or `.`; when both `,` and `.` appear the last one is
  the decimal separator (`1,234.50`, `1.234,50`), and so is a lone one after space grouping
  (`1 234,50`); a lone `,` or `.` after one to three digits and followed by exactly three
  digits groups thousands when the currency has fewer than three decimals (`1.234` EUR is
  1234) and is refused as ambiguous otherwise (`1.234` KWD). `12k` and `1.5m` multiply by a
  thousand or a million. The currency's own code may stand before or after (`EUR 12`,
  `12 eur`); another code is refused. Negative amounts, more decimals than the currency
  has, and amounts above `MAX_MINOR` are refused: nothing is rounded silently.
- Hours: `1.5`, `1,5`, `2h`, `90m`, `1h30m`, `1:30`, exact to 0.01 hour; minutes must come to
  whole hundredths (multiples of 3 minutes), since `20m` (0.333… h) cannot be billed exactly.
- Rounding: a line amount (hours × rate) is rounded once to the currency's minor unit, half
  away from zero (what a spreadsheet's ROUND does); every total is a sum of rounded lines, so
  the document, the spreadsheet and the database always agree to the minor unit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from amtui.core.currencies import EXPONENTS, check_currency, exponent
from amtui.core.errors import InputError
from amtui.core.patterns import lazy
from amtui.core.text import one_line

# `decimal` is imported by the functions that make a Decimal: ~5 M instructions (with
# `numbers`) that the agenda, which only formats amounts, does not pay.
if TYPE_CHECKING:
    from decimal import Decimal

#: The largest amount accepted, in minor units: below 2**53, so JSON readers that use doubles
#: (JavaScript, spreadsheets) and PostgreSQL BIGINT hold it exactly.
MAX_MINOR = 999_999_999_999_999
#: The most hours one line may carry (100 000 h), in hundredths.
MAX_CENTIHOURS = 10_000_000

_GROUP_SPACES = " \u00a0\u202f\u2009'’_"
_AMOUNT_EXAMPLES = "e.g. 12000, 12 000, 1,234.50, 1.234,50 or 12k"
_NUMBER = lazy(rf"[0-9][0-9{re.escape(_GROUP_SPACES)},.]*")
_CODE_AROUND = lazy(r"(?:([A-Za-z]{3})\s*)?(.*?)(?:\s*\b([A-Za-z]{3}))?", re.S)
_MULTIPLIERS = {"k": 1000, "m": 1_000_000}


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return quotient if numerator >= 0 else -quotient


def line_amount(centihours: int, rate_minor: int) -> int:
    """hours × rate per hour, in minor units, rounded by the one rule (see the module doc)."""
    return round_half_up(centihours * rate_minor, 100)


def percent_of(amount_minor: int, percent: int) -> int:
    """`percent`% of an amount, rounded by the same rule (the weighted forecast uses it)."""
    return round_half_up(amount_minor * percent, 100)


def to_decimal(minor: int, currency: str) -> Decimal:
    """The exact major-unit value: 123450 EUR → Decimal('1234.50'), 1234 JPY → Decimal('1234')."""
    from decimal import Decimal

    return Decimal(minor).scaleb(-exponent(currency))


def plain_amount(minor: int, currency: str) -> str:
    """A machine-readable amount with every decimal digit: `1234.50`, `1234`, `12.345`."""
    return f"{to_decimal(minor, currency):f}"


def format_amount(minor: int, currency: str) -> str:
    """`12 000.50 EUR`, `1 500 JPY`, `1.250 KWD`: every stored digit, thousands grouped by a
    space, locale-free (shell commands and the app; documents use `money_locale`)."""
    digits = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**digits)
    text = f"{whole:,}".replace(",", " ")
    if digits:
        text += f".{fraction:0{digits}d}"
    return f"{sign}{text} {currency}"


def parse_amount(text: str, currency: str | None, *, allow_zero: bool = True) -> int:
    """What a person typed → minor units of `currency` (see the module doc for the forms);
    without a currency (a lead's value), hundredths."""
    from decimal import Decimal

    code = check_currency(currency) if currency is not None else None
    shown = one_line(text)
    raw = text.strip()
    match = _CODE_AROUND.fullmatch(raw)
    assert match is not None  # the pattern matches any text
    before, raw, after = match.groups()
    for named in (before, after):
        if named and named.upper() not in EXPONENTS:
            raise InputError(f"{shown!r} is not an amount; use {_AMOUNT_EXAMPLES}")
        if named and named.upper() != code:
            raise InputError(
                f"{shown!r} names {named.upper()}, but the amount is in {code or 'no currency'}"
            )
    if raw.startswith(("-", "−", "(")):
        raise InputError(f"{shown!r} is negative; amounts are 0 or more")
    multiplier = 1
    if raw[-1:].lower() in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[raw[-1].lower()]
        raw = raw[:-1].rstrip()
    if not _NUMBER.fullmatch(raw) or raw[-1] not in "0123456789":
        raise InputError(f"{shown!r} is not an amount; use {_AMOUNT_EXAMPLES}")
    digits = value_exponent(code)
    value = _read_number(raw, shown, digits, scaled=multiplier > 1) * multiplier
    minor = value.scaleb(digits)
    if minor != minor.to_integral_value():
        places = f"{digits} decimal place{'s' if digits != 1 else ''}" if digits else "no decimals"
        unit = code or "a value without a currency"
        raise InputError(f"{shown!r} has more decimals than {unit} allows ({places})")
    result = int(minor)
    if result > MAX_MINOR:
        most = f"{Decimal(MAX_MINOR).scaleb(-digits):f}"
        raise InputError(f"{shown!r} is too large; the most is {most}{f' {code}' if code else ''}")
    if result == 0 and not allow_zero:
        raise InputError(f"{shown!r} is zero; give an amount above 0")
    return result


#: The minor unit of a lead's value typed without a currency: hundredths.
NO_CURRENCY_EXPONENT = 2


def value_exponent(currency: str | None) -> int:
    """The decimal digits of a lead value's unit: its currency's (a stored code amtui does not
    know, from an old import, reads as two), hundredths without one."""
    return EXPONENTS.get(currency, NO_CURRENCY_EXPONENT) if currency else NO_CURRENCY_EXPONENT


def parse_value(text: str, currency: str | None) -> int:
    """A lead's value as typed → minor units of its currency (hundredths without one)."""
    return parse_amount(text, currency)


def format_value(minor: int | None, currency: str | None) -> str:
    """A lead's value: `12 000 EUR`, `1 250.50 USD`, `150 000 JPY`, `12 000` without a
    currency; the decimals only when there are any (lists stay short)."""
    if minor is None:
        return ""
    digits = value_exponent(currency)
    whole, fraction = divmod(minor, 10**digits)
    text = f"{whole:,}".replace(",", " ")
    if fraction:
        text += f".{fraction:0{digits}d}"
    return f"{text} {currency}" if currency else text


def value_decimal(minor: int, currency: str | None) -> Decimal:
    """A lead's value in major units, exact: 125050 EUR → Decimal('1250.50')."""
    from decimal import Decimal

    return Decimal(minor).scaleb(-value_exponent(currency))


def value_number(minor: int, currency: str | None) -> float:
    """A lead's value in major units as the JSON number it has always been,
    `float(value_decimal(minor, currency))`: both are the float nearest the exact quotient
    (int true division rounds correctly), without importing decimal (~6 M instructions)."""
    return minor / 10 ** value_exponent(currency)


def plain_value(minor: int | None, currency: str | None) -> str:
    """A lead's value as a form shows it for editing: `12000`, `1250.50` (no grouping)."""
    if minor is None:
        return ""
    digits = value_exponent(currency)
    whole, fraction = divmod(minor, 10**digits)
    return f"{whole}.{fraction:0{digits}d}" if fraction else str(whole)


def rescale_value(minor: int, old: str | None, new: str | None) -> int:
    """The same amount in the unit of another currency (a lead's currency corrected: 1 200 EUR
    becomes 1 200 USD), exactly; refused when the new unit cannot hold it (12.50 → JPY)."""
    shift = value_exponent(new) - value_exponent(old)
    if shift >= 0:
        return minor * 10**shift
    whole, rest = divmod(minor, 10**-shift)
    if rest:
        shown = format_value(minor, old)
        raise InputError(
            f"{shown} has more decimals than {new} allows; give the value again in {new}"
        )
    return whole


def _read_number(raw: str, shown: str, digits: int, *, scaled: bool) -> Decimal:
    """Digits with grouping and one decimal separator → an exact Decimal (module doc rules).
    Before a `k` or `m` (`scaled`) a lone `,` or `.` is always the decimal separator."""
    from decimal import Decimal

    marks = [ch for ch in raw if ch in ",."]
    decimal_mark: str | None = None
    if len(set(marks)) == 2:
        decimal_mark = marks[-1]
        if marks.count(decimal_mark) != 1:
            raise InputError(f"{shown!r} has two decimal separators; use {_AMOUNT_EXAMPLES}")
    elif len(marks) == 1:
        whole, _, tail = raw.rpartition(marks[0])
        tail_digits = tail.strip(_GROUP_SPACES)
        looks_grouped = (
            not scaled
            and len(tail_digits) == 3
            and tail_digits == tail
            and re.fullmatch(r"[1-9]\d{0,2}", whole) is not None
        )
        if looks_grouped and digits >= 3:
            raise InputError(
                f"{shown!r} is ambiguous (thousands or {digits} decimals?); "
                f"write it without grouping or with a decimal part, e.g. 1234 or 1.234,000"
            )
        decimal_mark = None if looks_grouped else marks[0]
    whole, _, fraction = raw.rpartition(decimal_mark) if decimal_mark else (raw, "", "")
    if decimal_mark and not fraction.isdigit():
        raise InputError(f"{shown!r} has a malformed decimal part; use {_AMOUNT_EXAMPLES}")
    groups = re.split(rf"[{re.escape(_GROUP_SPACES)},.]+", whole)
    separators = re.findall(rf"[{re.escape(_GROUP_SPACES)},.]+", whole)
    bad_group = any(len(g) != 3 for g in groups[1:]) or not 1 <= len(groups[0]) <= 3
    if separators and (bad_group or any(len(s) != 1 for s in separators)):
        raise InputError(
            f"{shown!r} groups its digits oddly; group thousands by three ({_AMOUNT_EXAMPLES})"
        )
    return Decimal("".join(groups) + ("." + fraction if fraction else ""))


_HOURS = lazy(
    r"(?:(?P<hours>\d+(?:[.,]\d+)?)\s*(?:h|hr|hrs|hours?|ч)?)"
    r"|(?:(?P<h>\d+)\s*(?:h|ч)\s*(?P<m>\d+)\s*(?:m|min|мин)?)"
    r"|(?:(?P<mins>\d+)\s*(?:m|min|мин))"
    r"|(?:(?P<hh>\d+):(?P<mm>[0-5]\d))",
    re.ASCII,  # digits as amounts take them: `٣` is no number of hours
)


def parse_hours(text: str) -> int:
    """Hours as typed (`1.5`, `1,5`, `2h`, `90m`, `1h30m`, `1:30`) → hundredths of an hour."""
    from decimal import Decimal

    shown = one_line(text)
    raw = text.strip().lower()
    if raw.startswith(("-", "−")):
        raise InputError(f"{shown!r} is negative; hours must be more than 0")
    match = _HOURS.fullmatch(raw)
    if not match:
        raise InputError(
            f"{shown!r} is not a number of hours; use e.g. 1.5, 2h, 90m, 1h30m or 1:30"
        )
    if match["hours"] is not None:
        value = Decimal(match["hours"].replace(",", "."))
        centihours = value.scaleb(2)
        if centihours != centihours.to_integral_value():
            raise InputError(f"{shown!r} is finer than 0.01 hour; round it to two decimals")
        result = int(centihours)
    else:
        if match["mins"] is not None:
            minutes = int(match["mins"])
        elif match["h"] is not None:
            minutes = int(match["h"]) * 60 + int(match["m"])
        else:
            minutes = int(match["hh"]) * 60 + int(match["mm"])
        if minutes * 100 % 60:
            approx = Decimal(minutes * 100 // 60).scaleb(-2)
            raise InputError(
                f"{shown!r} is not a whole number of hundredths of an hour; "
                f"write it in hours, e.g. {approx} or {approx + Decimal('0.01')}"
            )
        result = minutes * 100 // 60
    if result <= 0:
        raise InputError(f"{shown!r} is no time at all; hours must be more than 0")
    if result > MAX_CENTIHOURS:
        raise InputError(f"{shown!r} is too many hours for one line (the most is 100000)")
    return result


def hours_decimal(centihours: int) -> Decimal:
    """Hundredths of an hour → hours without trailing zeros: 150 → Decimal('1.5')."""
    from decimal import Decimal

    value = Decimal(centihours).scaleb(-2)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
