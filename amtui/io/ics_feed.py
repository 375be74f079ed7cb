"""A read-only calendar feed over HTTP, for calendars that subscribe to a URL (`amtui ics serve`).

Security (DESIGN §8a): it listens on 127.0.0.1 unless told otherwise; the only path that
answers is `/<token>/amtui.ics`, the token being a random secret compared in constant time,
and anything else is a bare 404 (no hint that a token exists). On a loopback address the Host
header must name that address too, so a web page cannot reach the feed through a rebinding
DNS name. Only GET and HEAD are served; the request log never shows the token.

Each request reads the database afresh. The body is deterministic, so its hash is a strong
ETag: a calendar that sends it back in If-None-Match gets `304 Not Modified` and no body.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from amtui.core.errors import AmtuiError
from amtui.io.serving import HostRule, is_loopback, load_token, new_token, token_matches, url_host

__all__ = ["FeedServer", "etag_matches", "etag_of", "load_token", "new_token"]

FEED_NAME = "amtui.ics"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def etag_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: `*`, or any listed tag equal under weak comparison."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


class FeedServer(ThreadingHTTPServer):
    """Serves `render()` at `/<token>/amtui.ics`. `render` raises AmtuiError when the data
    cannot be read (the client gets 503 and the reason goes to the log)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        render: Callable[[], bytes],
        token: str,
        *,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.render = render
        self.token = token
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        super().__init__(address, _FeedHandler)
        self.hosts = HostRule.for_bind(self.host, self.port)

    @property
    def host(self) -> str:
        return str(self.server_address[0])

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}/{self.token}/{FEED_NAME}"

    def loopback(self) -> bool:
        return is_loopback(self.host)


class _FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer
    server_version = "amtui"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _refuse(self, status: HTTPStatus) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        if status is HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "GET, HEAD")
        self.end_headers()

    def _not_allowed(self) -> None:
        self._refuse(HTTPStatus.METHOD_NOT_ALLOWED)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def _authorised(self) -> bool:
        path = urlsplit(self.path).path
        parts = path.split("/")
        if len(parts) != 3 or parts[0] or parts[2] != FEED_NAME:
            return False
        return token_matches(parts[1], self.server.token)

    def _host_ok(self) -> bool:
        return not self.server.loopback() or self.server.hosts.allows(self.headers.get("Host"))

    def _serve(self, *, body: bool) -> None:
        if not self._authorised():
            self._refuse(HTTPStatus.NOT_FOUND)
            return
        if not self._host_ok():
            self._refuse(HTTPStatus.FORBIDDEN)
            return
        try:
            content = self.server.render()
        except AmtuiError as error:
            self.server.log(f"amtui: feed not served: {error}")
            self._refuse(HTTPStatus.SERVICE_UNAVAILABLE)
            return
        etag = etag_of(content)
        if etag_matches(self.headers.get("If-None-Match"), etag):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Disposition", f'inline; filename="{FEED_NAME}"')
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:
        from amtui.core.text import one_line  # a request line is untrusted text

        line = one_line(format % args).replace(self.server.token, "<token>")
        self.server.log(f"{self.address_string()} {line}")
