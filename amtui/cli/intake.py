"""`amtui intake …`: leads from mail files, IMAP folders and web-form exports.

Each command prints one line per lead created, reply linked or item skipped, then a summary
(`12 new leads, 3 replies linked, 40 already seen`), and exits 0 when something new came in,
1 when nothing did (cron-friendly, like `remind due`), 2 for a bad file (nothing written).
`--dry-run` shows what would happen and writes nothing. The parsers (`amtui.io`) are imported
only inside the commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from amtui.cli.context import runtime
from amtui.cli.output import Format, note, print_json, say

if TYPE_CHECKING:
    from amtui.core.intake import Tally
    from amtui.core.intake_store import Intake, Outcome

app = typer.Typer(
    help="Lead intake: mail (eml, mbox, Maildir, IMAP) and web-form CSV exports.",
    no_args_is_help=True,
)

DryRun = Annotated[
    bool, typer.Option("--dry-run", "-n", help="Show what would be created, linked and skipped.")
]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also list the items that were already there.")
]
Since = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Only mail from this date on, e.g. 2026-11-01 or -30d (a first import of an old "
        "mailbox).",
    ),
]
FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="text (one line per item) or json.", case_sensitive=False),
]


class _Bar:
    """A progress bar on stderr while a long import runs on a terminal; nothing when piped."""

    def __init__(self) -> None:
        self.progress: Any = None
        self.task: Any = None

    def start(self, total: int, label: str) -> None:
        if total < 20 or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        console = Console(stderr=True, markup=False, highlight=False)
        self.progress = Progress(
            "{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            # Item lines go to stdout: through the bar's console when that is the same
            # terminal (so they print above the bar), untouched when piped.
            redirect_stdout=sys.stdout.isatty(),
            redirect_stderr=False,
        )
        self.progress.start()
        self.task = self.progress.add_task(label, total=total)

    def advance(self, count: int = 1) -> None:
        if self.progress is not None:
            self.progress.advance(self.task, count)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


class _Printer:
    """Prints each outcome as it happens (text) or collects them (json)."""

    def __init__(self, fmt: Format, dry_run: bool, verbose: bool) -> None:
        self.fmt, self.dry_run, self.verbose = fmt, dry_run, verbose
        self.items: list[dict[str, str | None]] = []

    def __call__(self, outcome: Outcome) -> None:
        if self.fmt is Format.JSON:
            if outcome.kind != "seen" or self.verbose:
                self.items.append(
                    {
                        "outcome": outcome.kind,
                        "ref": outcome.ref,
                        "title": outcome.title,
                        "note": outcome.note or None,
                    }
                )
            return
        if outcome.kind == "seen" and not self.verbose:
            return
        say(_one_line(outcome.describe(dry_run=self.dry_run)))

    def finish(self, tally: Tally) -> None:
        summary = tally.summary(dry_run=self.dry_run)
        if self.fmt is Format.JSON:
            print_json(
                {
                    "dry_run": self.dry_run,
                    "summary": summary,
                    "leads": tally.leads,
                    "replies": tally.replies,
                    "sent": tally.sent,
                    "updated": tally.updated,
                    "seen": tally.seen,
                    "skipped": tally.skipped,
                    "items": self.items,
                }
            )
        else:
            say(summary)
        for error in tally.errors:  # a source that failed while the others ran
            note(f"amtui: {_one_line(error)}")
        if tally.new == 0:
            raise typer.Exit(2 if tally.errors else 1)


def _one_line(text: str) -> str:
    from amtui.core.text import one_line

    return one_line(text)


def _run(
    ctx: typer.Context,
    dry_run: bool,
    verbose: bool,
    fmt: Format,
    job: Callable[[Intake, _Printer], Tally],
) -> None:
    """Run one intake job with the printer and exit code every intake command shares."""
    from amtui.core.intake_store import Intake

    rt = runtime(ctx)
    printer = _Printer(fmt, dry_run, verbose)
    source = str(ctx.info_name or "")
    with Intake(rt.db, now=rt.now, config=rt.config, dry_run=dry_run, summary=source) as intake:
        tally = job(intake, printer)
    printer.finish(tally)


@app.command("email")
def email(
    ctx: typer.Context,
    paths: Annotated[
        list[str], typer.Argument(help="Mail: .eml files, folders of them, mbox files, Maildirs.")
    ],
    sent: Annotated[
        bool, typer.Option("--sent", help="This is your sent mail: link it to its leads.")
    ] = False,
    since: Since = None,
    dry_run: DryRun = False,
    verbose: Verbose = False,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Import mail: a reply to a known thread is logged on its lead, anything else becomes a
    new lead. Importing the same mail again adds nothing.

    Example: amtui intake email ~/Mail/leads.mbox ~/Maildir/.Clients --dry-run
    """
    from amtui.io.runner import import_mail

    _run(
        ctx,
        dry_run,
        verbose,
        fmt,
        lambda intake, printer: import_mail(
            intake, paths, report=printer, progress=_Bar(), sent=sent, since=_since(ctx, since)
        ),
    )


