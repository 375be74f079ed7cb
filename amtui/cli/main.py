"""The `amtui` command: a Typer app whose groups live in one module per noun.

Errors a user can cause (`amtui.core.errors.AmtuiError`) become one line on stderr and the
documented exit code: 1 not found / nothing to do, 2 bad input, 3 storage problem.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from amtui import __version__
from amtui.cli import agenda, clients, followups, leads, misc, reminders, tasks
from amtui.cli.context import Runtime
from amtui.core.errors import AmtuiError


class AmtuiGroup(TyperGroup):
    """The root group: turns AmtuiError into a one-line message and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AmtuiError as error:
            from amtui.core.text import one_line

            print(f"amtui: {one_line(str(error))}", file=sys.stderr)
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=AmtuiGroup,
    name="amtui",
    help="amtui: leads, client tasks, deadlines and follow-ups for account managers.\n\n"
    "Run without a command to open the full-screen app.",
    invoke_without_command=True,
    add_completion=False,
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
            help="Database file or SQLAlchemy URL (default: AMTUI_DB, the config's db, or "
            "amtui.db in your data directory).",
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
        print(ctx.get_help())


app.command("add", help=tasks.add.__doc__)(tasks.add)
app.add_typer(tasks.app, name="task")
app.add_typer(leads.app, name="lead")
app.add_typer(clients.app, name="client")
app.add_typer(clients.contacts, name="contact")
app.add_typer(reminders.app, name="remind")
app.command("agenda")(agenda.agenda)
app.command("followups")(followups.followups)
app.command("report")(followups.report)
app.command("show")(misc.show)
app.command("search")(misc.search)
app.add_typer(misc.db_app, name="db")
app.command("demo")(misc.demo)


def run() -> None:
    """Console-script entry point."""
    app()
