"""The `[money]`, `[documents]` and `[agency]` parts of the config file, their defaults and
the checks of their values. Light on purpose (no Babel, no money rules): every command reads
the config.

```toml
[money]
due_soon_days = 7                 # an issued invoice due within this many days is "due soon"
closed_days = 30                  # the pipeline shows won and lost leads of the last N days
invoice_number = "{year}-{seq:04d}"   # {seq} once (restarts each year with {year})
[money.probabilities]             # weighted forecast: percent per open stage
new = 10
proposal-sent = 50

[documents]
locale = "ru_RU"                  # how documents write money and dates (a client's own wins)
proposal_template = "~/amtui/proposal.html"   # a Jinja2 HTML template replacing the built-in one
invoice_template = "~/amtui/invoice.html"

[agency]                          # who sends proposals and invoices
name = "Kettle Studio"
address = "Main St 1\\n10115 Berlin"
email = "hello@kettle.example"
details = "IBAN DE00 …"           # shown on invoices
```
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from amtui.core.errors import InputError
from amtui.core.patterns import lazy
from amtui.core.structs import field, struct
from amtui.core.vocabulary import OPEN_STAGES, Stage

#: Chance (percent) that a lead at each open stage is won; `[money.probabilities]` overrides.
DEFAULT_PROBABILITIES: Mapping[str, int] = {
    Stage.NEW.value: 10,
    Stage.CONTACTED.value: 20,
    Stage.BRIEFED.value: 30,
    Stage.PROPOSAL_SENT.value: 50,
    Stage.NEGOTIATING.value: 70,
}

#: The default invoice number: the issue year and a sequence that restarts every year.
DEFAULT_NUMBER_PATTERN = "{year}-{seq:04d}"
#: A field of an invoice number pattern: `{year}`, `{seq}`, `{seq:04d}`.
NUMBER_FIELD = lazy(r"\{(year|seq)(?::0?(\d+)d)?\}", re.ASCII)
#: An invoice number is printed on documents, in lists and in a bank transfer's reference:
#: `{seq:099999d}` made 100 000-digit numbers.
MAX_NUMBER_WIDTH, MAX_NUMBER_TEXT = 12, 40

#: Used when neither the client nor the config names a locale.
DEFAULT_LOCALE = "en_US"
#: What a locale tag looks like (`ru`, `ru_RU`, `de-DE`, `sr_Latn_RS`): checked when the config
#: is read, without loading Babel; whether Babel knows it is checked on first use.
LOCALE_TAG = lazy(r"[A-Za-z]{2,3}(?:[_-][A-Za-z]{4})?(?:[_-](?:[A-Za-z]{2}|\d{3}))?")

AGENCY_FIELDS = ("name", "contact", "address", "email", "phone", "website", "tax_id", "details")
_MONEY_KEYS = {"due_soon_days", "closed_days", "invoice_number", "probabilities"}
_DOCUMENT_KEYS = {"locale", "proposal_template", "invoice_template"}


def check_probabilities(values: Mapping[str, Any]) -> dict[str, int]:
    """Percent per open stage (0–100); stages not named keep their default."""
    result = dict(DEFAULT_PROBABILITIES)
    for stage, percent in values.items():
        if stage not in OPEN_STAGES:
            raise InputError(
                f"{stage!r} is not an open pipeline stage; use one of: {', '.join(OPEN_STAGES)}"
            )
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise InputError(f"the probability of {stage} must be a whole percent from 0 to 100")
        result[stage] = percent
    return result


def check_number_pattern(pattern: str) -> str:
    """An invoice number pattern: text with `{seq}` (or `{seq:04d}`) and optionally `{year}`."""
    fields = [m.group(1) for m in NUMBER_FIELD.finditer(pattern)]
    leftover = NUMBER_FIELD.sub("", pattern)
    if fields.count("seq") != 1 or fields.count("year") > 1 or "{" in leftover or "}" in leftover:
        raise InputError(
            f"invoice number pattern {pattern!r} must contain {{seq}} once (e.g. {{seq:04d}}) "
            'and may contain {year}; e.g. "{year}-{seq:04d}" or "INV-{seq:05d}"'
        )
    widths = [int(m.group(2)) for m in NUMBER_FIELD.finditer(pattern) if m.group(2)]
    if any(width > MAX_NUMBER_WIDTH for width in widths) or len(leftover) > MAX_NUMBER_TEXT:
        raise InputError(
            f"invoice number pattern {pattern!r} is too long: a field is at most "
            f"{MAX_NUMBER_WIDTH} digits wide ({{seq:04d}}) and the text around the fields at "
            f"most {MAX_NUMBER_TEXT} characters"
        )
    return pattern


@struct(frozen=True)
class MoneySettings:
    probabilities: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_PROBABILITIES))
    due_soon_days: int = 7
    closed_days: int = 30
    invoice_number: str = DEFAULT_NUMBER_PATTERN
    locale: str = DEFAULT_LOCALE
    proposal_template: str | None = None  # a path, `~` allowed; None: the built-in template
    invoice_template: str | None = None
    agency: Mapping[str, str] = field(default_factory=dict)  # AGENCY_FIELDS → text


def read_money(raw: Mapping[str, Any], where: str) -> MoneySettings:
    """Read the three tables from the parsed TOML; a bad value names its key and the file."""

    def fail(key: str, expected: str) -> InputError:
        return InputError(f"{where}: {key} must be {expected}")

    def table(name: str, known: set[str] | tuple[str, ...]) -> Mapping[str, Any]:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise fail(name, "a table")
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise InputError(
                f"{where}: unknown setting {name}.{unknown[0]}; "
                f"accepted here: {', '.join(sorted(known))}"
            )
        return value

    def days(values: Mapping[str, Any], key: str, default: int) -> int:
        value = values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3660:
            raise fail(f"money.{key}", "a whole number of days from 0 to 3660")
        return value

    def text(table_name: str, values: Mapping[str, Any], key: str) -> str | None:
        value = values.get(key)
        if value is not None and not isinstance(value, str):
            raise fail(f"{table_name}.{key}", "a string")
        return value

    money = table("money", _MONEY_KEYS)
    documents = table("documents", _DOCUMENT_KEYS)
    agency = table("agency", AGENCY_FIELDS)

    probabilities = money.get("probabilities", {})
    if not isinstance(probabilities, dict):
        raise fail("money.probabilities", "a table of stage = percent")
    try:
        checked = check_probabilities(probabilities)
        # Only a pattern the user wrote is checked (a regex compiled for every command)
        given = text("money", money, "invoice_number")
        pattern = check_number_pattern(given) if given else "{seq}"
    except InputError as error:
        raise InputError(f"{where}: money: {error}") from None
    locale = text("documents", documents, "locale") or DEFAULT_LOCALE
    if locale != DEFAULT_LOCALE and not LOCALE_TAG.fullmatch(locale):
        raise fail("documents.locale", "a locale such as en_US, de_DE or ru_RU")
    return MoneySettings(
        probabilities=checked,
        due_soon_days=days(money, "due_soon_days", 7),
        closed_days=days(money, "closed_days", 30),
        invoice_number=pattern if "invoice_number" in money else DEFAULT_NUMBER_PATTERN,
        locale=locale.replace("-", "_"),
        proposal_template=text("documents", documents, "proposal_template"),
        invoice_template=text("documents", documents, "invoice_template"),
        agency={key: text("agency", agency, key) or "" for key in AGENCY_FIELDS},
    )
