"""Web-form CSV exports → `IncomingBrief`s: Google Forms (English and Russian headers),
Typeform, Tally, a generic form, or a mapping from the config for any other form.

The file is read whole and checked before anything is written: its encoding (UTF-8 with or
without a BOM, UTF-16 with a BOM as Excel's "Unicode text", else cp1251; anything else is
refused), its delimiter (sniffed among `,` `;` tab), and the columns its mapping needs (a
missing one is named). Each row keeps every other non-empty column as a brief question and
answer, in column order.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from amtui.core.config import Config
from amtui.core.errors import InputError
from amtui.core.intake import IncomingBrief, row_key
from amtui.core.intake_config import FormMapping
from amtui.core.text import one_line
from amtui.io.files import read_input_file

#: Header names of the contact fields that any preset recognises (compared case-insensitively,
#: without surrounding spaces and a trailing colon or asterisk).
_COMMON = {
    "name": ("name", "your name", "full name", "имя", "ваше имя", "фио", "как вас зовут",
             "contact name", "contact person", "контактное лицо", "имя и фамилия"),
    "email": ("email", "e-mail", "email address", "your email", "work email", "почта",
              "электронная почта", "адрес электронной почты", "ваш e-mail", "ваш email"),
    "phone": ("phone", "phone number", "telephone", "mobile", "телефон", "номер телефона",
              "ваш телефон", "контактный телефон"),
    "company": ("company", "company name", "organization", "organisation", "компания",
                "название компании", "организация", "бренд", "brand"),
    "title": ("project", "project name", "subject", "тема", "проект", "название проекта"),
    # A name asked in two questions (Typeform's contact block: "First name", "Last name").
    "first_name": ("first name", "given name", "имя"),
    "last_name": ("last name", "surname", "family name", "фамилия"),
}  # fmt: skip

#: How a question asking for an email address or a phone number is worded when no header
#: above names it exactly (forms ask in their own words: "What's your email?", "Email
#: (Gitstart mail)", "Ваш номер телефона для связи").
_ASKED = {
    "email": re.compile(r"\be-?mail\b|электронн\w* почт|\bпочт[аыу]\b"),
    "phone": re.compile(r"\b(?:phone|telephone|mobile|whatsapp)\b|телефон"),
}

PRESETS: dict[str, FormMapping] = {
    "google-forms": FormMapping(
        name="google-forms",
        columns={
            "received": ("Timestamp", "Отметка времени"),
            "email": ("Email Address", "Адрес электронной почты", *_COMMON["email"]),
        },
        received_formats=(
            "%Y/%m/%d %I:%M:%S %p",
            "%Y/%m/%d %H:%M:%S",
            "%m/%d/%Y %H:%M:%S",
            "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y %H:%M",
        ),
        required=("received",),
    ),
    "typeform": FormMapping(
        name="typeform",
        columns={"row_id": ("#",), "received": ("Submit Date (UTC)",)},
        received_formats=("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"),
        timezone="UTC",
        required=("row_id", "received"),
    ),
    "tally": FormMapping(
        name="tally",
        columns={"row_id": ("Submission ID",), "received": ("Submitted at",)},
        received_formats=("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"),
        timezone="UTC",
        required=("row_id", "received"),
    ),
    "generic": FormMapping(
        name="generic",
        columns={
            "row_id": ("id", "response id", "submission id", "entry id", "№"),
            "received": (
                "date",
                "submitted",
                "submitted at",
                "created",
                "created at",
                "timestamp",
                "дата",
                "время",
                "дата отправки",
            ),
        },
        received_formats=("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d"),
    ),
}
#: Columns a form tool adds that are not answers (left out of the brief).
_NOT_ANSWERS = {
    "network id", "start date (utc)", "stage date (utc)", "respondent id", "tags", "ending",
    "response type", "submission id", "submitted at", "#",
    "submit date (utc)",
}  # fmt: skip
_ACCEPTED = "accepted: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1251 text"


def _norm(header: str) -> str:
    return re.sub(r"[\s:*]+$", "", " ".join(header.split())).casefold()


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def decode_csv(data: bytes, shown: str) -> str:
    """The text of a CSV export in the encodings form tools and spreadsheets write; anything
    that does not decode to clean text in one of them is refused."""
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1251", "replace")  # a byte cp1251 lacks becomes U+FFFD
    if text is not None and not _CONTROL.search(text):
        return text
    raise InputError(f"{shown} is not a CSV file in a known encoding; {_ACCEPTED}")


def _rows(text: str, shown: str) -> list[list[str]]:
    sample = text[:65536]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)
        ]
    except csv.Error as error:
        raise InputError(f"{shown} is not a readable CSV file: {error}") from None
    if len(rows) < 1:
        raise InputError(f"{shown} is empty: a form export starts with a header row")
    return rows


def detect_preset(headers: Sequence[str]) -> str:
    """Which form tool wrote a file, by its header row (generic when none fits)."""
    names = {_norm(h) for h in headers}
    if {"submission id", "submitted at"} <= names:
        return "tally"
    if "#" in names and "submit date (utc)" in names:
        return "typeform"
    if names & {"timestamp", "отметка времени"}:
        return "google-forms"
    return "generic"


def resolve_mapping(form: str | None, headers: Sequence[str], config: Config) -> FormMapping:
    """The mapping named by `--preset` (a preset or a form in the config), else detected."""
    if form is None:
        return PRESETS[detect_preset(headers)]
    configured = config.intake.forms.get(form)
    if configured is not None:
        if configured.mapping is not None:
            return configured.mapping
        form = configured.preset or form
    if form not in PRESETS:
        names = sorted({*PRESETS, *config.intake.forms})
        raise InputError(f"unknown form preset {one_line(form)!r}; use one of: {', '.join(names)}")
    return PRESETS[form]


def _answers_look_like(field: str, cells: Sequence[str]) -> bool:
    """True when most non-empty answers read as email addresses (or phone numbers)."""
    given = [c.strip() for c in cells if c.strip()]
    if not given:
        return False
    if field == "email":
        fit = sum(1 for c in given if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", c))
    else:
        fit = sum(1 for c in given if re.fullmatch(r"'?\+?[\d\s().-]{6,}", c))
    return fit * 2 >= len(given)


def _columns(
    mapping: FormMapping, headers: Sequence[str], shown: str, rows: Sequence[Sequence[str]] = ()
) -> dict[str, int]:
    """The column index of each field the file has; a required one missing is refused.
    `rows` (the answers) let an email or phone question worded in the form's own way count."""
    found: dict[str, int] = {}
    normalized = [_norm(h) for h in headers]
    fields = ("received", "row_id", "email", "phone", "name", "company", "title")
    for field in (*fields, "first_name", "last_name"):
        names = [_norm(n) for n in mapping.columns.get(field, ())]
        if not mapping.required or field not in mapping.required:
            names += [_norm(n) for n in _COMMON.get(field, ())]
        for name in names:
            if name in normalized and normalized.index(name) not in found.values():
                found[field] = normalized.index(name)
                break
        if field not in found and field in _ASKED and field not in mapping.required:
            # A question in the form's own words ("What's your email?", "Email (work)"),
            # whose answers read as addresses or numbers ("Join our email list?" does not).
            for index, header in enumerate(normalized):
                if (
                    _ASKED[field].search(header)
                    and index not in found.values()
                    and _answers_look_like(field, [r[index] for r in rows if index < len(r)])
                ):
                    found[field] = index
                    break
        if field in mapping.required and field not in found:
            wanted = " or ".join(repr(n) for n in mapping.columns.get(field, ()))
            raise InputError(
                f"{shown} does not fit the {mapping.name} form: no column {wanted} "
                f"({field.replace('_', ' ')}); nothing was imported"
            )
    if "email" not in found and "phone" not in found:
        raise InputError(
            f"{shown} does not fit the {mapping.name} form: no email or phone column "
            "(the lead needs a way to be answered); nothing was imported"
        )
    return found


