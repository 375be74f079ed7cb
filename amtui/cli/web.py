"""`amtui web`: the full-screen app in a browser, on this machine only unless told otherwise."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from amtui.cli.context import runtime

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
WEB_EXTRA = "amtui web needs the web extra: pip install 'amtui[web]'"


def web(
    ctx: typer.Context,
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on (default 127.0.0.1: this machine only). Another "
            "address exposes the app to every machine that reaches it; prefer an SSH tunnel.",
            show_default=False,
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="Port (0: any free one).", min=0, max=65535)] = (
        DEFAULT_PORT
    ),
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="Keep the secret token in this file (made private on first use), so the "
            "address stays the same across restarts. Default: a new token each run.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the full-screen app to a web browser: the same app, database and settings.

    Prints an address with a secret token once; every request must carry it. Listens on
    127.0.0.1 unless --host says otherwise. From a phone or another computer, reach it
    through an SSH tunnel or a VPN, never an open port (see README). Each browser tab runs
    its own app; Ctrl+C stops the server and them.

    Example: amtui web --port 8000
    """
    from amtui.core.config import config_path
    from amtui.core.errors import InputError
    from amtui.io.serving import check_host, is_loopback, load_token, new_token, warn_exposed

    try:
        from amtui.web.server import (
            WebServer,
            hold_stop_signals,
            listen,
            release_stop_signals,
        )
    except ImportError as error:  # the web extra is not installed
        raise InputError(f"{WEB_EXTRA} ({error.name or error} is missing)") from None

    host = check_host(host)
    rt = runtime(ctx)
    database = rt.db  # opened (created or upgraded, and checked) before anything listens
    target = database.target  # the file's absolute path, or the URL with its password
    token = load_token(token_file, strict=True) if token_file else new_token()
    address = host or DEFAULT_HOST
    try:
        sock = listen(address, port)
    except OSError as error:
        raise InputError(
            f"cannot listen on {address}:{port}: {error.strerror or error}; "
            "choose another --port (or --host)"
        ) from None
    server = WebServer(
        sock,
        token,
        asked_host=host,
        child_env={"AMTUI_DB": target, "AMTUI_CONFIG": str(config_path())},
    )
    # From here a Ctrl+C waits until the server can act on it (not lost mid-start-up).
    hold_stop_signals()
    print(f"amtui in a browser: {server.url}", flush=True)
    if not is_loopback(server.host):
        warn_exposed(server.host, "use amtui with your data")
    print("Open it in a browser on this machine; Ctrl+C stops the server.", file=sys.stderr)
    try:
        server.serve()
    finally:
        release_stop_signals()
        sock.close()
