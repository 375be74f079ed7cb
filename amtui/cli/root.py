"""The `amtui` command as a Typer app, whose groups live in one module per noun.

Only the noun a command line names is imported and built (`amtui.cli.lazy`): `COMMANDS` is
the list `amtui --help` shows, and where each command's code lives. The entry point,
`amtui.cli.main.run`, comes here for every command line the fast path (`amtui.cli.fast`)
does not take.

Errors a user can cause (`amtui.core.errors.AmtuiError`) become one line on stderr and the
documented exit code: 1 not found / nothing to do, 2 bad input, 3 storage problem.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, NoReturn

import typer

from amtui import __version__
from amtui.cli.context import Runtime
from amtui.cli.lazy import Entry, RootGroup
from amtui.core.errors import AmtuiError

try:  # Typer ≥ 0.25 vendors Click; older versions use the click package.
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover
    from click import ClickException  # type: ignore[assignment]


_CLI = "amtui.cli."

#: Every top-level command in the order `amtui --help` lists them: name, module, attribute (a
#: command function or a noun's `typer.Typer`), and the help's first sentence. Listing them
#: imports nothing; tests/cli/test_lazy.py holds each row equal to the command it names.
COMMANDS = (
    Entry("add", _CLI + "tasks", "add", "Add a task."),
    Entry(
        "agenda",
        _CLI + "agenda",
        "agenda",
        "Print the day's agenda: overdue items, today's tasks by time, leads waiting for a "
        "first response, reminders due, and the deadlines of the next days, in your time zone.",
    ),
    Entry(
        "followups",
        _CLI + "followups",
        "followups",
        "The follow-up ladder of every open lead: step, next follow-up and the client's time.",
    ),
    Entry(
        "report",
        _CLI + "followups",
        "report",
        "Lead figures for a date range: volume by source and channel, first-response times, "
        "the share answered within the target, proposals, replies, win rate and cold leads; and "
        "the money by client: won, invoiced, paid, outstanding.",
    ),
    Entry(
        "pipeline",
        _CLI + "money",
        "pipeline",
        "The lead pipeline by stage: each stage's leads with value and next action, the count "
        "and total per currency, and the weighted forecast.",
    ),
    Entry(
        "accounts",
        _CLI + "money",
        "accounts",
        "The account portfolio: every client on the KAM quadrant with its money, and the "
        "clients who bring 80% of the revenue (paid, and won value), per currency.",
    ),
    Entry("show", _CLI + "misc", "show", "Show any record by its reference."),
    Entry(
        "search",
        _CLI + "misc",
        "search",
        "Search tasks, leads, clients, contacts and reminders; open records first.",
    ),
    Entry("export", _CLI + "transfer", "export", "Export your data."),
    Entry(
        "demo",
        _CLI + "misc",
        "demo",
        "Create (or refresh) a separate demo database with a realistic agency week.",
    ),
    Entry(
        "tui",
        _CLI + "root",
        "tui",
        "Open the full-screen app: lead inbox, board and today's agenda (same as plain `amtui`).",
    ),
    Entry(
        "web",
        _CLI + "web",
        "web",
        "Serve the full-screen app to a web browser: the same app, database and settings.",
    ),
    Entry(
        "task",
        _CLI + "tasks",
        "app",
        "Tasks: kanban cards with subtasks, due dates, tags and assignees.",
    ),
    Entry(
        "lead",
        _CLI + "leads",
        "app",
        "Leads: enquiries from clients and partner agencies, from any channel.",
    ),
    Entry(
        "client",
        _CLI + "clients",
        "app",
        "Clients (accounts): time zone, owner, KAM scores, relationship stage.",
    ),
    Entry("contact", _CLI + "clients", "contacts", "Contacts: the people at a client."),
    Entry(
        "proposal",
        _CLI + "proposals",
        "app",
        "Proposals: costed offers to leads, in versions, as PDF, XLSX or Markdown.",
    ),
    Entry(
        "invoice",
        _CLI + "invoices",
        "app",
        "Invoices: numbered when issued, paid in parts, overdue derived.",
    ),
    Entry(
        "remind",
        _CLI + "reminders",
        "app",
        "Reminders: a time at which something about a lead, client or task is due.",
    ),
    Entry(
        "intake",
        _CLI + "intake",
        "app",
        "Lead intake: mail (eml, mbox, Maildir, IMAP) and web-form CSV exports.",
    ),
    Entry(
        "member",
        _CLI + "members",
        "app",
        "Team members: who owns which leads and tasks on a shared database.",
    ),
    Entry(
        "undo",
        _CLI + "undo",
        "undo",
        "Take back your latest change made through amtui (an import run as a whole), and say "
        "what it was.",
    ),
    Entry("db", _CLI + "misc", "db_app", "Where the data lives."),
    Entry(
        "ics",
        _CLI + "calendar",
        "app",
        "Your deadlines in a calendar: an .ics file or a subscribable feed.",
    ),
    Entry(
        "import",
        _CLI + "transfer",
        "import_app",
        "Bring data in: an amtui export, or what other tools exported.",
    ),
)


class AmtuiGroup(RootGroup):
    """The root group: builds only the command a command line names (`RootGroup`), and turns
    AmtuiError, and Click's usage errors, into one line on stderr with the documented exit
    code (DESIGN §6)."""

    table = COMMANDS

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except ClickException as error:  # `amtui --bogus`
            _usage_error(error)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AmtuiError as error:
            from amtui.cli.output import report

            raise typer.Exit(report(error)) from None
        except ClickException as error:  # a sub-command's usage error
            _usage_error(error)


def _usage_error(error: ClickException) -> NoReturn:
    """`amtui: No such option: -x (see `amtui task edit --help`)`: one line, exit 2."""
    from amtui.core.text import one_line

    where = getattr(error, "ctx", None)
    hint = f" (see `{where.command_path} --help`)" if where is not None else ""
    print(f"amtui: {one_line(error.format_message())}{hint}", file=sys.stderr)
    raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=AmtuiGroup,
    name="amtui",
    help="amtui: leads, client tasks, deadlines and follow-ups for account managers.\n\n"
    "Run without a command to open the full-screen app.",
    invoke_without_command=True,
    add_completion=True,  # Typer's --install-completion and --show-completion (README)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"amtui {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database file or URL, sqlite:///FILE or postgresql://… (default: AMTUI_DB, "
            "the config's db, or amtui.db in your data directory).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """amtui: leads, client tasks, deadlines and follow-ups for account managers."""
    runtime = Runtime(db_option=db)
    ctx.obj = runtime
    ctx.call_on_close(runtime.close)
    if ctx.invoked_subcommand is None:
        if _on_terminal():
            _open_app(runtime)
        else:  # `amtui | less`, a script, a cron job: help, not a screen nobody can drive
            print(ctx.get_help())


def _on_terminal() -> bool:
    from amtui.cli.fast import on_terminal

    return on_terminal()


def _open_app(runtime: Runtime) -> None:
    """Open the full-screen app on the configured database (Textual is imported only there)."""
    from amtui.cli.app import open_app

    open_app(runtime)


def tui(
    ctx: typer.Context,
    served: Annotated[
        bool,
        typer.Option(
            "--served",
            hidden=True,
            help="Run under `amtui web` (textual-serve's pipes, not a terminal).",
        ),
    ] = False,
) -> None:
    """Open the full-screen app: lead inbox, board and today's agenda (same as plain `amtui`).

    Example: amtui --db ~/work/amtui.db tui
    """
    import os

    from amtui.cli.context import runtime
    from amtui.core.errors import InputError

    if served and "web_driver" not in os.environ.get("TEXTUAL_DRIVER", ""):
        raise InputError("--served is for the app processes that `amtui web` starts")
    if not served and not _on_terminal():
        raise InputError(
            "the full-screen app needs a terminal on stdin and stdout; for scripts use "
            "`amtui agenda`, `amtui task list` and the other commands"
        )
    _open_app(runtime(ctx))