_GMT = re.compile(r"\s*(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)
_ABBREVIATION = re.compile(r"\s+([A-Za-z]{3,5})$")
#: Zone abbreviations that mean one offset wherever they are used (Google Forms writes the
#: form owner's, e.g. `2024/06/01 12:30:27 am EEST`). Ambiguous ones (CST, IST, AST, BST in
#: some places) are read only when the form's own zone uses them at that time.
_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "WET": 0, "WEST": 60, "CET": 60, "CEST": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "SAMT": 240, "YEKT": 300, "OMST": 360, "KRAT": 420,
    "IRKT": 480, "YAKT": 540, "VLAT": 600, "JST": 540, "KST": 540, "HKT": 480, "SGT": 480,
    "AEST": 600, "AEDT": 660, "ACST": 570, "ACDT": 630, "AWST": 480, "NZST": 720,
    "NZDT": 780, "EST": -300, "EDT": -240, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
}  # fmt: skip


_SLASH_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\b")
_SLASH_TIMES = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")


def _with_slash_dates(formats: Sequence[str], cells: Sequence[str]) -> tuple[str, ...]:
    """The formats for a file's `4/27/2021 11:02:10`-style times, in the order its rows show:
    day first when a first number is over 12 (a form in a British, French or Russian
    spreadsheet locale writes `27/04/2021`), else month first (Google's US default, which
    the google-forms preset always read). Without slash dates, `formats` as they are."""
    pairs = [(int(m.group(1)), int(m.group(2))) for c in cells if (m := _SLASH_DATE.match(c))]
    if not pairs:
        return tuple(formats)
    day_first = any(first > 12 for first, _ in pairs)
    date = "%d/%m/%Y" if day_first else "%m/%d/%Y"
    other = "%m/%d/%Y" if day_first else "%d/%m/%Y"
    kept = [f for f in formats if not f.startswith(other)]  # one order for the whole file
    return (*kept, *(f"{date} {time}" for time in _SLASH_TIMES), date)


