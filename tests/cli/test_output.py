"""Output rules (DESIGN §6, §8): data on stdout, no escape sequences off a terminal, colour only
on a terminal and never with NO_COLOR, and untrusted text never reaches the terminal raw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import (
    ANSI,
    UNSAFE,
    Cli,
    Target,
    build_template,
    change_behind_amtuis_back,
    use_template,
)
from tests.conftest import NOW

ESC = "\x1b[31m"
CSI = "\x9b"
RLO = "\u202e"
MARKUP = "[b]markup[/b]"
#: A title a hostile email or web form could deliver (titles are one line by rule).
HOSTILE = f"Evil {ESC}red{CSI}2J {RLO}gnp.exe {MARKUP} a|b"
#: Notes may hold several lines.
HOSTILE_NOTES = f"line one\nline two {ESC}x{CSI}y{RLO}z\ttab"
CLIENT = f"Client {ESC}{RLO}|x"

#: Every command that prints records, in each of its formats.
LISTINGS = [
    ["task", "list"],
    ["task", "show", "T1"],
    ["lead", "list"],
    ["lead", "show", "L1"],
    ["client", "list"],
    ["client", "show", "C1"],
    ["contact", "list"],
    ["remind", "list"],
    ["show", "R1"],
    ["agenda"],
    ["search", "evil"],
]
FORMATS = ["text", "md", "json"]


def build_hostile(cli: Cli) -> None:
    out = cli.ok(
        "add", f'{HOSTILE} client:"{CLIENT}" due:today 15:00',
        "--notes", HOSTILE_NOTES, "--assignee", f"who{ESC}",
    )  # fmt: skip
    assert not UNSAFE.search(out), out  # the confirmation itself is escaped
    cli.ok(
        "lead", "add", HOSTILE, "--client", CLIENT, "--partner", f"Partner {ESC}",
        "--contact", f"Anna {RLO}", "--notes", HOSTILE_NOTES, "--brief", f"Q{ESC}=A{CSI}",
    )  # fmt: skip
    cli.ok("contact", "add", "C1", f"Contact {ESC}{CSI}", "--role", f"role|{RLO}")
    cli.ok("remind", "add", f"Remind {ESC}{CSI}{RLO} |", "--at", "today 16:00", "--about", "L1")


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build_hostile)


@pytest.fixture
def hostile(cli: Cli, store: Target, hostile_template: Path) -> Cli:
    use_template(hostile_template, store)
    return cli


def run(cli: Cli, args: list[str], fmt: str) -> str:
    result = cli(*args, "--format", fmt)
    assert result.exit_code == 0, (args, result.stderr)
    return str(result.stdout)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_hostile_text_is_shown_escaped(hostile: Cli, args: list[str], fmt: str) -> None:
    out = run(hostile, args, fmt)
    assert not UNSAFE.search(out), repr(out)
    assert not ANSI.search(out)
    if fmt == "json":
        assert "\\u001b" in out or "\\u009b" in out or "\\u202e" in out
    else:
        assert "\\x1b" in out or "\\x9b" in out or "\\u202e" in out


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_markup_is_printed_as_data(hostile: Cli, fmt: str) -> None:
    shown = "[b]markup[/b]" if fmt == "text" else "\\[b\\]markup\\[/b\\]"  # Markdown: literal
    for args in (["task", "list"], ["lead", "list"], ["agenda"], ["show", "L1"]):
        assert shown in run(hostile, args, fmt)


def test_json_round_trips_the_original_text(hostile: Cli) -> None:
    task = hostile.json("task", "show", "T1")
    assert task["title"] == HOSTILE
    assert task["notes"] == HOSTILE_NOTES
    assert task["client"]["name"] == CLIENT
    assert task["assignee"] == f"who{ESC}"
    lead = hostile.json("lead", "show", "L1")
    assert lead["title"] == HOSTILE and lead["notes"] == HOSTILE_NOTES
    assert lead["partner"] == f"Partner {ESC}"
    assert lead["brief"] == [{"q": f"Q{ESC}", "a": f"A{CSI}"}]
    agenda = hostile.json("agenda")
    titles = [i["task"]["title"] for i in agenda["today"]["items"] if i["type"] == "task"]
    assert titles == [HOSTILE]
    assert hostile.json("search", "evil")[0]["title"] == HOSTILE


def test_newlines_in_notes_stay_on_one_table_row(hostile: Cli) -> None:
    text = run(hostile, ["task", "show", "T1"], "text")
    [notes] = [line for line in text.splitlines() if line.startswith("notes")]
    assert "line one line two \\x1b[31mx\\x9by\\u202ez tab" in notes
    md = run(hostile, ["lead", "show", "L1"], "md")
    [row] = [line for line in md.splitlines() if line.startswith("| notes |")]
    assert row.endswith(" |") and "line one line two" in row


def cells(row: str) -> list[str]:
    """Split a Markdown table row on its unescaped pipes, undoing the escapes."""
    assert row.startswith("| ") and row.endswith(" |"), row
    out, cell, chars = [], "", iter(row[1:-1])
    for char in chars:
        if char == "\\":
            cell += next(chars)
        elif char == "|":
            out.append(cell.strip())
            cell = ""
        else:
            cell += char
    out.append(cell.strip())
    return out


@pytest.mark.parametrize(
    "args",
    [["task", "list"], ["lead", "list"], ["client", "list"], ["contact", "list"],
     ["remind", "list"], ["search", "evil"], ["client", "show", "C1"]],
    ids=" ".join,
)  # fmt: skip
def test_markdown_tables_escape_pipes(hostile: Cli, args: list[str]) -> None:
    md = run(hostile, args, "md")
    tables: list[list[str]] = [[]]
    for line in md.splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    for table in filter(None, tables):
        header = cells(table[0])
        assert set(table[1]) <= {"|", "-"}
        for row in table[2:]:
            assert len(cells(row)) == len(header), row
    assert "\\|" in md


def test_markdown_cells_read_back_as_the_escaped_text(hostile: Cli) -> None:
    md = run(hostile, ["task", "list"], "md").splitlines()
    header, row = cells(md[0]), cells(md[2])
    values = dict(zip(header, row, strict=True))
    assert values["TITLE"] == "Evil \\x1b[31mred\\x9b2J \\u202egnp.exe [b]markup[/b] a|b"
    assert values["CLIENT"] == "Client \\x1b[31m\\u202e|x"


def test_errors_escape_hostile_text_too(hostile: Cli) -> None:
    result = hostile("client", "show", f"Nobody {ESC}{RLO}")
    assert result.exit_code == 1
    assert not UNSAFE.search(result.stderr.rstrip("\n"))
    assert "\\x1b[31m" in result.stderr


# --- no escape sequences off a terminal ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo week, read-only here (`amtui demo` makes an SQLite file on either run)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"

    def build(cli: Cli) -> None:
        cli.ok("demo", "--path", str(path))

    build_template(tmp_path_factory, build, "demo")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_escape_sequences_when_stdout_is_not_a_terminal(cli: Cli, demo: Path, fmt: str) -> None:
    for args in (
        ["agenda"], ["task", "list", "--all"], ["lead", "list", "--all"], ["client", "list"],
        ["remind", "list"], ["show", "T1"], ["show", "L1"], ["search", "a"],
    ):  # fmt: skip
        result = cli("--db", str(demo), *args, "--format", fmt)
        assert result.exit_code == 0
        assert result.stdout.strip()
        assert not ANSI.search(result.stdout), (args, fmt)
        assert not ANSI.search(result.stderr)
        if fmt == "json":
            json.loads(result.stdout)


def test_data_on_stdout_diagnostics_on_stderr(cli: Cli) -> None:
    result = cli("add", "Card client:Fresh")
    assert result.stdout.startswith("Added T1") and result.stderr == ""
    result = cli("task", "show", "T9")
    assert result.stdout == "" and result.stderr.startswith("amtui: ")


# --- on a terminal (a pseudo-terminal, in a subprocess) ------------------------------------------

pty = pytest.importorskip("pty")


def on_terminal(args: list[str], *, env: dict[str, str], input: bytes = b"") -> tuple[int, str]:
    """Run `amtui ARGS` with stdin and stdout on a pseudo-terminal; return (code, screen)."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "amtui", *args],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.STDOUT,
        env=env,
    )
    os.close(slave)
    if input:
        os.write(master, input)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def terminal_env(**extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="200", **extra)
    return env


