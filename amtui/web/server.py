"""`amtui web`: the full-screen app in a browser, through textual-serve, with the locks it lacks.

textual-serve (MIT, by Textualize) runs one app process per browser tab and relays the
terminal over a websocket to xterm.js. It has no authentication and no Origin check, and its
page loads a font from the internet. This server keeps its process relay (`AppService` and
`Server`'s message loop) and its browser assets (xterm.js, the Roboto Mono font files, served
from its package), and adds (DESIGN §8a):

- a token in the path of every URL (`/<token>/`, `/<token>/static/…`, `/<token>/ws`),
  compared in constant time; a request without it is refused before anything else runs;
- the Host rule of `amtui.io.serving` (no DNS rebinding), on every request;
- a websocket must carry an `Origin` equal to the page's own (`http://<Host>`), so no other
  site can open the app in a user's browser; any other request that carries an Origin must
  match it too;
- its own page, which loads nothing from elsewhere: scripts, styles and fonts are served from
  here, and a Content-Security-Policy tells the browser to load nothing else;
- no access log (it would write the token); refusals are logged without it;
- a page whose app stops on its own (say the config became invalid) is told so and closed,
  where textual-serve leaves it "starting" for ever; the reason goes to stderr.

The app process is `python -m amtui tui --served` with `AMTUI_DB` and `AMTUI_CONFIG` set to
what this command resolved, so it opens the same database with the same settings (a
PostgreSQL URL goes through the environment, never the command line that `ps` shows).
Downloads (textual's `deliver_file`) are not served: the app offers none, and textual.js would
fetch them from `/download/…`, outside the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shlex
import signal
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import textual_serve
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from amtui.core.text import one_line
from amtui.io.serving import HostRule, token_matches, url_host

HERE = Path(__file__).parent
SERVE_STATIC = Path(textual_serve.__file__).parent / "static"

#: Every file the page may load, by the name it has under `/<token>/static/`.
ASSETS: dict[str, tuple[Path, str]] = {
    "amtui.css": (HERE / "static" / "amtui.css", "text/css; charset=utf-8"),
    "amtui.js": (HERE / "static" / "amtui.js", "text/javascript; charset=utf-8"),
    "textual.js": (SERVE_STATIC / "js" / "textual.js", "text/javascript; charset=utf-8"),
    "xterm.css": (SERVE_STATIC / "css" / "xterm.css", "text/css; charset=utf-8"),
    "RobotoMono.ttf": (SERVE_STATIC / "fonts" / "RobotoMono-VariableFont_wght.ttf", "font/ttf"),
    "RobotoMono-Italic.ttf": (
        SERVE_STATIC / "fonts" / "RobotoMono-Italic-VariableFont_wght.ttf",
        "font/ttf",
    ),
}

FONT_SIZES = range(8, 33)
MAX_COLUMNS, MAX_ROWS = 1000, 500  # a page may ask for any size; the app allocates for it
DEFAULT_FONT_SIZE = 16
SHUTDOWN_SECONDS = 5.0

log = logging.getLogger("amtui.web")


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str  # for the log
    text: str  # for the browser


def check_request(
    path: str, headers: Mapping[str, str], *, token: str, hosts: HostRule
) -> Refusal | None:
    """Why a request is refused, or None. Pure, so the rules are tested without a server."""
    first = path.split("/", 2)[1] if path.startswith("/") else ""
    if not token_matches(first, token):
        return Refusal(
            403,
            "no token" if not first else "wrong token",
            "Forbidden: open the address `amtui web` printed (it holds a secret token).",
        )
    host = headers.get("Host")
    if not hosts.allows(host):
        return Refusal(
            403,
            f"Host {one_line((host or '(none)')[:80])!r} is not this server",
            f"Forbidden: this server answers as {hosts.describe()} only.",
        )
    origin = headers.get("Origin")
    websocket = headers.get("Upgrade", "").lower() == "websocket"
    if origin is None and not websocket:
        return None
    pages = {f"http://{host}".lower(), f"https://{host}".lower()}
    if origin is None or origin.lower() not in pages:
        return Refusal(
            403,
            f"Origin {one_line((origin or '(none)')[:80])!r} is not this page",
            "Forbidden: only amtui's own page may open the app.",
        )
    return None


def _bounded(text: str | None, default: int, maximum: int) -> int:
    try:
        return min(max(int(text or default), 1), maximum)
    except ValueError:
        return default


class AppProcess(AppService):
    """textual-serve's app process, which also closes the page when the app stops on its own
    (a config made invalid meanwhile, a crash): textual-serve would leave it "starting" for
    ever. The reason is on the terminal that runs `amtui web`."""

    asked_to_quit = False

    async def on_meta(self, data: bytes) -> None:
        if json.loads(data).get("type") == "exit":
            self.asked_to_quit = True
        await super().on_meta(data)

    async def stop(self) -> None:
        self.asked_to_quit = True
        await super().stop()

    async def end(self, seconds: float) -> None:
        """Make sure the process is gone: it was asked to quit; after `seconds` it is
        terminated, and killed if that does not do either."""
        process = self._process
        if process is None:
            return
        for step in (None, process.terminate, process.kill):
            if process.returncode is not None:
                return
            if step is not None:
                with contextlib.suppress(ProcessLookupError):
                    step()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), seconds)

    async def run(self) -> None:
        await super().run()
        if self.asked_to_quit:
            return
        with contextlib.suppress(Exception):  # the page may be gone already
            await self.remote_write_bytes(STOPPED.encode())
            await self.remote_close()


STOPPED = (
    "\x1b[2J\x1b[H\r\n  amtui stopped unexpectedly: the terminal that runs `amtui web` "
    "says why.\r\n"
)


def app_command() -> str:
    """The app process each browser tab gets (textual-serve runs it through a shell, which
    `exec` replaces, so that stopping the process stops the app)."""
    return "exec " + shlex.join([sys.executable, "-m", "amtui", "tui", "--served"])


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def hold_stop_signals() -> None:
    """Keep a Ctrl+C (or SIGTERM) pending until the server's own handlers are in place.

    Between printing the address and aiohttp installing its handlers, Python's default
    handler would raise KeyboardInterrupt wherever start-up happens to be, and a stop sent
    the moment the address appears could be lost. Held, it is delivered on release."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def release_stop_signals() -> None:
    """Deliver a held stop signal (to aiohttp's handler once the server runs). The app
    processes start after this, so they never inherit a blocked Ctrl+C."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on `host:port` (port 0: any free one). Raises OSError."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name == "posix":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


class WebServer(Server):
    """textual-serve's `Server`, reached only through `/<token>/` by amtui's own page."""

    def __init__(
        self,
        sock: socket.socket,
        token: str,
        *,
        asked_host: str | None = None,
        child_env: Mapping[str, str] | None = None,
        command: str | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.sock = sock
        address, port = sock.getsockname()[:2]
        super().__init__(command or app_command(), host=address, port=port, title="amtui")
        self.token = token
        self.hosts = HostRule.for_bind(address, port, asked_host)
        self.child_env = dict(child_env or {})
        self.say = say or (lambda line: print(line, file=sys.stderr, flush=True))
        self.sockets: set[web.WebSocketResponse] = set()
        self.services: set[AppProcess] = set()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    @property
    def url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}/{self.token}/"

    # --- the aiohttp application -------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        app.add_routes(
            [
                web.get("/{token}", self.handle_bare),
                web.get("/{token}/", self.handle_index),
                web.get("/{token}/ws", self.handle_websocket),
                web.get("/{token}/static/{name}", self.handle_asset),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        refusal = check_request(
            request.rel_url.raw_path, request.headers, token=self.token, hosts=self.hosts
        )
        if refusal is not None:
            remote = request.remote or "?"
            self.say(f"amtui web: refused {request.method} from {remote}: {refusal.reason}")
            return self._plain(refusal.status, refusal.text)
        try:
            response = await handler(request)
        except web.HTTPException as error:
            return self._plain(error.status, error.reason)
        if not response.prepared:
            self._harden(response)
        return response

    @staticmethod
    def _plain(status: int, text: str) -> web.Response:
        response = web.Response(status=status, text=text + "\n", content_type="text/plain")
        WebServer._harden(response)
        return response

    @staticmethod
    def _harden(response: web.StreamResponse) -> None:
        headers = response.headers
        headers.setdefault("Cache-Control", "no-store")
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"

    async def handle_bare(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=302, headers={"Location": f"/{self.token}/"})

    async def handle_index(self, request: web.Request) -> web.Response:
        host = request.headers["Host"]  # checked by `guard`
        scheme = "wss" if request.secure else "ws"
        try:
            font_size = int(request.query.get("fontsize", DEFAULT_FONT_SIZE))
        except ValueError:
            font_size = DEFAULT_FONT_SIZE
        if font_size not in FONT_SIZES:
            font_size = DEFAULT_FONT_SIZE
        page = self.templates.get_template("index.html").render(
            title="amtui",
            websocket_url=f"{scheme}://{host}/{self.token}/ws",
            font_size=font_size,
        )
        response = web.Response(text=page, content_type="text/html", charset="utf-8")
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"font-src 'self'; img-src 'self' data:; connect-src 'self' ws://{host} "
            f"wss://{host}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
        return response

    async def handle_asset(self, request: web.Request) -> web.StreamResponse:
        asset = ASSETS.get(request.match_info["name"])
        if asset is None:
            raise web.HTTPNotFound()
        path, content_type = asset
        response = web.FileResponse(path, headers={"Content-Type": content_type})
        response.headers["Cache-Control"] = "private, max-age=3600"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One app process for this browser tab, relayed by textual-serve's `AppService`
        (as textual-serve's own handler does, with the size bounded, the socket kept for
        shutdown, and a word on the page when the app stops without being asked)."""
        width = _bounded(request.query.get("width"), 80, MAX_COLUMNS)
        height = _bounded(request.query.get("height"), 24, MAX_ROWS)
        remote = request.remote or "?"
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        self.sockets.add(websocket)
        self.say(f"amtui web: app opened for {remote}")

        async def close() -> None:
            await websocket.close()

        service = AppProcess(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        self.services.add(service)
        try:
            await service.start(width, height)
            try:
                await self._process_messages(websocket, service)
            finally:
                await service.stop()
        except Exception as error:  # a malformed message from the page, a broken pipe
            log.warning(f"app session ended: {one_line(str(error)) or type(error).__name__}")
        finally:
            self.sockets.discard(websocket)
            await websocket.close()
            await service.end(SHUTDOWN_SECONDS)
            self.services.discard(service)
            self.say(f"amtui web: app closed for {remote}")
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every page's websocket (each handler then tells its app process to quit)
        and see every app process gone before the server is."""
        for websocket in list(self.sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"amtui web stopped")
        await asyncio.gather(*(service.end(SHUTDOWN_SECONDS) for service in list(self.services)))

    async def on_startup(self, app: web.Application) -> None:
        """(textual-serve prints its logo and URL here; `amtui web` prints the URL itself.)
        aiohttp handles SIGINT and SIGTERM by now: a Ctrl+C held since start-up arrives."""
        release_stop_signals()

    # --- running -----------------------------------------------------------------------------

    def initialize_logging(self) -> None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("amtui web: %(message)s"))
        for name in ("textual-serve", "amtui.web", "aiohttp.server", "aiohttp.web"):
            logger = logging.getLogger(name)
            logger.handlers[:] = [handler]
            logger.setLevel(logging.WARNING)
            logger.propagate = False

    def serve(self, debug: bool = False) -> None:
        """Serve until SIGINT or SIGTERM; each open app is told to quit first."""
        self.debug = debug
        self.initialize_logging()
        # The app processes inherit this environment (textual-serve copies os.environ).
        os.environ.update(self.child_env)
        # textual-serve prints what an app process wrote to stderr (why it failed) on stdout;
        # this command's stdout is for the URL only (DESIGN §6: diagnostics go to stderr).
        with contextlib.redirect_stdout(sys.stderr):
            web.run_app(
                self._make_app(),
                sock=self.sock,
                print=None,
                access_log=None,
                shutdown_timeout=3 * SHUTDOWN_SECONDS,  # past `AppProcess.end`
            )
