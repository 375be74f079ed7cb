"""`amtui ics serve`: the read-only feed a calendar subscribes to, and its security.

The server is started here on 127.0.0.1 with port 0 (any free port), in a thread for the
protocol tests and as the real command in a subprocess for the end-to-end ones; every request
goes to the loopback address only and each test stops what it started.
"""

from __future__ import annotations

import http.client
import os
import select
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from amtui.io.ics_feed import FeedServer, etag_matches, load_token
from tests.cli.conftest import Cli, Target
from tests.conftest import http_request

ROOT = Path(__file__).resolve().parents[2]
BODY = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def feed() -> Iterator[tuple[FeedServer, list[str]]]:
    log: list[str] = []
    server = FeedServer(("127.0.0.1", 0), lambda: BODY, "s3cret-" + "x" * 40, log=log.append)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, log
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def request(
    server: FeedServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    return http_request(server.port, path, method, headers)


def test_the_token_url_serves_the_calendar_with_an_etag(feed: tuple[FeedServer, list[str]]) -> None:
    server, log = feed
    path = urlsplit(server.url).path
    assert server.url.startswith(f"http://127.0.0.1:{server.port}/")
    status, headers, body = request(server, path)
    assert status == 200 and body == BODY
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    etag = headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    status, headers, body = request(server, path, headers={"If-None-Match": etag})
    assert (status, body, headers["ETag"]) == (304, b"", etag)
    status, _, body = request(server, path, headers={"If-None-Match": '"stale", W/' + etag})
    assert (status, body) == (304, b"")
    status, _, body = request(server, path, headers={"If-None-Match": '"stale"'})
    assert (status, body) == (200, BODY)
    status, headers, body = request(server, path, "HEAD")
    assert (status, body, headers["Content-Length"]) == (200, b"", str(len(BODY)))
    assert server.token not in "".join(log) and "<token>" in log[0]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/amtui.ics",
        "/s3cret-/amtui.ics",  # a prefix of the token
        "/s3cret-" + "x" * 39 + "y/amtui.ics",  # wrong by one character
        "/s3cret-" + "x" * 40 + "/other.ics",
        "/s3cret-" + "x" * 40 + "/amtui.ics/..",
        "/s3cret-" + "x" * 40,
    ],
)
def test_without_the_token_nothing_is_served(feed: tuple[FeedServer, list[str]], path: str) -> None:
    status, _, body = request(feed[0], path)
    assert (status, body) == (404, b"")


def test_other_methods_and_foreign_hosts_are_refused(feed: tuple[FeedServer, list[str]]) -> None:
    server, _ = feed
    path = urlsplit(server.url).path
    assert request(server, path, "POST")[0] == 405
    assert request(server, path, "DELETE")[0] == 405
    # A DNS name rebound to 127.0.0.1 by a web page is not the feed's host.
    assert request(server, path, headers={"Host": f"evil.example:{server.port}"})[0] == 403
    assert request(server, path, headers={"Host": f"localhost:{server.port}"})[0] == 200


def test_if_none_match_follows_rfc_9110() -> None:
    assert etag_matches("*", '"a"')
    assert etag_matches('"b", "a"', '"a"')
    assert etag_matches('W/"a"', '"a"')
    assert not etag_matches('"ab"', '"a"') and not etag_matches(None, '"a"')


def test_the_token_is_kept_private_and_renewable(tmp_path: Path) -> None:
    path = tmp_path / "data" / "ics-token"
    first = load_token(path)
    assert len(first) >= 43 and load_token(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    renewed = load_token(path, renew=True)
    assert renewed != first and load_token(path) == renewed


def start_serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    """Run the real `amtui ics serve` and read the URL it prints first."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "amtui", "ics", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    if not ready:
        process.kill()
        pytest.fail("amtui ics serve printed nothing within 60 s")
    line = process.stdout.readline()
    assert line.startswith("Calendar feed: http://"), line + process.stderr.read()
    return process, line.split(": ", 1)[1].strip()


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err


def test_serve_binds_loopback_and_keeps_its_url(cli: Cli, store: Target) -> None:
    cli.ok("add", "Send estimate due:2026-11-27 15:00")
    process, url = start_serve()
    try:
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1"
        connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
        connection.request("GET", parts.path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == 200
        assert b"SUMMARY:T1 Send estimate" in body and b"REFRESH-INTERVAL" in body
        connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
        connection.request("GET", "/amtui.ics")
        assert connection.getresponse().status == 404
        connection.close()
    finally:
        err = stop(process)
    assert parts.path.split("/")[1] not in err  # the log never shows the token
    again, second = start_serve()
    stop(again)
    assert urlsplit(second).path == parts.path  # the same secret after a restart
    renewed, third = start_serve("--new-token")
    stop(renewed)
    assert urlsplit(third).path != parts.path


def test_serve_on_a_port_in_use_is_one_line(cli: Cli, feed: tuple[FeedServer, list[str]]) -> None:
    message = cli.fails(2, "ics", "serve", "--port", str(feed[0].port))
    assert f"cannot listen on 127.0.0.1:{feed[0].port}" in message