def test_colour_on_a_terminal_but_never_raw_hostile_text(hostile: Cli) -> None:
    code, screen = on_terminal(["task", "list"], env=terminal_env())
    assert code == 0, screen
    assert "\x1b[" in screen  # styled: it is a terminal
    assert "\\x1b[31mred" in screen  # the title's escape is shown, not obeyed
    assert "\x1b[31mred" not in screen
    assert CSI not in screen and RLO not in screen


def test_no_colour_with_no_color_even_on_a_terminal(hostile: Cli) -> None:
    env = terminal_env(NO_COLOR="1")
    for args in (["agenda"], ["task", "list"]):
        code, screen = on_terminal(args, env=env)
        assert code == 0, screen
        assert not ANSI.search(screen), repr(screen[:300])
        assert "\\x1b[31mred" in screen


def test_rm_asks_on_a_terminal(cli: Cli) -> None:
    cli.ok("add", "Keep me")
    cli.ok("add", "Delete me")
    env = terminal_env(NO_COLOR="1")
    code, screen = on_terminal(["task", "rm", "T1"], env=env, input=b"n\n")
    assert code == 1, screen  # a declined confirmation: nothing to do
    assert "Delete T1?" in screen and "Nothing deleted." in screen
    code, screen = on_terminal(["task", "rm", "T2"], env=env, input=b"y\n")
    assert code == 0, screen
    assert "Deleted T2: Delete me" in screen
    assert [t["title"] for t in cli.json("task", "list")] == ["Keep me"]


