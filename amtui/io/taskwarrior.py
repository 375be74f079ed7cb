"""Taskwarrior's `task export` (JSON) as tasks for amtui (`amtui import taskwarrior`).

What is kept: the description (title), tags, the due date (a due at local midnight, or at
23:59:59 as `due:eod` writes it, is an all-day deadline in your zone), the priority (H high,
M normal, L low), the project (its top level names the client; the full path is noted), the
annotations (into the notes, each with its date), when it was entered and finished, and its
UUID (the import key: importing again adds nothing). Pending and waiting tasks are open (a
waiting task's date goes into its notes); completed ones are done at their end time; deleted
ones are skipped and said so. A recurring task (a template with `recur`, and the instances
Taskwarrior made of it) becomes one amtui recurring task: its earliest pending instance, with
the template's `recur` as a fixed schedule (`weekly` → `rec:+1w`; Taskwarrior counts from the
due date too); later pending instances are skipped (amtui adds each next occurrence when one
is done), completed ones are kept as done tasks. A `recur` amtui cannot express (hours) is
kept in the notes, and the instance imported as an ordinary task.

Both shapes `task export` has written are read: a JSON array (2.6 and later) and one object
per line (older versions). A file that is not such an export is refused whole.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from amtui.core.errors import InputError
from amtui.core.text import one_line
from amtui.core.tool_import import ImportedTask

PRIORITIES = {"H": "high", "M": "normal", "L": "low"}
_STAMP = "%Y%m%dT%H%M%SZ"


def parse_export(data: bytes, *, source: str) -> list[dict[str, Any]]:
    """The task objects of a `task export`, or an InputError saying why the file is not one."""
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError as error:
        raise InputError(f"{source} is not UTF-8 text (byte {error.start})") from None
    try:
        if text.startswith("["):
            items = json.loads(text)
        else:  # Taskwarrior before 2.6: one object per line
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as error:
        raise InputError(
            f"{source} is not a Taskwarrior export ({error.msg} at line {error.lineno}); "
            "make one with: task export > tasks.json"
        ) from None
    if not isinstance(items, list):
        raise InputError(f"{source} is not a Taskwarrior export (expected a list of tasks)")
    for number, item in enumerate(items, 1):
        missing = [
            k
            for k in ("uuid", "description", "status", "entry")
            if not isinstance(item, dict) or not isinstance(item.get(k), str)
        ]
        if missing:
            raise InputError(f"{source}: task {number} is not a Taskwarrior task (no {missing[0]})")
    return items


def read_stamp(value: Any, what: str, source: str) -> datetime:
    """`20261125T090000Z` → an aware UTC instant."""
    try:
        return datetime.strptime(str(value), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        raise InputError(
            f"{source}: {what} {one_line(str(value))!r} is not a Taskwarrior date "
            "(like 20261125T090000Z)"
        ) from None


def _due(value: datetime, zone: tzinfo) -> date | datetime:
    local = value.astimezone(zone)
    if local.time() in (time(0, 0), time(23, 59, 59)):
        return local.date()
    return value


#: Taskwarrior's named periods (`task help` / taskrc(5)) as amtui repeat rules.
_NAMED = {
    "daily": "+1d",
    "day": "+1d",
    "weekdays": "+1b",
    "weekly": "+1w",
    "week": "+1w",
    "biweekly": "+2w",
    "fortnight": "+2w",
    "monthly": "+1m",
    "month": "+1m",
    "bimonthly": "+2m",
    "quarterly": "+3m",
    "semiannual": "+6m",
    "annual": "+1y",
    "yearly": "+1y",
    "year": "+1y",
    "biannual": "+2y",
    "biyearly": "+2y",
}
_PERIOD = re.compile(
    r"(\d*)\s*(d|days?|w|wks?|weeks?|mo|mths?|months?|q|qtrs?|quarters?|y|yrs?|years?)"
)
_ISO = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


def recur_rule(value: str) -> str | None:
    """Taskwarrior's `recur` (`weekly`, `2w`, `3mo`, `P1M`) as an amtui rule (`+2w`), or None
    when amtui has no such period (hours, mixed ISO periods)."""
    text = value.strip().lower()
    if text in _NAMED:
        return _NAMED[text]
    match = _PERIOD.fullmatch(text)
    if match:
        count = int(match.group(1) or 1)
        unit = match.group(2)
        letter = "m" if unit.startswith(("mo", "mth")) else unit[0]
        return f"+{count}{letter}" if count else None
    iso = _ISO.fullmatch(value.strip().upper())
    if iso and value.strip().upper() != "P":
        given = [(int(n), unit) for n, unit in zip(iso.groups(), "ymwd", strict=True) if n]
        if len(given) == 1 and given[0][0] > 0:
            return f"+{given[0][0]}{given[0][1]}"
    return None


def _occurrences(items: list[dict[str, Any]]) -> dict[str, str]:
    """Each recurrence template's uuid → the uuid of its earliest pending instance."""
    current: dict[str, tuple[str, str]] = {}
    for item in items:
        parent = item.get("parent")
        if item["status"] in ("pending", "waiting") and isinstance(parent, str):
            due = str(item.get("due") or "")
            if parent not in current or due < current[parent][0]:
                current[parent] = (due, item["uuid"])
    return {parent: uuid for parent, (_, uuid) in current.items()}


