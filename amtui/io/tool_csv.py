"""CSV exports of the tools account managers leave: a CRM's leads (Kommo / amoCRM) and a task
tracker's tasks (Asana), as `ImportedLead` / `ImportedTask` values (`amtui import kommo|asana`).

Columns are found by name, in Russian or English, in any case and order; what a row holds in
columns amtui has no field for is kept (a lead's as brief answers, a task's in its notes), so
nothing the export carried is lost. Encodings and delimiters are read as for web forms
(`amtui.io.forms`): UTF-8 with or without BOM, UTF-16 with BOM, Windows-1251; `,` `;` or tab.
A file without the columns that identify it (an id and a title) is refused whole, naming them.

Column names: amoCRM's Russian lead export as it is written (ID, Название сделки, Бюджет,
Ответственный, Дата создания сделки, Кем создана сделка, Дата редактирования, Кем
редактирована, Дата закрытия, Теги, Примечание…, Этап сделки, Воронка, Полное имя контакта,
Компания контакта, Рабочий телефон, Рабочий email, …); Kommo's English labels for the same
fields. Asana's "Export → CSV": Task ID, Created At, Completed At, Last Modified, Name,
Section/Column, Assignee, Assignee Email, Start Date, Due Date, Tags, Notes, Projects, Parent
task, Blocked By (Dependencies), Blocking (Dependencies), then the project's custom fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from amtui.core.errors import InputError
from amtui.core.text import fold, one_line
from amtui.core.tool_import import ImportedLead, ImportedTask
from amtui.io.forms import _rows, decode_csv, parse_timestamp

# --- Kommo / amoCRM leads ----------------------------------------------------------------------

KOMMO_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "id сделки", "lead id"),
    "title": ("название сделки", "сделка", "lead title", "lead name", "deal name", "name"),
    "budget": ("бюджет", "budget", "sale", "lead budget"),
    "responsible": ("ответственный", "responsible user", "responsible", "lead owner"),
    "created": ("дата создания сделки", "дата создания", "date created", "created at", "created"),
    "closed": ("дата закрытия", "closing date", "closed at", "date closed"),
    "tags": ("теги", "tags", "lead tags"),
    "stage": ("этап сделки", "статус", "stage", "status", "lead status"),
    "pipeline": ("воронка", "pipeline"),
    "contact": ("полное имя контакта", "основной контакт", "contact", "contact name", "full name"),
    "company": ("компания", "компания контакта", "company", "company name"),
    "lost_reason": ("причина отказа", "loss reason", "lost reason", "reason for loss"),
}
#: Phone and email columns, the first non-empty one wins (the others go to the brief).
KOMMO_PHONES = (
    "рабочий телефон", "мобильный телефон", "рабочий прямой телефон", "домашний телефон",
    "другой телефон", "work phone", "mobile phone", "direct phone", "phone",
)  # fmt: skip
KOMMO_EMAILS = ("рабочий email", "личный email", "другой email", "work email", "personal email",
                "email")  # fmt: skip
#: Columns that only describe the export itself: not kept.
KOMMO_IGNORED = ("кем создана сделка", "дата редактирования", "кем редактирована",
                 "created by", "modified by", "last modified", "date modified")  # fmt: skip
KOMMO_DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")
WON = ("успешно реализовано", "closed - won", "closed – won", "closed won", "won", "успешно")
LOST = ("закрыто и не реализовано", "closed - lost", "closed – lost", "closed lost", "lost",
        "не реализовано")  # fmt: skip
#: amoCRM's default pipeline, in Russian and in Kommo's English.
STAGES = {
    "неразобранное": "new", "incoming leads": "new", "unsorted": "new",
    "первичный контакт": "contacted", "initial contact": "contacted",
    "переговоры": "negotiating", "negotiation": "negotiating",
    "принимают решение": "proposal-sent", "decision making": "proposal-sent",
    "согласование договора": "negotiating", "contract discussion": "negotiating",
}  # fmt: skip


def _norm(header: str) -> str:
    return fold(" ".join(header.split())).rstrip(":*")


def _find(headers: Sequence[str], names: Sequence[str]) -> int | None:
    normal = [_norm(h) for h in headers]
    for name in names:
        if name in normal:
            return normal.index(name)
    return None


def _each(headers: Sequence[str], names: Sequence[str]) -> list[int]:
    """The columns with any of these names, in the order of `names`."""
    return [i for name in names if (i := _find(headers, (name,))) is not None]


class _Cells:
    """One row's cells by field name (`cell("title")`), trimmed; "" for a missing column."""

    def __init__(self, row: list[str], found: dict[str, int | None]) -> None:
        self.row, self.found = row, found

    def __call__(self, field: str) -> str:
        index = self.found[field]
        return self.row[index].strip() if index is not None else ""