def parse_timestamp(text: str, formats: Sequence[str], zone: ZoneInfo) -> datetime | None:
    """A form's timestamp: ISO 8601, or one of the preset's formats, with a trailing
    `GMT+3` / `UTC-05:00` read as the offset; a time without one is in `zone`."""
    text = " ".join(text.split())
    if not text:
        return None
    offset = None
    gmt = _GMT.search(text)
    if gmt:
        sign = 1 if gmt.group(1) == "+" else -1
        delta = timedelta(hours=int(gmt.group(2)), minutes=int(gmt.group(3) or 0))
        offset = timezone(sign * delta)
        text = text[: gmt.start()]
    abbreviation = None
    if not gmt:
        found = _ABBREVIATION.search(text)
        if found and found.group(1).upper() not in ("AM", "PM"):
            abbreviation, text = found.group(1).upper(), text[: found.start()]
    value: datetime | None = None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in formats:
            try:
                value = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if value is None:
        return None
    if value.tzinfo is None and abbreviation is not None:
        local = value.replace(tzinfo=zone)
        if local.tzname() == abbreviation:  # the form's own zone: its DST rules apply
            offset = None
        elif abbreviation in _ABBREVIATIONS:
            offset = timezone(timedelta(minutes=_ABBREVIATIONS[abbreviation]))
        else:
            return None  # an abbreviation that could mean several zones: say so upstream
    if value.tzinfo is None:
        value = value.replace(tzinfo=offset or zone)
    return value.astimezone(UTC)


def read_form(
    path: Path,
    form: str | None,
    config: Config,
    *,
    timezone: str | None = None,
    now: datetime,
) -> list[IncomingBrief]:
    """Every row of a form export as a brief; refused as a whole if the file does not fit."""
    shown = one_line(str(path))
    if path.is_dir():
        raise InputError(f"{shown} is a folder; give the form's CSV export")
    data = read_input_file(path, shown)
    rows = _rows(decode_csv(data, shown), shown)
    headers = [h.strip() for h in rows[0]]
    mapping = resolve_mapping(form, headers, config)
    columns = _columns(mapping, headers, shown, rows[1:])
    configured = config.intake.forms.get(form or "")
    zone_name = timezone or mapping.timezone or (configured.timezone if configured else None)
    zone = ZoneInfo(zone_name) if zone_name else config.timezone
    used = set(columns.values())
    key_name = form if configured and form else mapping.name
    formats = mapping.received_formats
    own_order = any("%m/%d" in f or "%d/%m" in f for f in formats)
    if "received" in columns and (mapping is PRESETS.get(mapping.name) or not own_order):
        # A config's own `%d/%m/%Y` (or `%m/%d/%Y`) is the user's word and is kept as given.
        column = columns["received"]
        formats = _with_slash_dates(formats, [r[column] for r in rows[1:] if column < len(r)])
    briefs = []
    for number, row in enumerate(rows[1:], 2):
        cells = [*row, *[""] * (len(headers) - len(row))]
        if len(cells) > len(headers):
            raise InputError(
                f"{shown} line {number} has {len(cells)} cells but the header has "
                f"{len(headers)}; nothing was imported"
            )
        values = {field: cells[index].strip() for field, index in columns.items()}
        given, family = values.get("name") or values.get("first_name"), values.get("last_name")
        if family and family.casefold() not in (given or "").casefold():
            values["name"] = " ".join(v for v in (given, family) if v)
        else:
            values["name"] = given or ""
        # Typeform writes phone numbers as '+917574842451 (a leading apostrophe keeps a
        # spreadsheet from reading them as formulas): the number is what follows it.
        values["phone"] = values.get("phone", "").lstrip("'")
        received = None
        if values.get("received"):
            received = parse_timestamp(values["received"], formats, zone)
            if received is None:
                raise InputError(
                    f"{shown} line {number}: can't read {one_line(values['received'])!r} as the "
                    f"time it was sent ({mapping.name} form; a zone abbreviation that several "
                    "zones use, such as CST or IST, is read in the form's zone: give it with "
                    "--tz); nothing was imported"
                )
        # A later export of the same form (more rows, a question added) keys old rows alike.
        content = sorted(
            f"{h}={c.strip()}" for h, c in zip(headers, cells, strict=True) if c.strip()
        )
        answers = [
            (headers[index], cell.strip())
            for index, cell in enumerate(cells)
            if index not in used and cell.strip() and _norm(headers[index]) not in _NOT_ANSWERS
        ]
        briefs.append(
            IncomingBrief(
                row_key=row_key(key_name, values.get("row_id"), content),
                received=received,
                name=values.get("name") or None,
                email=values.get("email") or None,
                phone=values.get("phone") or None,
                company=values.get("company") or None,
                title=values.get("title") or None,
                answers=answers,
                origin=f"{shown} line {number}",
                form=mapping.name,
            )
        )
    return briefs


def preset_names(extra: Mapping[str, object] | None = None) -> list[str]:
    return sorted({*PRESETS, *(extra or {})})
