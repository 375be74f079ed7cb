"""`amtui ics export|serve`: deadlines, reminders and lead deadlines for your calendar."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from amtui.cli.context import Runtime, runtime
from amtui.cli.output import owner_option

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

app = typer.Typer(help="Your deadlines in a calendar: an .ics file or a subscribable feed.")

ZONE_HELP = "Write times in this IANA zone (e.g. Europe/Berlin), with its VTIMEZONE."
UTC_HELP = "Write times in UTC (the default; every calendar reads them alike)."
DEFAULT_PORT = 5545


def _zone(zone: str | None, utc: bool) -> ZoneInfo | None:
    from amtui.core.errors import InputError

    if zone is None:
        return None
    if utc:
        raise InputError("give either --zone NAME or --utc, not both")
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(zone)
    except (ValueError, KeyError):
        raise InputError(
            f"unknown time zone {zone!r}: give an IANA name such as Europe/Berlin or UTC"
        ) from None


def _render(rt: Runtime, zone: ZoneInfo | None, owner: str | None) -> bytes:
    from amtui.core.calendar import calendar_data
    from amtui.core.members import resolve_scope
    from amtui.io.ics import build_ics

    scope = resolve_scope(rt.db, owner, rt.config)
    return build_ics(calendar_data(rt.db, config=rt.config, now=rt.now, scope=scope), zone=zone)


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file (default: stdout).")
    ] = None,
    zone: Annotated[str | None, typer.Option("--zone", help=ZONE_HELP)] = None,
    utc: Annotated[bool, typer.Option("--utc", help=UTC_HELP)] = False,
    owner: str | None = owner_option(),
) -> None:
    """Write open deadlines as iCalendar: task due dates, reminders and follow-up steps, and
    what open leads owe (first response, answer), each with an alarm. UIDs are stable, so
    importing a newer export updates the same events.

    Example: amtui ics export --out ~/amtui.ics
    """
    from amtui.cli.transfer import write_output

    body = _render(runtime(ctx), _zone(zone, utc), owner)
    write_output(body, out, f"{body.count(b'BEGIN:VEVENT')} events")


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on (another than 127.0.0.1 exposes it).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free one).", min=0, max=65535)] = (
        DEFAULT_PORT
    ),
    zone: Annotated[str | None, typer.Option("--zone", help=ZONE_HELP)] = None,
    utc: Annotated[bool, typer.Option("--utc", help=UTC_HELP)] = False,
    new_token: Annotated[
        bool,
        typer.Option("--new-token", help="Make a new secret URL; the old one stops working."),
    ] = False,
    owner: str | None = owner_option(),
) -> None:
    """Serve the calendar read-only at a secret URL, for calendars that subscribe to one.

    The URL (printed once, at start) holds a random token kept in the data directory, so it
    survives a restart. The feed is read afresh on each request; calendars are asked to come
    back every 15 minutes. Ctrl+C stops it.

    Example: amtui ics serve --port 5545
    """
    from datetime import UTC, datetime

    from amtui.core.calendar import calendar_data
    from amtui.core.config import default_db_path
    from amtui.core.errors import InputError
    from amtui.core.members import resolve_scope
    from amtui.io.ics import build_ics
    from amtui.io.ics_feed import FeedServer, load_token
    from amtui.io.serving import check_host, warn_exposed

    host = check_host(host) or "127.0.0.1"  # "" would listen on every interface
    rt = runtime(ctx)
    chosen = _zone(zone, utc)
    database = rt.db  # opened (and the schema checked) before anything listens
    config = rt.config
    scope = resolve_scope(database, owner, config)  # a bad --owner stops it before it listens

    def render() -> bytes:
        data = calendar_data(database, config=config, now=datetime.now(UTC), scope=scope)
        return build_ics(data, zone=chosen)

    token = load_token(default_db_path().parent / "ics-token", renew=new_token)
    try:
        server = FeedServer((host, port), render, token)
    except OSError as error:
        raise InputError(
            f"cannot listen on {host}:{port}: {error.strerror or error}; "
            "choose another --port (or --host)"
        ) from None
    print(f"Calendar feed: {server.url}", flush=True)
    if not server.loopback():
        warn_exposed(server.host, "read your deadlines")
    print("Subscribe to it in your calendar; Ctrl+C stops the feed.", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
