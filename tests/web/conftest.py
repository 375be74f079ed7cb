"""`amtui web` tests: the real command in a subprocess, on a demo database, on 127.0.0.1 only.

`served` starts one server per module (`amtui demo --path …`, then `amtui --db … web --port 0`)
in a home of its own, like the `isolated` fixture's, and stops it (and the app processes it
started) afterwards. Every request goes to the loopback address.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60  # only reached when the server never starts (a bug), even on a loaded box

pytest.importorskip("textual_serve", reason="the web extra (textual-serve) is not installed")


#: The escape sequences Textual writes: CSI (cursor moves, colours, modes), OSC, and charsets.
ESCAPE = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()#].")


class TerminalScreen:
    """What a terminal shows after the bytes an app wrote: enough of xterm for Textual's output
    (cursor positioning and text; colours and modes are ignored), so a test reads the screen as
    a person would instead of the stream of every frame ever drawn."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells = [[" "] * width for _ in range(height)]
        self.row = self.col = 0
        self._pending = ""

    def feed(self, data: str) -> None:
        data, self._pending = self._pending + data, ""
        cut = data.rfind("\x1b")
        if cut >= 0 and not ESCAPE.match(data, cut):  # a sequence split across two frames
            data, self._pending = data[:cut], data[cut:]
        position = 0
        for match in ESCAPE.finditer(data):
            self._text(data[position : match.start()])
            position = match.end()
            if match.group(2) == "H":
                row, _, col = (match.group(1) or "1;1").partition(";")
                self.row, self.col = int(row or 1) - 1, int(col or 1) - 1
        self._text(data[position:])

    def _text(self, text: str) -> None:
        for char in text:
            if char == "\n":
                self.row, self.col = self.row + 1, 0
            elif char == "\r":
                self.col = 0
            elif char >= " " and 0 <= self.row < self.height and self.col < self.width:
                self.cells[self.row][self.col] = char
                wide = unicodedata.east_asian_width(char) in "WF"
                self.col += 2 if wide else 1

    @property
    def text(self) -> str:
        return "\n".join("".join(row).rstrip() for row in self.cells)


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    db: Path | str
    env: dict[str, str]
    log: Path  # the server's stderr

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    @property
    def port(self) -> int:
        port = urlsplit(self.url).port
        assert port is not None
        return port

    @property
    def token(self) -> str:
        return urlsplit(self.url).path.strip("/")

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def home_env(home: Path) -> dict[str, str]:
    """An environment whose config, data and state live under `home`."""
    config = home / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AMTUI_CONFIG": str(config)}
    env.pop("AMTUI_DB", None)
    env.pop("NO_COLOR", None)
    for name in ("DATA", "CONFIG", "STATE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    return env


def make_demo(home: Path, env: dict[str, str]) -> Path:
    path = home / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "amtui", "demo", "--path", str(path)],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return path


def start_web(
    db: Path | str, env: dict[str, str], *args: str, log_dir: Path | None = None
) -> Served:
    """Run the real `amtui --db DB web --port 0 ARGS` and read the URL it prints first; DB is
    a file (its log goes beside it) or a URL (give `log_dir`)."""
    folder = log_dir or Path(db).parent
    log = folder / f"web-{os.urandom(4).hex()}.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "amtui", "--db", str(db), "web", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
        )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
    if not ready:
        process.kill()
        pytest.fail(f"amtui web printed nothing within {START_SECONDS} s")
    line = process.stdout.readline()
    if not line.startswith("amtui in a browser: http://"):
        process.kill()
        process.communicate()
        pytest.fail(f"amtui web did not start: {line}{log.read_text()}")
    return Served(process, line.split(": ", 1)[1].strip(), db, env, log)


def stop_web(served: Served) -> str:
    """Stop the server as Ctrl+C would; its stderr."""
    served.process.send_signal(signal.SIGINT)
    try:
        served.process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.communicate()
        pytest.fail(f"amtui web did not stop on Ctrl+C: {served.log_text()}")
    return served.log_text()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    home = tmp_path_factory.mktemp("web")
    env = home_env(home)
    return make_demo(home, env), env


@pytest.fixture(scope="module")
def served(demo_home: tuple[Path, dict[str, str]]) -> Iterator[Served]:
    db, env = demo_home
    server = start_web(db, env)
    yield server
    stop_web(server)