def _table(data: bytes, source: str) -> tuple[list[str], list[list[str]]]:
    rows = _rows(decode_csv(data, source), source)
    headers, body = rows[0], rows[1:]
    width = len(headers)
    return headers, [(row + [""] * width)[:width] for row in body]


def kommo_stage(name: str) -> str:
    """amoCRM / Kommo's stage name → amtui's (an unknown open stage counts as contacted)."""
    key = _norm(name)
    if key in WON:
        return "won"
    if key in LOST:
        return "lost"
    return STAGES.get(key, "contacted" if key else "new")


def read_kommo(
    data: bytes, *, source: str, zone: tzinfo, currency: str | None = None
) -> list[ImportedLead]:
    """The leads of a Kommo / amoCRM lead export."""
    headers, rows = _table(data, source)
    found = {field: _find(headers, names) for field, names in KOMMO_COLUMNS.items()}
    if found["id"] is None or found["title"] is None:
        missing = "ID" if found["id"] is None else "Название сделки / Lead title"
        raise InputError(
            f"{source} is not a Kommo / amoCRM lead export: it has no {missing} column"
        )
    notes_at = [i for i, h in enumerate(headers) if _norm(h).startswith(("примечание", "note"))]
    phones, emails = _each(headers, KOMMO_PHONES), _each(headers, KOMMO_EMAILS)
    ignored = set(_each(headers, KOMMO_IGNORED))
    used = {i for i in found.values() if i is not None} | set(notes_at) | ignored
    zone_info = zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")
    leads = []
    for number, row in enumerate(rows, 2):
        cell = _Cells(row, found)
        lead_id = cell("id")
        if not lead_id:
            continue  # a summary or blank line
        stage = kommo_stage(cell("stage"))
        phone = next((row[i].strip() for i in phones if row[i].strip()), None)
        email = next((row[i].strip() for i in emails if row[i].strip()), None)
        brief = [
            (one_line(headers[i]).strip(), row[i].strip())
            for i in range(len(headers))
            if i not in used and row[i].strip() and row[i].strip() not in (phone, email)
        ]
        for label, field in (("Stage", "stage"), ("Pipeline", "pipeline"),
                             ("Responsible", "responsible"), ("Tags", "tags"),
                             ("Company", "company")):  # fmt: skip
            if cell(field):
                brief.insert(0, (f"Kommo {label.lower()}", cell(field)))
        created = _when(cell("created"), KOMMO_DATE_FORMATS, zone_info, source, number)
        closed = _when(cell("closed"), KOMMO_DATE_FORMATS, zone_info, source, number)
        contact = cell("contact") or None
        leads.append(
            ImportedLead(
                key=f"kommo:{lead_id}",
                title=cell("title") or f"Kommo lead {lead_id}",
                origin=source,
                received=created,
                stage=stage,
                lost_reason=(cell("lost_reason") or "lost in Kommo") if stage == "lost" else None,
                closed=closed,
                value=cell("budget") or None,
                currency=currency if cell("budget") else None,
                # Only a won deal makes its company an account; the rest keep it in the brief.
                client=(cell("company") or contact) if stage == "won" else None,
                contact_name=contact,
                contact_email=email,
                contact_phone=phone,
                notes="\n\n".join(row[i].strip() for i in notes_at if row[i].strip()),
                brief=tuple(brief),
            )
        )
    return leads


