"""A command's process ends at once when it is done (`amtui.cli.process.exit_now`): the same
output, the same messages and the same exit status as a normal interpreter shutdown, on a
pipe, a closed pipe and a closed stdout; it declines when ending at once could lose something."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, build_template, use_template
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


def build(cli: Cli) -> None:
    cli.ok("add", "Send estimate due:fri 15:00 client:Granel +urgent @copywriter")
    cli.ok("add", "Write copy \x1b[2J for Granel")
    cli.ok("lead", "add", "Website", "--client", "Granel")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build)


def amtui(
    args: list[str],
    place: Place,
    *,
    fast: bool,
    stdout: int | None = subprocess.PIPE,
    shell: str = "",
) -> subprocess.CompletedProcess[str]:
    """`amtui ARGS` as the console script runs it (fast) or ending as Typer alone would."""
    script = (
        "from datetime import datetime\nfrom amtui.cli.context import Runtime\n"
        f"Runtime.now = datetime.fromisoformat({NOW.isoformat()!r})\n"  # both runs: one instant
        "from amtui.cli.main import run\n"
        f"run(fast_exit={fast})\n"
    )
    argv = [sys.executable, "-c", script, *args]
    if shell:  # e.g. `>&-`: the shell closes stdout before amtui starts
        argv = ["sh", "-c", f'exec "$@" {shell}', "sh", *argv]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMTUI_")}
    db, config = place
    env.update(AMTUI_DB=str(db), AMTUI_CONFIG=str(config), NO_COLOR="1")
    return subprocess.run(
        argv, env=env, stdout=stdout, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip


COMMAND_LINES = [
    ["agenda"],
    ["agenda", "--format", "json"],
    ["task", "list", "--format", "json"],
    ["add", "Call back due:fri client:Granel"],
    ["lead", "list"],
    ["--help"],
    ["--version"],
    ["task", "done", "T99"],  # not found: 1
    ["search", "nothing-like-this"],  # no hits: 1
    ["task", "list", "--limit", "x"],  # usage error: 2
    ["add", "x due:someday"],  # bad date: 2
    ["bogus"],  # no such command: 2
]


#: A database and the config file beside it.
Place = tuple[Target, Path]


def copy_of(template: Path, directory: Path, store: Target) -> Place:
    """A new copy of `template`: a file in `directory`, or the PostgreSQL test database put
    back to the template's rows."""
    directory.mkdir(exist_ok=True)
    db = directory / "amtui.db" if isinstance(store, Path) else store
    use_template(template, db)
    config = directory / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    return db, config


@pytest.fixture
def db(template: Path, tmp_path: Path, store: Target) -> Place:
    return copy_of(template, tmp_path, store)


@pytest.mark.parametrize("args", COMMAND_LINES, ids=" ".join)
def test_the_same_output_and_status_as_a_normal_exit(
    args: list[str], template: Path, tmp_path: Path, store: Target
) -> None:
    fast = amtui(args, copy_of(template, tmp_path / "fast", store), fast=True)
    slow = amtui(args, copy_of(template, tmp_path / "slow", store), fast=False)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        slow.returncode,
        slow.stdout,
        slow.stderr,
    )
    assert "Traceback" not in fast.stderr


@pytest.mark.parametrize("args", [["agenda"], ["task", "list", "--format", "json"], ["--version"]])
def test_a_closed_pipe_or_stdout_ends_the_same_way(args: list[str], db: Place) -> None:
    for fast in (True, False):
        read, write = os.pipe()
        os.close(read)  # nobody will read: every write fails (`amtui … | true`, at its worst)
        try:
            piped = amtui(args, db, fast=fast, stdout=write)
        finally:
            os.close(write)
        closed = amtui(args, db, fast=fast, stdout=None, shell=">&-")
        if fast:
            expected = (piped.returncode, piped.stderr, closed.returncode, closed.stderr)
        else:
            assert (piped.returncode, piped.stderr, closed.returncode, closed.stderr) == expected
    assert "Traceback" not in expected[1] + expected[3]


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_atexit_handlers_run_and_their_output_is_kept() -> None:
    result = python(
        """
        import atexit, sys
        from amtui.cli.process import exit_now
        atexit.register(lambda: print("handler ran"))
        print("partial line without newline", end="")
        print(" to stderr", file=sys.stderr, end="")
        exit_now(3)
        print("never")
        """
    )
    assert result.returncode == 3
    assert result.stdout == "partial line without newlinehandler ran\n"
    assert result.stderr == " to stderr"


def test_it_declines_while_a_thread_runs() -> None:
    result = python(
        """
        import threading, time
        from amtui.cli.process import exit_now
        done = threading.Event()
        def work():
            time.sleep(0.2)
            print("thread finished")
        threading.Thread(target=work).start()
        exit_now(0)
        print("declined")
        """
    )
    assert result.returncode == 0
    assert result.stdout == "declined\nthread finished\n"


def test_it_declines_a_status_that_is_not_a_number() -> None:
    result = python(
        """
        from amtui.cli.process import exit_now
        exit_now("message")
        print("declined")
        """
    )
    assert result.stdout == "declined\n"
