"""`amtui export` and `amtui import …`: everything out as JSON, one kind as CSV, and back."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from amtui.cli.context import runtime

import_app = typer.Typer(help="Bring data in: an amtui export, or what other tools exported.")

KINDS = "clients, contacts, leads, tasks or reminders"


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


def read_input(path: str) -> bytes:
    """A file's bytes, or standard input for `-`; an unreadable file is bad input (exit 2)."""
    from amtui.core.errors import InputError

    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).expanduser().read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a directory; give a file") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None


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

        archive = export_archive(rt.sql_db)
        count = sum(len(rows) for rows in archive["tables"].values())
        write_output((to_json(archive) + "\n").encode("utf-8"), out, f"{count} rows")
        return
    if kind is None:
        raise InputError(f"CSV holds one kind of record: add --kind ({KINDS})")
    from amtui.core.archive import cell_text, export_kind
    from amtui.io.records_csv import write_csv

    columns, rows = export_kind(rt.sql_db, kind.lower())
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
    summary = import_archive(runtime(ctx).sql_db, archive)
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
        columns = kind_columns(rt.sql_db, candidate)
        if sorted(header) == sorted(c.name for c in columns):
            break
    else:
        if kind:
            expected = ", ".join(c.name for c in kind_columns(rt.sql_db, kind.lower()))
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
    summary = import_kind(rt.sql_db, candidate, rows)
    say(f"Imported {_summary(summary.rows)}")