@app.command("form")
def form(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="The form's CSV export.")],
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            "-p",
            help="google-forms, typeform, tally, generic, or a form named in the config "
            "(default: recognised from the header row).",
        ),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option("--tz", help="Zone of times without an offset (default: the form's, yours)."),
    ] = None,
    dry_run: DryRun = False,
    verbose: Verbose = False,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Import a web-form export (CSV): each row becomes a web-brief lead with its answers as
    the brief. A file that does not fit its form is refused whole, naming the missing column.

    Example: amtui intake form ~/Downloads/brief.csv --preset google-forms
    """
    from amtui.io.runner import import_form

    if tz is not None:
        from amtui.core.validate import check_zone

        tz = check_zone(tz)
    _run(
        ctx,
        dry_run,
        verbose,
        fmt,
        lambda intake, printer: import_form(
            intake, file, form=preset, report=printer, progress=_Bar(), timezone=tz
        ),
    )


@app.command("imap")
def imap(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="An account from [intake.imap.NAME].")],
    folder: Annotated[
        list[str] | None, typer.Option("--folder", help="Only this folder (repeatable).")
    ] = None,
    since: Since = None,
    dry_run: DryRun = False,
    verbose: Verbose = False,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Fetch new mail from an IMAP account in the config (TLS unless it says otherwise); only
    mail that arrived since the last run is fetched.

    Example: amtui intake imap work --dry-run
    """
    from amtui.io.imap import import_imap

    _run(
        ctx,
        dry_run,
        verbose,
        fmt,
        lambda intake, printer: import_imap(
            intake,
            account,
            report=printer,
            progress=_Bar(),
            folders=folder,
            since=_since(ctx, since),
        ),
    )


@app.command("run")
def run(
    ctx: typer.Context,
    dry_run: DryRun = False,
    verbose: Verbose = False,
    fmt: FormatOpt = Format.TEXT,
) -> None:
    """Run every intake source in the config: mail paths, IMAP accounts, form exports.
    Exit 0 when something new came in, 1 when nothing did: made for cron.

    Example: amtui intake run --dry-run   (cron: */10 * * * * amtui intake run)
    """
    from amtui.io.runner import run_configured

    _run(
        ctx,
        dry_run,
        verbose,
        fmt,
        lambda intake, printer: run_configured(
            intake, report=printer, progress=_Bar(), say=note if verbose else _quiet
        ),
    )


def _since(ctx: typer.Context, text: str | None) -> datetime | None:
    """`--since` read with the date parser; a date alone means from midnight of that day."""
    if text is None:
        return None
    from amtui.core.dates import localize, to_utc

    rt = runtime(ctx)
    value = rt.config.read_when(text, now=rt.now)
    if not isinstance(value, datetime):
        value = localize(datetime.combine(value, datetime.min.time()), rt.config.timezone)
    return to_utc(value)


def _quiet(_text: str) -> None:
    pass
