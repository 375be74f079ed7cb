"""Time `amtui web`: from the command to its printed address, and from a page's websocket to the
inbox drawn; and the memory of the server and of one app process (one per browser tab).

    python bench/web.py --runs 5                 # on a fresh demo database
    python bench/web.py --db bench/data/x.db     # on another database (the inbox must show leads)

Needs the web extra (textual-serve brings aiohttp, whose websocket client this uses). Every
request goes to 127.0.0.1. Reads /proc for the memory (Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from common import CHECKOUT, write_config

sys.path.insert(0, str(CHECKOUT))
from tests.web.conftest import TerminalScreen  # the tests' model of what a terminal shows

DRAWN = "waiting"  # the inbox title says how many leads wait: the first screen is there


def rss_mib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


async def first_screen(url: str, server_pid: int) -> tuple[float, int | None]:
    """Seconds from opening the websocket to the inbox drawn; the app process's RSS then."""
    import aiohttp

    origin = url.split("/")[0] + "//" + url.split("/")[2]
    screen = TerminalScreen(80, 24)
    async with aiohttp.ClientSession() as session:
        started = time.monotonic()
        websocket = await session.ws_connect(
            f"{url}ws?width=80&height=24", headers={"Origin": origin}
        )
        while DRAWN not in screen.text:
            message = await websocket.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                screen.feed(message.data.decode("utf-8", "replace"))
            elif message.type != aiohttp.WSMsgType.TEXT:
                raise SystemExit(f"the app closed before drawing the inbox:\n{screen.text}")
        elapsed = time.monotonic() - started
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
        app_rss = rss_mib(int(children[0])) if children else None
        await websocket.close()
    return elapsed, app_rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="database to serve (default: a fresh demo)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="amtui-bench-web-") as scratch:
        home = Path(scratch)
        write_config(home / "config.toml")
        env = {
            **os.environ,
            "PYTHONPATH": str(CHECKOUT),
            "AMTUI_CONFIG": str(home / "config.toml"),
            "XDG_STATE_HOME": str(home / "state"),
        }
        db = args.db
        if db is None:
            db = home / "demo.db"
            command = [sys.executable, "-m", "amtui", "demo", "--path", str(db)]
            subprocess.run(command, env=env, check=True, capture_output=True)
        starts, firsts, server_rss, app_rss = [], [], [], []
        for _ in range(args.runs):
            started = time.monotonic()
            server = subprocess.Popen(
                [sys.executable, "-m", "amtui", "--db", str(db), "web", "--port", "0"],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=env,
            )
            assert server.stdout is not None
            url = server.stdout.readline().split()[-1]
            starts.append(time.monotonic() - started)
            try:
                elapsed, rss = asyncio.run(first_screen(url, server.pid))
                firsts.append(elapsed)
                server_rss.append(rss_mib(server.pid))
                if rss is not None:
                    app_rss.append(rss)
            finally:
                server.send_signal(signal.SIGINT)
                server.wait(timeout=60)

    def row(name: str, values: Sequence[float], unit: str) -> str:
        shown = ", ".join(f"{value:.2f}" for value in sorted(values))
        return f"| {name} | {statistics.median(values):.2f} {unit} | {shown} |"

    load = os.getloadavg()[0]
    print(f"{args.runs} runs; load average {load:.1f} on {os.cpu_count()} cores")
    print("| measure | median | all runs |\n|---|---:|---|")
    print(row("`amtui web` to its address printed", starts, "s"))
    print(row("websocket opened to the inbox drawn (80×24)", firsts, "s"))
    print(row("server RSS", server_rss, "MiB"))
    if app_rss:
        print(row("one app process RSS (one per tab)", app_rss, "MiB"))


if __name__ == "__main__":
    main()
