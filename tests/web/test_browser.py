"""`amtui web` in a real browser: Debian's Chromium, headless, driven by Playwright.

Playwright's own browser download is not used (nor available here): it drives the system's
`chromium` through `executable_path`. `.ci/run` installs both; without them these tests are
skipped and say why. The screen is read from the websocket frames the page receives, fed to
the same small terminal model as the other `amtui web` tests (xterm.js draws on a canvas, so
the page itself holds no text). Every request goes to 127.0.0.1; a page "from elsewhere" is
from another web server on 127.0.0.1 that the test starts.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.web.conftest import Served, TerminalScreen

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')"
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WAIT_SECONDS = 120  # only reached when the app never shows what it should (a bug)
SHOTS = os.environ.get("AMTUI_WEB_SCREENSHOTS")  # a directory: keep what the browser showed


def chromium_path() -> str | None:
    for candidate in (os.environ.get("AMTUI_TEST_CHROMIUM"), shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it with apt-get)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AppPage:
    """A page of `amtui web`, with the screen its app drew and everything it asked for."""

    def __init__(self, page: Any, served: Served) -> None:
        self.page = page
        self.served = served
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.screen: TerminalScreen | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("websocket", self._websocket)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _websocket(self, websocket: Any) -> None:
        query = parse_qs(urlsplit(websocket.url).query)
        self.screen = TerminalScreen(int(query["width"][0]), int(query["height"][0]))
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes) and self.screen is not None:
            self.screen.feed(self._decoder.decode(payload))

    def _sent(self, payload: str | bytes) -> None:
        message = json.loads(payload) if isinstance(payload, str) else None
        if message and message[0] == "resize":  # the app draws the whole screen anew
            self.screen = TerminalScreen(message[1]["width"], message[1]["height"])

    def open(self) -> None:
        response = self.page.goto(self.served.url)
        assert response is not None and response.status == 200
        self.page.wait_for_selector("body.-first-byte", timeout=WAIT_SECONDS * 1000)

    def wait_for(self, *wanted: str, gone: str | None = None) -> str:
        """Wait until the screen shows all of `wanted` (and no longer `gone`); its text then.
        (All at once: the app draws a change over several frames.)"""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            text = self.screen.text if self.screen else ""
            if all(part in text for part in wanted) and (gone is None or gone not in text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"the page never showed {wanted!r}:\n{text}")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the next frames

    def tap_text(self, text: str, row: int) -> None:
        """Tap the middle of `text` where it stands on the screen's `row` (0 is the top)."""
        assert self.screen is not None
        column = self.screen.text.split("\n")[row].index(text) + len(text) // 2
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None
        cell_width = box["width"] / self.screen.width
        cell_height = box["height"] / self.screen.height
        self.page.touchscreen.tap(
            box["x"] + (column + 0.5) * cell_width, box["y"] + (row + 0.5) * cell_height
        )

    def shot(self, name: str) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def app_page(browser: Any, served: Served) -> Iterator[AppPage]:
    context = browser.new_context(viewport={"width": 860, "height": 700})
    yield AppPage(context.new_page(), served)
    context.close()


def test_the_browser_shows_the_inbox_then_the_board(app_page: AppPage, served: Served) -> None:
    """860 px: under 100 columns, so one region at a time; `2` is the board."""
    app_page.open()
    inbox = app_page.wait_for("SEO audit for a hotel", "3 waiting", gone="Backlog")
    assert "1 Inbox" in inbox
    app_page.shot("desktop-inbox")
    app_page.page.keyboard.press("Enter")  # the inbox has the keys without a click first
    app_page.wait_for("first response", "received", gone="Backlog")
    app_page.shot("desktop-lead")
    app_page.page.keyboard.press("Escape")
    app_page.wait_for("Pixel Partners", gone="first response")
    app_page.page.keyboard.press("2")
    app_page.wait_for("T15 Landing", "Backlog", "10 open", gone="SEO audit for a hotel")
    app_page.shot("desktop-board")
    origin = f"http://127.0.0.1:{served.port}/"
    assert app_page.requests and all(url.startswith(origin) for url in app_page.requests)
    assert app_page.errors == []  # nothing blocked by the page's Content-Security-Policy


def test_a_phone_sees_one_readable_region_at_a_time(browser: Any, served: Served) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 760},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = AppPage(context.new_page(), served)
        page.open()
        inbox = page.wait_for("SEO audit for", "3 waiting", gone="Backlog")
        assert page.screen is not None and 38 <= page.screen.width <= 46
        assert "1 Inbox" in inbox and "2 Board" in inbox and "3 Agenda" in inbox
        page.shot("phone-inbox")
        page.page.keyboard.press("3")
        # (only the inbox says who sent a lead)
        page.wait_for("Overdue", "overdue", gone="Pixel Partners")
        page.shot("phone-agenda")
        page.tap_text("2 Board", row=1)  # a finger on the tab
        page.wait_for("T15 Landing", "Backlog", gone="Overdue")
        page.shot("phone-board")
    finally:
        context.close()


def test_without_the_token_the_browser_gets_nothing(browser: Any, served: Served) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(f"http://127.0.0.1:{served.port}/")
        assert response is not None and response.status == 403
        assert "secret token" in page.content()
        assert served.token not in page.content()
    finally:
        context.close()


@pytest.fixture
def other_local_site() -> Iterator[str]:
    """Another web app on this machine (a page any site could send you to): its origin."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!DOCTYPE html><p>another local app</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_a_page_from_elsewhere_cannot_open_the_app(
    browser: Any, served: Served, other_local_site: str
) -> None:
    """Even knowing the address, another site's page is refused the websocket (its Origin):
    here another local web app's, which the browser lets through to amtui."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{other_local_site}/")
        outcome = page.evaluate(
            """url => new Promise(resolve => {
                const socket = new WebSocket(url);
                socket.onopen = () => resolve("open");
                socket.onerror = () => resolve("refused");
            })""",
            f"ws://127.0.0.1:{served.port}/{served.token}/ws?width=80&height=24",
        )
        assert outcome == "refused"
    finally:
        context.close()
    assert f"Origin '{other_local_site}' is not this page" in served.log_text()
