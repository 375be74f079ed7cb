"""`amtui export` and `amtui import …`: everything out as JSON, one kind as CSV, and back."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import tzinfo
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from amtui.cli.context import runtime

if TYPE_CHECKING:
    from amtui.core.tool_import import ImportedLead, ImportedTask

import_app = typer.Typer(help="Bring data in: an amtui export, or what other tools exported.")

KINDS = "members, clients, contacts, leads, tasks or reminders"


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


def read_input(path: str) -> bytes:
    """A file's bytes, or standard input for `-`; an unreadable file is bad input (exit 2)."""
    from amtui.core.errors import InputError
    from amtui.io.files import read_input_file

    if path == "-":
        if sys.stdin is None:  # `<&-`: no standard input at all
            raise InputError("standard input is closed; give a file, or pipe the data in")
        return sys.stdin.buffer.read()
    return read_input_file(Path(path).expanduser(), path)


def write_output(data: bytes, out: Path | None, what: str) -> None:
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from amtui.cli.output import note
    from amtui.io.files import write_bytes

    write_bytes(out, data)
    note(f"Wrote {what} to {out}")


def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", help="json (everything) or csv (one --kind).", case_sensitive=False
        ),
    ] = ExportFormat.JSON,
    kind: Annotated[str | None, typer.Option("--kind", help=f"For CSV: {KINDS}.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Export your data. JSON holds every record and field (a full copy that `amtui import
    json` restores); CSV holds one kind of record, safe to open in a spreadsheet.

    Example: amtui export --format json --out amtui-export.json
    """
    from amtui.core.errors import InputError

    rt = runtime(ctx)
    if fmt is ExportFormat.JSON:
        if kind is not None:
            raise InputError("--kind is for CSV; JSON always holds everything")
        from amtui.cli.output import to_json
        from amtui.core.archive import export_archive

        archive = export_archive(rt.db)
        count = sum(len(rows) for rows in archive["tables"].values())
        write_output((to_json(archive) + "\n").encode("utf-8"), out, f"{count} rows")
        return
    if kind is None:
        raise InputError(f"CSV holds one kind of record: add --kind ({KINDS})")
    from amtui.core.archive import cell_text, export_kind
    from amtui.io.records_csv import write_csv

    columns, rows = export_kind(rt.db, kind.lower())
    body = write_csv(
        [c.name for c in columns], [[cell_text(row[c.name], c) for c in columns] for row in rows]
    )
    write_output(body, out, f"{len(rows)} {kind.lower()}")


def _summary(rows: dict[str, int]) -> str:
    parts = [f"{count} {table}" for table, count in rows.items() if count]
    return ", ".join(parts) or "nothing"


@import_app.command("json")
def import_json(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="An `amtui export --format json` file, or - .")],
) -> None:
    """Restore a JSON export into an empty database: every record comes back as it was
    (references, times, timelines). A non-empty database, a file from another amtui version,
    or a damaged file is refused whole; nothing is written.

    Example: amtui --db restored.db import json amtui-export.json
    """
    import json

    from amtui.cli.output import say
    from amtui.core.archive import import_archive
    from amtui.core.errors import InputError

    data = read_input(file)
    try:
        archive = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InputError(f"{file} is not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"{file} is not complete JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}); is it cut short?"
        ) from None
    summary = import_archive(runtime(ctx).db, archive)
    say(f"Imported {summary.total} rows: {_summary(summary.rows)}")


@import_app.command("csv")
def import_csv(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="An `amtui export --format csv` file, or - .")],
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"{KINDS} (default: read from the header).")
    ] = None,
) -> None:
    """Load one kind of record from an amtui CSV file, with its references (T12 stays T12):
    into a new database, clients first, then contacts, leads, tasks and reminders. A row whose
    reference is taken, or that points at a record the database lacks, refuses the file whole.

    Example: amtui --db new.db import csv clients.csv --kind clients
    """
    from amtui.cli.output import say
    from amtui.core.archive import CSV_KINDS, cell_value, import_kind, kind_columns
    from amtui.core.errors import InputError
    from amtui.io.records_csv import read_csv

    rt = runtime(ctx)
    header, cells = read_csv(read_input(file), source=file)
    candidates = [kind.lower()] if kind else list(CSV_KINDS)
    for candidate in candidates:
        columns = kind_columns(rt.db, candidate)
        if sorted(header) == sorted(c.name for c in columns):
            break
    else:
        if kind:
            expected = ", ".join(c.name for c in kind_columns(rt.db, kind.lower()))
            raise InputError(f"{file} does not have the columns of {kind}: {expected}")
        raise InputError(f"{file} has the columns of no amtui CSV export; give --kind ({KINDS})")
    by_name = {c.name: c for c in columns}
    rows = [
        {
            name: cell_value(text, by_name[name], f"{file} row {number}")
            for name, text in zip(header, row, strict=True)
        }
        for number, row in enumerate(cells, 2)
    ]
    summary = import_kind(rt.db, candidate, rows)
    say(f"Imported {_summary(summary.rows)}")


DRY_RUN_HELP = "Show what would be imported; write nothing."


def _import_items(
    ctx: typer.Context,
    *,
    dry_run: bool,
    verbose: bool,
    kinds: tuple[str, str],
    tasks: Sequence[ImportedTask] = (),
    leads: Sequence[ImportedLead] = (),
    skipped: Sequence[tuple[str, str]] = (),
) -> None:
    """Write what a parser read, one line per item and a summary, as `amtui intake` does."""
    from amtui.cli.intake import _Printer
    from amtui.cli.output import Format
    from amtui.core.intake import Tally
    from amtui.core.intake_store import Outcome
    from amtui.core.tool_import import ToolImport

    rt = runtime(ctx)
    printer = _Printer(Format.TEXT, dry_run, verbose)
    tally = Tally(kinds=kinds, mail=False)

    def report(outcome: Outcome) -> None:
        tally.count(outcome.kind)
        printer(outcome)

    for title, reason in skipped:
        report(Outcome("skipped", title, note=reason))
    source = f"{ctx.info_name} {ctx.params.get('file') or ''}".strip()
    with ToolImport(rt.db, now=rt.now, config=rt.config, dry_run=dry_run, summary=source) as run:
        for task in tasks:
            report(run.receive_task(task))
        for lead in leads:
            report(run.receive_lead(lead))
    printer.finish(tally)


@import_app.command("taskwarrior")
def import_taskwarrior(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="The output of `task export`, or - .")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=DRY_RUN_HELP)] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list tasks already imported.")
    ] = False,
) -> None:
    """Import Taskwarrior's tasks: descriptions, tags, due dates, priorities, projects (as
    clients), annotations (as notes), done and open. Importing again adds only new tasks.

    Example: amtui import taskwarrior tasks.json   (made by: task export > tasks.json)
    """
    from amtui.io.taskwarrior import parse_export, tasks_from_export

    rt = runtime(ctx)
    source = "stdin" if file == "-" else file
    items = parse_export(read_input(file), source=source)
    tasks, skipped = tasks_from_export(items, source=source, zone=rt.config.timezone)
    _import_items(
        ctx,
        dry_run=dry_run,
        verbose=verbose,
        kinds=("new task", "new tasks"),
        tasks=tasks,
        skipped=skipped,
    )


def _zone_option(tz: str | None, default: tzinfo) -> tzinfo:
    from amtui.core.validate import check_zone

    name = check_zone(tz)
    if name is None:
        return default
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


TZ_HELP = "Zone of the file's times (default: your timezone), e.g. Europe/Moscow."


@import_app.command("kommo")
def import_kommo(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A Kommo / amoCRM lead export (CSV), or - .")],
    tz: Annotated[str | None, typer.Option("--tz", help=TZ_HELP)] = None,
    currency: Annotated[
        str | None, typer.Option(help="Currency of the budget column, e.g. RUB (default: yours).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=DRY_RUN_HELP)] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list leads already imported.")
    ] = False,
) -> None:
    """Import leads from a Kommo / amoCRM export (Russian or English columns): title, budget,
    contact, stage (won and lost close the lead; worked ones count as answered), and every
    other column as a brief answer. Importing again adds only new leads.

    Example: amtui import kommo amocrm_export_leads.csv --tz Europe/Moscow --currency RUB
    """
    from amtui.io.tool_csv import read_kommo

    rt = runtime(ctx)
    source = "stdin" if file == "-" else file
    leads = read_kommo(
        read_input(file),
        source=source,
        zone=_zone_option(tz, rt.config.timezone),
        currency=currency,
    )
    _import_items(
        ctx, dry_run=dry_run, verbose=verbose, kinds=("new lead", "new leads"), leads=leads
    )


@import_app.command("asana")
def import_asana(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="An Asana project's CSV export, or - .")],
    tz: Annotated[str | None, typer.Option("--tz", help=TZ_HELP)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=DRY_RUN_HELP)] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list tasks already imported.")
    ] = False,
) -> None:
    """Import tasks from an Asana project's CSV export: name, notes, due date, tags,
    assignee, the project as the client, a section named like a board column as its column,
    done ones as done. Importing again adds only new tasks.

    Example: amtui import asana "Website redesign.csv"
    """
    from amtui.io.tool_csv import read_asana

    rt = runtime(ctx)
    source = "stdin" if file == "-" else file
    tasks = read_asana(
        read_input(file),
        source=source,
        zone=_zone_option(tz, rt.config.timezone),
        columns=rt.config.columns,
    )
    _import_items(
        ctx, dry_run=dry_run, verbose=verbose, kinds=("new task", "new tasks"), tasks=tasks
    )
