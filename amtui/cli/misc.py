"""Commands that span every noun: `show`, `search`, `db`, `demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from amtui.cli import completion
from amtui.cli.context import runtime
from amtui.cli.output import (
    Format,
    format_option,
    limit_option,
    owner_option,
    print_json,
    print_table,
    say,
)

db_app = typer.Typer(help="Where the data lives.")


def show(
    ctx: typer.Context,
    reference: Annotated[
        str,
        typer.Argument(
            help="Any reference: T12, L7, C3, R5, P2 or I4.",
            autocompletion=completion.any_references,
        ),
    ],
    fmt: Format = format_option(),
) -> None:
    """Show any record by its reference.

    Example: amtui show L7
    """
    from amtui.cli import records
    from amtui.cli.invoices import show_invoice
    from amtui.cli.proposals import show_proposal
    from amtui.core.refs import Kind, parse_ref

    found = parse_ref(reference)
    shows = {
        Kind.TASK: records.show_task,
        Kind.LEAD: records.show_lead,
        Kind.CLIENT: records.show_client,
        Kind.REMINDER: records.show_reminder,
        Kind.PROPOSAL: show_proposal,
        Kind.INVOICE: show_invoice,
    }
    shows[found.kind](runtime(ctx), str(found), fmt)


def search(
    ctx: typer.Context,
    text: Annotated[list[str], typer.Argument(help="Words to look for (any case, any script).")],
    limit: int = limit_option(20, "At most this many per kind of record.", minimum=1),
    owner: str | None = owner_option("everyone's: search finds any record"),
    fmt: Format = format_option(),
) -> None:
    """Search tasks, leads, clients, contacts and reminders; open records first. Everyone's,
    unless --owner narrows the tasks, leads and reminders to one member's (and nobody's).

    Example: amtui search гранель
    """
    from amtui.cli.serialize import search_json
    from amtui.core.errors import NotFoundError
    from amtui.core.members import EVERYONE, resolve_scope
    from amtui.core.search import search as find

    rt = runtime(ctx)
    scope = EVERYONE if owner is None else resolve_scope(rt.db, owner, rt.config)
    hits = find(rt.db, " ".join(text), limit=limit, scope=scope)
    if fmt is Format.JSON:
        print_json([search_json(hit) for hit in hits])  # `[]` too: valid JSON for a pipe
    # No hits exits 1 in every format (README, exit codes).
    if not hits:
        raise NotFoundError(f"nothing matches {' '.join(text)!r}")
    if fmt is Format.JSON:
        return
    print_table(
        ["REF", "KIND", "TITLE", "DETAIL", ""],
        [[h.ref, h.kind, h.title, h.detail, "" if h.open else "closed"] for h in hits],
        fmt,
    )


@db_app.command("path")
def db_path(ctx: typer.Context) -> None:
    """Print where the data is (a file path, or the URL without its password).

    Example: amtui db path
    """
    from amtui.core.db import Database

    print(Database(runtime(ctx).db_target()).display)


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Backup file or directory (default: a timestamped file beside the database)."
        ),
    ] = None,
) -> None:
    """Copy the database safely while amtui is in use (SQLite's online backup); never
    overwrites a file. For PostgreSQL, use pg_dump.

    Example: amtui db backup ~/backups/
    """
    from amtui.core.backup import backup_sqlite, backup_target
    from amtui.core.errors import InputError
    from amtui.core.sql import Database

    rt = runtime(ctx)
    database = Database(rt.db_target())
    if database.path is None:
        raise InputError(
            f"amtui db backup copies SQLite files; back up PostgreSQL with pg_dump, e.g. "
            f"pg_dump -Fc -f amtui.dump '{database.display}'"
        )
    made = backup_sqlite(database.path, backup_target(database.path, path, rt.now))
    say(f"Backed up {database.path} to {made.path} ({made.size / 1_000_000:.1f} MB)")


def demo(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Option(help="Where to write it (default: demo.db in the data directory)."),
    ] = None,
) -> None:
    """Create (or refresh) a separate demo database with a realistic agency week.

    Example: amtui demo
    """
    from amtui.core.config import default_db_path
    from amtui.demo import create_demo

    rt = runtime(ctx)
    target = path or default_db_path().with_name("demo.db")
    summary = create_demo(target, now=rt.now, config=rt.config, create_directory=path is None)
    say(
        f"Demo database ready: {summary.path}\n"
        f"  {summary.clients} clients, {summary.leads} leads, {summary.tasks} tasks, "
        f"{summary.reminders} reminders (dates relative to now).\n"
        f"Try it:\n"
        f"  amtui --db {_quote(summary.path)} agenda\n"
        f"  amtui --db {_quote(summary.path)}          # the full-screen app\n"
        f"  AMTUI_ME={summary.members[0]} amtui --db {_quote(summary.path)} agenda   "
        f"# as one of the team ({', '.join(summary.members)})\n"
        f"Your own data is untouched; run `amtui demo` again to refresh the demo."
    )


def _quote(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))