def tasks_from_export(
    items: list[dict[str, Any]], *, source: str, zone: tzinfo
) -> tuple[list[ImportedTask], list[tuple[str, str]]]:
    """What to import, and what is skipped with the reason."""
    tasks: list[ImportedTask] = []
    skipped: list[tuple[str, str]] = []
    templates = {item["uuid"]: item for item in items if item["status"] == "recurring"}
    current = _occurrences(items)
    for item in items:
        title = item["description"]
        status = item["status"]
        if status == "deleted":
            skipped.append((title, "deleted in Taskwarrior"))
            continue
        if status == "recurring":
            skipped.append(
                (
                    title,
                    "a recurrence template; its next occurrence is imported as a recurring task"
                    if item["uuid"] in current
                    else "a recurrence template with no pending occurrence; run `task list` in "
                    "Taskwarrior, then export again",
                )
            )
            continue
        parent = item.get("parent")
        template = templates.get(parent) if isinstance(parent, str) else None
        if (
            template is not None
            and isinstance(parent, str)
            and status != "completed"
            and current[parent] != item["uuid"]
        ):
            skipped.append(
                (title, "a later occurrence of a recurring task (amtui adds each next one)")
            )
            continue
        if status not in ("pending", "waiting", "completed"):
            raise InputError(f"{source}: task {title!r} has an unknown status {status!r}")
        entry = read_stamp(item["entry"], "entry", source)
        notes: list[str] = []
        project = item.get("project")
        client = (str(project).split(".", 1)[0].strip() or None) if project else None
        if project and "." in str(project):
            notes.append(f"Taskwarrior project: {project}")
        wait = item.get("wait")
        if wait and status != "completed":
            notes.append(
                f"Waiting until {read_stamp(wait, 'wait', source).astimezone(zone):%Y-%m-%d %H:%M}"
                " (Taskwarrior)"
            )
        for annotation in item.get("annotations") or []:
            when = read_stamp(annotation.get("entry"), "annotation date", source)
            notes.append(
                f"{when.astimezone(zone):%Y-%m-%d %H:%M} {annotation.get('description', '')}"
            )
        done = None
        if status == "completed":  # finished when it says, else when entered
            done = read_stamp(item["end"], "end", source) if item.get("end") else entry
        recur = None
        if template is not None and status != "completed":
            given = str(template.get("recur") or item.get("recur") or "")
            recur = recur_rule(given)
            if recur is None:
                notes.append(f"Repeats {given} in Taskwarrior (amtui repeats by days at most)")
            if template.get("until"):
                until = read_stamp(template["until"], "until", source).astimezone(zone)
                notes.append(f"Repeats until {until:%Y-%m-%d} in Taskwarrior")
        due = item.get("due")
        priority = item.get("priority")
        if priority is not None and priority not in PRIORITIES:
            raise InputError(f"{source}: task {title!r} has an unknown priority {priority!r}")
        tasks.append(
            ImportedTask(
                key=f"taskwarrior:{item['uuid']}",
                title=title,
                origin=source,
                notes="\n".join(notes),
                client=client,
                tags=[str(tag) for tag in item.get("tags") or []],
                due=_due(read_stamp(due, "due", source), zone) if due else None,
                priority=PRIORITIES.get(priority) if priority else None,
                created=entry,
                done=done,
                recur=recur,
                note="; ".join(
                    n
                    for n in (
                        "waiting in Taskwarrior" if status == "waiting" or wait else "",
                        f"repeats (rec:{recur})" if recur else "",
                    )
                    if n
                ),
            )
        )
    return tasks, skipped
