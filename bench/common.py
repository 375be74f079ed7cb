"""Helpers the bench scripts share: bench data, child environments, timing one process, and
updating a marked section of RESULTS.md.

Standard library only (the scripts that import it time other processes and must stay light).
"""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
CHECKOUT = BENCH.parent  # the amtui every child runs (see amtui_env)
DATA = BENCH / "data"
RESULTS = BENCH / "RESULTS.md"
#: The user's zone in bench configs (same as generate.BENCH_TZ).
BENCH_TZ = "Europe/Berlin"


def scale_size(name: str) -> int:
    """`0`, `10k`, `100k` → 0, 10 000, 100 000."""
    return int(name[:-1]) * 1000 if name.endswith("k") else int(name)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def generate_command(target: Path, scale: str, seed: int, now: str | None = None) -> list[str]:
    """bench/generate.py for N tasks, N leads and N/5 reminders (the scales of every script)."""
    size = scale_size(scale)
    command = [
        sys.executable,
        str(BENCH / "generate.py"),
        str(target),
        "--tasks",
        str(size),
        "--leads",
        str(size),
        "--reminders",
        str(size // 5),
        "--seed",
        str(seed),
        "--force",
    ]
    return [*command, "--now", now] if now else command


def write_config(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'# amtui benchmark config (bench/)\ntimezone = "{BENCH_TZ}"\n')


def amtui_env(db: Path, config: Path, pycache: Path | None) -> dict[str, str]:
    """A child's environment: this checkout's amtui, bench data only, bytecode cached like a
    real install.

    The checkout is put first on PYTHONPATH, so that every child (the console script,
    `python -m amtui`, generate.py) runs the same amtui: the installed one may be another
    checkout with another schema version, which would migrate or refuse the bench databases.
    With PYTHONDONTWRITEBYTECODE set (as in some sandboxes) every amtui module edited since
    its .pyc was written would be recompiled by every process; `pycache` (PYTHONPYCACHEPREFIX)
    keeps a private, writable cache instead. None keeps the caller's settings.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMTUI_")}
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(CHECKOUT)]
    env["PYTHONPATH"] = os.pathsep.join([str(CHECKOUT), *paths])
    env.update(AMTUI_DB=str(db), AMTUI_CONFIG=str(config), NO_COLOR="1", COLUMNS="120")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def copy_synced(source: Path, target: Path) -> None:
    """Replace `target` (a database file or a directory) by a copy of `source`, on disk.

    The copy is fsynced so that writing it back does not land on the next timed process (an
    fsync in that process would otherwise wait for these pages too).
    """
    if source.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
        files = [path for path in target.rglob("*") if path.is_file()]
    else:
        remove_database(target)
        shutil.copyfile(source, target)
        files = [target]
    for path in files:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@dataclass(frozen=True)
class Run:
    """One finished child process."""

    wall: float  # seconds, spawn to reaped
    cpu: float  # user + system seconds (wait4)
    rss_kb: int  # peak resident set (wait4)
    returncode: int
    stdout: bytes
    stderr: bytes


def run_timed(argv: list[str], env: dict[str, str]) -> Run:
    """Run one fresh process with stdin from /dev/null and stdout/stderr to files."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall,
            usage.ru_utime + usage.ru_stime,
            int(usage.ru_maxrss),
            process.returncode,
            out.read(),
            err.read(),
        )


def machine() -> dict[str, str]:
    """What the figures were measured on (and how busy it was when the run began)."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = str(len(os.sched_getaffinity(0)))
    except AttributeError:
        nproc = str(os.cpu_count())
    return {
        "nproc": nproc,
        "CPU": model,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "load average (1/5/15 min, at start)": load_average(),
    }


def open_card(db: Path) -> str:
    """An open card without subtasks (the first by id), for `amtui task done`."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT id FROM task WHERE done_at IS NULL AND parent_id IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM task AS sub WHERE sub.parent_id = task.id) ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    if row is None:
        raise SystemExit(f"{db} has no open card to mark done")
    return f"T{row[0]}"


def client_name(db: Path, client_id: int = 1) -> str:
    """A client's name (the quick-add rows name C1, which generate.py makes the same at every
    scale for a seed)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT name FROM client WHERE id = ?", (client_id,)).fetchone()
    finally:
        conn.close()
    if row is None:
        raise SystemExit(f"{db} has no client C{client_id}")
    return str(row[0])


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def git_state() -> str:
    """`abc1234 subject`, and whether amtui/ has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(CHECKOUT), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(CHECKOUT), "status", "--porcelain", "--", "amtui"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"`{head}`" + (" plus uncommitted changes in amtui/" if dirty else "")


def replace_section(start: str, end: str, text: str, heading: str) -> None:
    """Put `text` between the `start` and `end` markers of RESULTS.md (appended under
    `heading` the first time)."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        updated = before + block + rest.split(end, 1)[1]
    else:
        updated = current.rstrip() + f"\n\n{heading}\n\n{block}\n"
    RESULTS.write_text(updated, encoding="utf-8")


def read_section(start: str, end: str) -> str | None:
    """The text between the markers in RESULTS.md, if there is such a section."""
    if not RESULTS.exists():
        return None
    current = RESULTS.read_text(encoding="utf-8")
    if start not in current or end not in current:
        return None
    return current.split(start, 1)[1].split(end, 1)[0]


async def pick_board_card(pilot: Any, main: Any) -> Any:
    """The app benches' starting point: the board focused (`2`, `g`) on its first column with
    more than one card loaded; returns the board."""
    from amtui.tui.widgets.board import Board

    await pilot.pause()
    board = main.query_one(Board)
    await pilot.press("2", "g")
    await pilot.pause()
    for index, column in enumerate(board.columns[:-1]):
        if column.loaded > 1:
            board.column_index = index
            break
    await pilot.pause()
    return board