def test_no_traceback_for_a_broken_pipe(cli: Cli, store: Target) -> None:
    """`amtui task list | head -c 10` must not end in a traceback when head stops reading."""
    cli.ok("add", "First")
    change_behind_amtuis_back(  # 2000 cards: well over a pipe's 64 KiB
        store,
        'INSERT INTO task (title, notes, "column", position, priority, created_at, updated_at) '
        "SELECT 'Task ' || n || ' ' || :x, '', 'To do', 0, 'normal', :at, :at "
        "FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 2000) "
        "SELECT n FROM s) AS numbers",
        {"x": "x" * 100, "at": NOW},
    )
    for fmt in ("text", "json"):
        script = (
            f"{sys.executable} -m amtui task list --limit 0 --format {fmt} | head -c 10 "
            ">/dev/null; exit ${PIPESTATUS[0]}"
        )
        result = subprocess.run(["bash", "-c", script], capture_output=True, timeout=60)
        assert b"Traceback" not in result.stderr, result.stderr.decode()
        assert b"Exception ignored" not in result.stderr, result.stderr.decode()


@pytest.mark.parametrize(
    "cells",
    [
        ["plain", "Гранель", None],
        ["a\nb", "tab\there", "ok"],
        ["ok", "esc \x1b[31m", "ok"],
        ["ok", "filler \u3164", "ok"],
        ["ok", "bidi \u202e", "del \x7f"],
    ],
)
def test_table_cells_are_one_line_whether_checked_at_once_or_each(
    cells: list[str | None], capsys: pytest.CaptureFixture[str]
) -> None:
    from amtui.cli.output import Cell, Format, print_table
    from amtui.core.text import one_line

    rows: list[list[Any]] = [["T1", "clean", "row"], [cells[0], Cell(cells[1] or ""), cells[2]]]
    print_table(["A", "B", "C"], rows, Format.TEXT)
    texts = [["A", "B", "C"], ["T1", "clean", "row"]]
    texts.append([one_line(c.text if isinstance(c, Cell) else c or "") for c in rows[1]])
    widths = [max(len(row[i]) for row in texts) for i in range(3)]
    expected = [
        "  ".join(t.ljust(w) for t, w in zip(row, widths, strict=True)).rstrip() for row in texts
    ]
    assert capsys.readouterr().out == "\n".join(expected) + "\n"