def _when(
    text: str, formats: Sequence[str], zone: ZoneInfo, source: str, number: int
) -> datetime | None:
    if not text.strip():
        return None
    value = parse_timestamp(text, formats, zone)
    if value is None:
        raise InputError(
            f"{source} row {number}: {one_line(text)!r} is not a date "
            "(accepted: 25.11.2026 10:00:00, 2026-11-25 or ISO 8601)"
        )
    return value


# --- Asana tasks -------------------------------------------------------------------------------

ASANA_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("task id",),
    "title": ("name", "task name"),
    "created": ("created at",),
    "completed": ("completed at",),
    "section": ("section/column", "section"),
    "assignee": ("assignee",),
    "due": ("due date",),
    "start": ("start date",),
    "tags": ("tags",),
    "notes": ("notes", "description"),
    "projects": ("projects",),
    "parent": ("parent task", "parent"),
    "priority": ("priority",),
}
ASANA_IGNORED = ("last modified", "assignee email")
ASANA_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d")
ASANA_PRIORITIES = {"high": "high", "medium": "normal", "low": "low", "urgent": "urgent"}


def read_asana(
    data: bytes, *, source: str, zone: tzinfo, columns: Sequence[str] = ()
) -> list[ImportedTask]:
    """The tasks of an Asana project's CSV export. `columns`: the board's, so that a section
    named like one puts the task there."""
    headers, rows = _table(data, source)
    found = {field: _find(headers, names) for field, names in ASANA_COLUMNS.items()}
    if found["id"] is None or found["title"] is None:
        missing = "Task ID" if found["id"] is None else "Name"
        raise InputError(f"{source} is not an Asana CSV export: it has no {missing} column")
    ignored = set(_each(headers, ASANA_IGNORED))
    used = {i for i in found.values() if i is not None} | ignored
    board = {fold(c): c for c in columns}
    zone_info = zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")
    tasks = []
    for number, row in enumerate(rows, 2):
        cell = _Cells(row, found)
        task_id = cell("id")
        if not task_id or not cell("title"):
            continue
        notes = [cell("notes")] if cell("notes") else []
        extra = [
            f"{one_line(headers[i]).strip()}: {row[i].strip()}"
            for i in range(len(headers))
            if i not in used and row[i].strip()
        ]
        for label, field in (("Asana project", "projects"), ("Subtask of", "parent"),
                             ("Section", "section"), ("Start date", "start")):  # fmt: skip
            if cell(field):
                extra.insert(0, f"{label}: {cell(field)}")
        if extra:
            notes.append("\n".join(extra))
        created = _day(cell("created"), zone_info, source, number)
        completed = _day(cell("completed"), zone_info, source, number)
        due_at = _when(cell("due"), ASANA_DATE_FORMATS, zone_info, source, number)
        due = due_at.astimezone(zone_info).date() if due_at is not None else None
        priority = ASANA_PRIORITIES.get(fold(cell("priority")))
        project = cell("projects").split(",")[0].strip() or None
        tasks.append(
            ImportedTask(
                key=f"asana:{task_id}",
                title=cell("title"),
                origin=source,
                notes="\n\n".join(notes),
                client=project,
                tags=[_tag(t) for t in cell("tags").split(",") if _tag(t)],
                due=due,
                priority=priority,
                assignee=cell("assignee") or None,
                column=board.get(fold(cell("section"))),
                created=created,
                done=completed,
            )
        )
    return tasks


def _day(text: str, zone: ZoneInfo, source: str, number: int) -> datetime | None:
    """Asana writes dates only: the start of that day in `zone`."""
    return _when(text, ASANA_DATE_FORMATS, zone, source, number)


def _tag(text: str) -> str:
    """An Asana tag (`Needs review`) as an amtui tag (`needs-review`)."""
    return "-".join(text.split()).lower()
