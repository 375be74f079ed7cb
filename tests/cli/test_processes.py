"""Real processes: amtui killed with SIGKILL part-way through commands that write many rows
leaves something the next run can use; several amtui processes creating the same new client
at once all succeed. Marked `processes` (they start interpreters, a few seconds each)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from amtui.demo import DEMO_APPLICATION_ID
from tests.cli.conftest import Target, make_empty, query
from tests.conftest import only_on_sqlite, wipe_postgres

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]
#: Kill points from "still starting Python" to "long done", so some land mid-write.
DELAYS = [0.15, 0.45, 0.65, 0.9, 1.3]


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")


def amtui(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amtui", *args],
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def killed_after(delay: float, *args: str) -> bool:
    """Start `amtui args`, SIGKILL it after `delay` seconds; True if it was still running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "amtui", *args],
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return running


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def application_id(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA application_id").fetchone()[0])
    finally:
        conn.close()


@only_on_sqlite("`amtui demo` writes a file")
def test_a_demo_killed_at_any_point_leaves_a_demo_the_next_run_replaces(tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    assert amtui("demo", "--path", str(demo)).returncode == 0
    interrupted = 0
    for delay in DELAYS:
        interrupted += killed_after(delay, "demo", "--path", str(demo))
        # Whatever the moment: a whole demo is there (the old one or the new one) …
        assert integrity(demo) == "ok"
        assert application_id(demo) == DEMO_APPLICATION_ID
        assert rows(demo, "SELECT count(*) FROM lead")[0][0] > 0
        # … and the next run replaces it, and tidies what the killed one left.
        rerun = amtui("demo", "--path", str(demo))
        assert rerun.returncode == 0, rerun.stderr
        assert list(tmp_path.glob(".demo.db.*")) == []
    assert interrupted > 0


def test_the_first_command_on_a_new_database_killed_part_way(tmp_path: Path, store: Target) -> None:
    """Killed while it creates the schema or writes its first card: the next command works."""
    for index, delay in enumerate(DELAYS):
        path: Target = tmp_path / f"new{index}.db" if isinstance(store, Path) else store
        make_empty(path)
        killed_after(delay, "--db", str(path), "add", "First card client:Granel +urgent")
        after = amtui("--db", str(path), "add", "Second card client:Granel")
        assert after.returncode == 0, after.stderr
        if isinstance(path, Path):
            assert integrity(path) == "ok"
        titles = {title for (title,) in query(path, "SELECT title FROM task")}
        assert "Second card" in titles and titles <= {"First card", "Second card"}


def test_done_for_many_tasks_is_all_or_nothing_when_killed(tmp_path: Path, store: Target) -> None:
    path = tmp_path / "many.db" if isinstance(store, Path) else store
    seed = (
        "import sys; from datetime import UTC, datetime; from amtui.core.config import Config; "
        "from amtui.core.db import Database; from amtui.core.drafts import TaskDraft; "
        "from amtui.core.migrations import ensure_schema; "
        "from amtui.core.tasks import create_task; db = Database(sys.argv[1]); "
        "ensure_schema(db); now = datetime.now(UTC)\n"
        "with db.write() as tx:\n"
        "    for n in range(300): create_task(tx, TaskDraft(f'Card {n}'), now=now, "
        "config=Config())"
    )
    subprocess.run([sys.executable, "-c", seed, str(path)], env=env(), check=True, timeout=120)
    refs = [f"T{number}" for number in range(1, 301)]
    for delay in DELAYS:
        killed_after(delay, "--db", str(path), "task", "done", *refs)
        ((done,),) = query(path, "SELECT count(*) FROM task WHERE done_at IS NOT NULL")
        assert done in (0, len(refs))
        if isinstance(path, Path):
            assert integrity(path) == "ok"
        if done:
            assert amtui("--db", str(path), "task", "reopen", refs[0]).returncode == 0
            break


def _race(target: str, count: int) -> list[subprocess.CompletedProcess[str]]:
    start = time.time() + 1.5  # every interpreter is up before the first one writes
    script = (
        "import sys, time; from amtui.cli.main import run; "
        f"time.sleep(max(0, {start} - time.time())); run()"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, "--db", target, "add", f'Card {n} client:"Newco GmbH"'],
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@only_on_sqlite("the same race on SQLite; the PostgreSQL one follows")
def test_processes_creating_the_same_client_at_once_all_succeed_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    results = _race(str(path), 4)
    assert [r.returncode for r in results] == [0] * 4, [r.stderr for r in results]
    assert sum("New client Newco GmbH" in r.stdout for r in results) == 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == 1
    finally:
        conn.close()


@pytest.mark.skipif(
    not os.environ.get("AMTUI_TEST_POSTGRES"), reason="AMTUI_TEST_POSTGRES is not set"
)
def test_processes_creating_the_same_client_at_once_all_succeed_on_postgres() -> None:
    url = os.environ["AMTUI_TEST_POSTGRES"]
    wipe_postgres(url)
    results = _race(url, 4)  # the schema too is created by whichever comes first
    assert [r.returncode for r in results] == [0] * 4, [r.stderr for r in results]
    assert sum("New client Newco GmbH" in r.stdout for r in results) == 1
