"""Checks shared by every service: each turns bad input into one clear `InputError`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from amtui.core import currencies
from amtui.core.dates import zone_from_name
from amtui.core.errors import InputError
from amtui.core.patterns import lazy
from amtui.core.text import one_line


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: object = _Unset()
"""Default of every `edit_*` keyword: the field is left as it is."""


def refuse_empty(options: Mapping[str, str | None], *, clearable: Iterable[str] = ()) -> None:
    """Refuse an option given with nothing in it (`--tz "$ZONE"` with the variable unset): it
    is never read as "not given", nor as "clear it" (`none` clears). Keys are the flags."""
    cleared = set(clearable)
    for flag, value in options.items():
        if value is not None and not value.strip():
            clears = f" (when editing, {flag} none clears it)" if flag in cleared else ""
            raise InputError(f"{flag} is empty; give a value or leave the option out{clears}")


def check_line(owner: str, line: int, count: int) -> int:
    """A line number (1-based) of a proposal's or an invoice's `count` lines."""
    if not 1 <= line <= count:
        lines = f"its lines are 1 to {count}" if count else "it has no lines yet"
        raise InputError(f"{owner} has no line {line}; {lines}")
    return line


def check_name(name: str, what: str = "name") -> str:
    """A display name or title: trimmed, non-empty, one line."""
    name = name.strip()
    if not name:
        raise InputError(f"the {what} cannot be empty")
    if "\n" in name or "\r" in name:
        raise InputError(f"the {what} must be one line")
    return name


def check_zone(name: str | None) -> str | None:
    """An IANA zone name or None; unknown names are refused with an example."""
    if name is None or not name.strip():
        return None
    return str(zone_from_name(name.strip()))


def check_score(value: int | None, what: str) -> int | None:
    """A 1–5 score (KAM attractiveness and relationship strength)."""
    if value is not None and not 1 <= value <= 5:
        raise InputError(f"{what} must be a score from 1 to 5, not {value}")
    return value


def check_choice(value: str, choices: Iterable[str], what: str) -> str:
    """One of a fixed set of words, case-insensitive; the error lists them."""
    options = list(choices)
    key = value.strip().lower().replace("_", "-").replace(" ", "-")
    if key not in options:
        raise InputError(f"unknown {what} {one_line(value)!r}; use one of: {', '.join(options)}")
    return key


def check_email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", value):
        raise InputError(f"{one_line(value)!r} is not an email address (name@example.com)")
    return value


def check_currency(text: str | None) -> str | None:
    """An ISO 4217 code (any case) or None when empty; unknown codes are refused."""
    if text is None or not text.strip():
        return None
    return currencies.check_currency(text)


#: Digits are ASCII, as in every number amtui reads (`est:٣` is refused, not 3 hours).
_ESTIMATE = lazy(r"(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)(?:h|$))?(?:(\d+)m(?:in)?)?", re.ASCII)


def parse_hours(text: str) -> float:
    """An estimate: `3`, `2.5`, `2h`, `90m`, `1h30m`, `1d` (a working day of 8 hours)."""
    raw = text.strip().lower().replace(",", ".")
    # A bare number is hours only at the end: "90m" is 90 minutes, never 9 h + 0 m.
    match = _ESTIMATE.fullmatch(raw)
    if not raw or not match or not any(match.groups()):
        raise InputError(f"{one_line(text)!r} is not an estimate; use e.g. 3, 2.5h, 90m, 1h30m, 1d")
    days, hours, minutes = match.groups()
    total = round(float(days or 0) * 8 + float(hours or 0) + int(minutes or 0) / 60, 2)
    if total <= 0 or total > 10_000:  # after rounding: `0.001h` would be stored as 0
        raise InputError(f"{one_line(text)!r} is not a sensible estimate (0.01 to 10000 hours)")
    return total
