"""`amtui web` without a browser: who gets in (token, Host, Origin), what the page loads, and
the app it runs, with plain HTTP and websocket clients against the real command."""

from __future__ import annotations

import asyncio
import codecs
import re
import signal
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amtui.io.serving import HostRule
from amtui.web.server import ASSETS, check_request
from tests.cli.conftest import Cli
from tests.conftest import http_request
from tests.web.conftest import Served, TerminalScreen, home_env, start_web, stop_web

SESSION_SECONDS = 120  # only reached when the app never draws (a bug)
TOKEN = "t" * 43
RULE = HostRule.for_bind("127.0.0.1", 8000)

SIZE = (80, 24)


def get(
    served: Served, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    return http_request(served.port, path, method, headers)


def open_app(
    served: Served,
    *,
    origin: str | None = "same",
    headers: dict[str, str] | None = None,
    token: str | None = None,
    keys: str = "",
    until: tuple[tuple[str | tuple[str, ...], str | None], ...] = (),
) -> tuple[int, list[str]]:
    """Open the app's websocket as textual.js does, at 80×24; return the handshake status and,
    for each step (the first screen, then after each key), the screen once it shows
    `until[i][0]` and not `until[i][1]`."""
    import aiohttp

    async def run() -> tuple[int, list[str]]:
        query = f"width={SIZE[0]}&height={SIZE[1]}"
        url = f"ws://127.0.0.1:{served.port}/{token or served.token}/ws?{query}"
        sent = dict(headers or {})
        if origin is not None:
            sent["Origin"] = served.origin if origin == "same" else origin
        async with aiohttp.ClientSession() as session:
            try:
                websocket = await session.ws_connect(url, headers=sent)
            except aiohttp.WSServerHandshakeError as error:
                return error.status, []
            screens: list[str] = []
            screen = TerminalScreen(*SIZE)
            async with websocket:
                for step, (wanted, gone) in enumerate(until):
                    if step:
                        await websocket.send_json(["stdin", keys[step - 1]])
                    screens.append(await _read_until(websocket, screen, wanted, gone))
            return 101, screens

    return asyncio.run(run())


async def _read_until(
    websocket: Any, screen: TerminalScreen, wanted: str | tuple[str, ...], gone: str | None = None
) -> str:
    """Feed the app's output to `screen` until it shows all of `wanted` (and no longer
    `gone`); the screen's text then. (All at once: the app draws a change over several
    frames.)"""
    import aiohttp

    parts = (wanted,) if isinstance(wanted, str) else wanted

    def shown() -> bool:
        text = screen.text
        return all(part in text for part in parts) and (gone is None or gone not in text)

    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    async with asyncio.timeout(SESSION_SECONDS):
        while not shown():
            message = await websocket.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                screen.feed(decoder.decode(message.data))
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                raise AssertionError(f"the app closed before showing {wanted!r}: {screen.text}")
    return screen.text


# --- the rules, without a server -------------------------------------------------------------


def check(path: str, **headers: str) -> int | None:
    refusal = check_request(path, headers, token=TOKEN, hosts=RULE)
    return refusal.status if refusal else None


def test_every_request_needs_the_token_first() -> None:
    assert check(f"/{TOKEN}/", Host="127.0.0.1:8000") is None
    assert check(f"/{TOKEN}/static/textual.js", Host="127.0.0.1:8000") is None
    for path in ("/", "", "/favicon.ico", f"/{TOKEN[:-1]}/", f"/{TOKEN}x/", "/static/x.js"):
        assert check(path, Host="127.0.0.1:8000") == 403, path
    assert check(f"/{TOKEN[:-1]}u/ws", Host="127.0.0.1:8000", Upgrade="websocket") == 403


def test_a_websocket_needs_the_pages_own_origin() -> None:
    ws = {"Host": "127.0.0.1:8000", "Upgrade": "websocket"}
    path = f"/{TOKEN}/ws"
    assert check(path, **ws, Origin="http://127.0.0.1:8000") is None
    assert check(path, **ws) == 403  # no Origin: not a page of ours
    for origin in (
        "http://evil.example",
        "http://127.0.0.1:8001",
        "http://localhost:8000",  # another origin than the page's, though the same server
        "null",
        "http://127.0.0.1:8000.evil.example",
        "file://",
    ):
        assert check(path, **ws, Origin=origin) == 403, origin
    # Any other request that says where it comes from must come from the page too.
    assert check(f"/{TOKEN}/", Host="127.0.0.1:8000", Origin="http://evil.example") == 403


# --- the real command ------------------------------------------------------------------------


def test_it_listens_on_loopback_and_serves_the_page(served: Served) -> None:
    assert served.url == f"http://127.0.0.1:{served.port}/{served.token}/"
    assert len(served.token) >= 43
    status, headers, body = get(served, f"/{served.token}/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/{served.token}/ws"' in page
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    status, headers, _ = get(served, f"/{served.token}")
    assert status == 302 and headers["Location"] == f"/{served.token}/"


@pytest.mark.parametrize(
    "path", ["/", "/favicon.ico", "/ws", "/static/js/textual.js", "/{bad}/", "/{bad}/ws"]
)
def test_no_token_or_a_wrong_one_is_refused(served: Served, path: str) -> None:
    bad = served.token[:-1] + ("A" if served.token[-1] != "A" else "B")
    status, _, body = get(served, path.replace("{bad}", bad))
    assert status == 403 and b"secret token" in body


def test_a_wrong_host_is_refused_even_with_the_token(served: Served) -> None:
    """DNS rebinding: a page on evil.example re-pointed at 127.0.0.1 sends its own name."""
    page = f"/{served.token}/"
    for host in (f"evil.example:{served.port}", f"127.0.0.1:{served.port + 1}", "127.0.0.1"):
        status, _, body = get(served, page, {"Host": host})
        assert status == 403 and f"127.0.0.1:{served.port}".encode() in body, host
    assert get(served, page, {"Host": f"localhost:{served.port}"})[0] == 200


def test_only_the_pages_own_files_are_served(served: Served) -> None:
    for name in ASSETS:
        status, headers, body = get(served, f"/{served.token}/static/{name}")
        assert status == 200 and body, name
        assert headers["X-Content-Type-Options"] == "nosniff"
    for name in ("server.py", "..%2Fserver.py", "js", "index.html", "images/background.png"):
        assert get(served, f"/{served.token}/static/{name}")[0] == 404, name
    assert get(served, f"/{served.token}/download/x")[0] == 404
    assert get(served, f"/{served.token}/", method="POST")[0] == 405


def test_the_page_loads_nothing_from_elsewhere(served: Served) -> None:
    """DESIGN §8a: every script, style sheet and font comes from this server."""
    page = get(served, f"/{served.token}/")[2].decode()
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sorted(links) == sorted(
        [
            "static/RobotoMono.ttf",
            "static/xterm.css",
            "static/amtui.css",
            "data:,",
            "static/textual.js",
            "static/amtui.js",
            "",  # "open amtui again": this page
        ]
    )
    for name in ("amtui.css", "xterm.css"):
        css = get(served, f"/{served.token}/static/{name}")[2].decode()
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
            assert not re.match(r"[a-z][a-z0-9+.-]*:|//", url, re.I), (name, url)
    assert "://" not in get(served, f"/{served.token}/static/amtui.js")[2].decode()


@pytest.mark.parametrize(
    ("origin", "headers"),
    [
        ("http://evil.example", {}),
        (None, {}),
        ("http://localhost:{port}", {}),
        ("same", {"Host": "evil.example:{port}"}),
    ],
)
def test_a_websocket_from_elsewhere_is_refused(
    served: Served, origin: str | None, headers: dict[str, str]
) -> None:
    fill: Callable[[str], str] = lambda text: text.replace("{port}", str(served.port))  # noqa: E731
    status, _ = open_app(
        served,
        origin=fill(origin) if origin else None,
        headers={name: fill(value) for name, value in headers.items()},
    )
    assert status == 403


def test_a_websocket_with_a_wrong_token_is_refused(served: Served) -> None:
    status, _ = open_app(served, token=served.token[::-1])
    assert status == 403


def test_the_page_origin_gets_the_app_on_the_demo_data(served: Served) -> None:
    """The same app as `amtui`: the inbox of the demo database, `2` shows the board."""
    # 80 columns: one region at a time
    inbox = (("SEO audit for a hotel", "3 waiting"), "Backlog")
    board = (("Backlog", "T15 Landing", "10 open"), "SEO audit for a hotel")
    status, (first, after_2) = open_app(served, keys="2", until=(inbox, board))
    assert status == 101
    assert "1 Inbox" in first and "2 Board" in after_2


async def _until_closed(websocket: Any, screen: TerminalScreen) -> str:
    """Feed the app's output to `screen` until the server closes the websocket."""
    import aiohttp

    async with asyncio.timeout(SESSION_SECONDS):
        while True:
            message = await websocket.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                screen.feed(message.data.decode("utf-8", "replace"))
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return screen.text


def session(served: Served, keys: str = "", wait_for: str | None = None) -> str:
    """Open the app, wait for `wait_for`, type `keys`, and read until the server closes it."""
    import aiohttp

    async def run() -> str:
        url = f"ws://127.0.0.1:{served.port}/{served.token}/ws?width=80&height=24"
        screen = TerminalScreen(80, 24)
        async with aiohttp.ClientSession() as client:
            websocket = await client.ws_connect(url, headers={"Origin": served.origin})
            if wait_for is not None:
                await _read_until(websocket, screen, wait_for)
            for key in keys:
                await websocket.send_json(["stdin", key])
            return await _until_closed(websocket, screen)

    return asyncio.run(run())


def test_list_keys_work_before_anything_was_clicked(served: Served) -> None:
    """The app starts without the page's focus (textual-serve); the first key still reaches
    the inbox: Enter opens the selected lead."""
    status, (_, detail) = open_app(
        served,
        keys="\r",
        until=(("SEO audit for a hotel", None), (("first response", "received"), None)),
    )
    assert status == 101 and "L2" in detail


def test_quitting_the_app_ends_the_pages_session(served: Served) -> None:
    text = session(served, keys="q", wait_for="waiting")
    assert "stopped unexpectedly" not in text


def test_an_app_that_cannot_start_says_so_on_the_page(
    demo_home: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The config made invalid while the server runs: the page says the app stopped (and
    closes, so it offers to start again) and the server's terminal says why."""
    db, _ = demo_home
    env = home_env(tmp_path)
    served = start_web(db, env)
    try:
        Path(env["AMTUI_CONFIG"]).write_text('timezone = "Nowhere/Bogus"\n', encoding="utf-8")
        text = session(served)
    finally:
        log = stop_web(served)
    assert "amtui stopped unexpectedly" in text
    assert "timezone 'Nowhere/Bogus' is not an IANA zone" in log


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_stops_the_apps_and_the_log_never_shows_the_token(
    demo_home: tuple[Path, dict[str, str]],
) -> None:
    db, env = demo_home
    served = start_web(db, env)
    try:
        assert open_app(served, until=(("waiting", None),))[0] == 101
        # One session closed, one left open while the server stops.
        children: list[int] = []

        async def hold_open() -> None:
            import aiohttp

            url = f"ws://127.0.0.1:{served.port}/{served.token}/ws?width=80&height=24"
            async with aiohttp.ClientSession() as session:
                websocket = await session.ws_connect(url, headers={"Origin": served.origin})
                await _read_until(websocket, TerminalScreen(80, 24), "waiting")
                children.extend(_descendants(served.process.pid))
                served.process.send_signal(signal.SIGINT)
                async with asyncio.timeout(SESSION_SECONDS):
                    message = await websocket.receive()
                    while not websocket.closed:
                        message = await websocket.receive()
                assert message.type.name in ("CLOSE", "CLOSED", "CLOSING")

        asyncio.run(hold_open())
        assert children
        served.process.communicate(timeout=60)
    finally:
        if served.process.poll() is None:
            stop_web(served)
    err = served.log_text()
    assert served.process.returncode == 0
    assert served.token not in err and "app opened" in err
    assert not [pid for pid in children if _alive(pid)]


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found.append(int(child))
            found.extend(_descendants(int(child)))
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_a_token_file_keeps_the_address_across_restarts(
    demo_home: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    db, env = demo_home
    path = tmp_path / "web-token"
    first = start_web(db, env, "--token-file", str(path))
    stop_web(first)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == first.token
    second = start_web(db, env, "--token-file", str(path))
    stop_web(second)
    assert second.token == first.token
    third = start_web(db, env)
    stop_web(third)
    assert third.token != first.token  # without a file: a new token each run


# --- bad input: one line, exit 2, nothing served ---------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, schema_template: Path) -> Cli:
    return Cli(monkeypatch, schema_template)


def test_bad_options_are_one_line(cli: Cli, tmp_path: Path, served: Served) -> None:
    assert "--host is empty" in cli.fails(2, "web", "--host", " ")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a token\n", encoding="utf-8")
    assert "holds no amtui token" in cli.fails(2, "web", "--token-file", str(notes))
    assert notes.read_text(encoding="utf-8") == "not a token\n"
    message = cli.fails(2, "web", "--port", str(served.port))
    assert f"cannot listen on 127.0.0.1:{served.port}" in message
    assert "amtui web" in cli.fails(2, "tui", "--served")  # the app processes' option


def test_another_address_is_used_only_when_asked_and_then_warned(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from amtui.web import server

    bound: list[str] = []
    monkeypatch.setattr(server.WebServer, "serve", lambda self: bound.append(self.host))
    result = cli("web", "--port", "0")
    assert result.exit_code == 0 and bound == ["127.0.0.1"]
    assert "not only on this machine" not in result.stderr
    result = cli("web", "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 0 and bound[-1] == "0.0.0.0"
    assert "listening on 0.0.0.0, not only on this machine" in result.stderr


def test_without_the_web_extra_it_says_what_to_install(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.delitem(sys.modules, "amtui.web.server", raising=False)
    assert "pip install 'amtui[web]'" in cli.fails(2, "web")


def test_it_serves_a_postgresql_database(tmp_path: Path) -> None:
    """`amtui --db postgresql://… web` hands the URL to its app processes and serves."""
    import os

    from tests.conftest import wipe_postgres

    url = os.environ.get("AMTUI_TEST_POSTGRES")
    if not url:
        pytest.skip("AMTUI_TEST_POSTGRES is not set (no PostgreSQL server for the tests)")
    wipe_postgres(url)
    env = home_env(tmp_path)
    served = start_web(url, env, log_dir=tmp_path)
    try:
        status, (screen,) = open_app(served, until=(("1 Inbox", None),))
        assert status == 101 and "1 Inbox" in screen
    finally:
        stop_web(served)


def test_a_ctrl_c_during_start_up_stops_the_server(tmp_path: Path) -> None:
    """A Ctrl+C that arrives while the server is still starting (here: at once, held by the
    signal mask the process starts with) is acted on as soon as the server runs."""
    import os
    import subprocess

    env = home_env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "amtui", "--db", str(tmp_path / "a.db"), "web", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}),
    )
    os.kill(process.pid, signal.SIGINT)  # before it has printed anything
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("amtui web did not stop on a Ctrl+C sent while it started")
    assert process.returncode == 0, err
    assert out.startswith("amtui in a browser: http://")
