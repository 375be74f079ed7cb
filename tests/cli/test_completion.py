"""Shell completion (`amtui --install-completion`): references with their titles as help and
client names where a client is asked for; it reads the database cheaply, never writes or
creates it (nor its side files), and never prints a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, build_template, digest, use_template
from tests.conftest import only_on_sqlite

#: Completion reads references and client names from an SQLite file only, opened read-only and
#: cheaply; with a PostgreSQL URL it completes commands and options (README), as
#: `test_a_postgresql_url_completes_nothing` checks on either run.
sqlite_fast_path = only_on_sqlite("completion reads records from an SQLite file only")


def build(cli: Cli) -> None:
    for name in ("Kettle Studio", "Blue Harbor Hotels", "Bluebird", "Гранель", "Old Co"):
        cli.ok("client", "add", name)
    cli.ok("client", "edit", "Old Co", "--archive")
    cli.ok("add", "Send estimate client:kettle")  # T1
    cli.ok("add", "Write copy")  # T2, done below
    cli.ok("add", "Evil \x1b[2J [bold]markup[/ \u202eexe title")  # T3
    cli.ok("task", "done", "T2")
    cli.ok("lead", "add", "Website", "--client", "C2")  # L1
    cli.ok("remind", "add", "Call", "--at", "tomorrow 10:00", "--about", "L1")  # R1


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_template(tmp_path_factory, build)
    # At rest, as after the last amtui process exited: no WAL beside the file.
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


@pytest.fixture
def data(cli: Cli, db_path: Path, template: Path) -> Path:
    use_template(template, db_path)
    Path(f"{db_path}-wal").unlink(missing_ok=True)
    return db_path


def complete(cli: Cli, line: str, shell: str = "zsh", **env: str) -> list[tuple[str, str]]:
    """What the shell would be offered for `line` (zsh: value and help), parsed."""
    from amtui.cli.main import app

    result = cli.runner.invoke(
        app,
        [],
        prog_name="amtui",
        env={"_AMTUI_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line, **env},
    )
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == ""
    out = result.stdout.strip()
    if out in ("", "_files"):
        return []
    return [
        (value.replace('""', '"'), help_)
        for value, help_ in re.findall(r'"((?:[^"]|"")*)"(?::"((?:[^"]|"")*)")?', out)
    ]


def values(cli: Cli, line: str) -> list[str]:
    return [value for value, _ in complete(cli, line)]


@sqlite_fast_path
def test_task_references_with_titles_as_help(cli: Cli, data: Path) -> None:
    items = complete(cli, "amtui task done T")
    assert [v for v, _ in items] == ["T3", "T1"]  # open ones only, newest first
    assert items[1][1] == "Send estimate · To do"
    assert values(cli, "amtui task show T") == ["T3", "T1", "T2"]  # done ones too, after
    assert values(cli, "amtui task done 1") == ["1"]  # a bare number, as typed
    assert values(cli, "amtui task done t") == ["t3", "t1"]
    assert values(cli, "amtui task done L") == []


@sqlite_fast_path
def test_every_kind_of_reference_where_it_is_expected(cli: Cli, data: Path) -> None:
    assert values(cli, "amtui show ") == [
        "T3",
        "T1",
        "T2",
        "L1",
        "C4",
        "C3",
        "C2",
        "C1",
        "C5",
        "R1",
    ]
    assert values(cli, "amtui show L") == ["L1"]
    assert values(cli, "amtui lead respond ") == ["L1"]
    assert values(cli, "amtui remind done ") == ["R1"]
    assert values(cli, "amtui remind add Call --at tomorrow --about L") == ["L1"]
    assert values(cli, "amtui add Card --parent ") == ["T3", "T1"]
    assert values(cli, "amtui add Card --lead ") == ["L1"]
    assert values(cli, "amtui lead stage L1 ") == [
        "contacted",
        "briefed",
        "proposal-sent",
        "negotiating",
    ]
    assert values(cli, "amtui lead add X --channel we") == ["web-brief"]
    assert values(cli, "amtui add X --pri u") == ["urgent"]


@pytest.mark.parametrize(
    "line",
    [
        "amtui agenda --client ",
        "amtui task list --client ",
        "amtui add X --client ",
        "amtui lead add X --client ",
        "amtui lead win L1 --client ",
        "amtui client show ",
        "amtui client edit ",
        "amtui contact add ",
        "amtui contact list ",
    ],
)
@sqlite_fast_path
def test_client_names_where_a_client_is_asked_for(cli: Cli, data: Path, line: str) -> None:
    offered = complete(cli, line)
    # A word of each active client's name that picks it alone (Blue is not: Bluebird).
    assert offered == [
        ("Harbor", "Blue Harbor Hotels (C2)"),
        ("Bluebird", "Bluebird (C3)"),
        ("Kettle", "Kettle Studio (C1)"),
        ("Гранель", "Гранель (C4)"),
    ]


@sqlite_fast_path
def test_client_names_continue_what_was_typed_and_pick_what_they_say(cli: Cli, data: Path) -> None:
    assert complete(cli, "amtui agenda --client kett") == [("kettle", "Kettle Studio (C1)")]
    assert values(cli, "amtui agenda --client гр") == ["гранель"]
    assert values(cli, "amtui agenda --client blue") == ["bluebird"]  # "blue" alone is two
    assert values(cli, "amtui agenda --client C") == ["C4", "C3", "C2", "C1", "C5"]  # archived last
    # Every value offered picks, through the real matcher, the client its help names.
    for value, help_ in complete(cli, "amtui agenda --client "):
        shown = cli.json("client", "show", value)
        assert help_ == f"{shown['name']} ({shown['ref']})"


@sqlite_fast_path
def test_hostile_titles_reach_the_shell_as_one_safe_line(cli: Cli, data: Path) -> None:
    from amtui.cli.main import app

    for shell in ("zsh", "fish", "bash"):
        result = cli.runner.invoke(
            app,
            [],
            prog_name="amtui",
            env={
                "_AMTUI_COMPLETE": f"complete_{shell}",
                "_TYPER_COMPLETE_ARGS": "amtui task done T",
                "_TYPER_COMPLETE_FISH_ACTION": "get-args",
                "COMP_WORDS": "amtui task done T",
                "COMP_CWORD": "3",
            },
        )
        assert result.exit_code == 0 and "Traceback" not in result.stdout
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    help_ = dict(complete(cli, "amtui task done T"))["T3"]
    assert "[bold]markup[/" in help_ and "2J" in help_ and "u202eexe" in help_


@sqlite_fast_path
def test_completion_never_writes_nor_creates(cli: Cli, data: Path, tmp_path: Path) -> None:
    before = digest(data)
    siblings = sorted(p.name for p in data.parent.iterdir())
    for line in ("amtui task done T", "amtui agenda --client ", "amtui show "):
        complete(cli, line)
    assert digest(data) == before
    assert sorted(p.name for p in data.parent.iterdir()) == siblings  # no -wal, no -shm
    missing = tmp_path / "nowhere" / "amtui.db"
    assert complete(cli, f"amtui --db {missing} task done T") == []
    assert complete(cli, "amtui task done T", AMTUI_DB=str(missing)) == []
    assert not missing.parent.exists()


@sqlite_fast_path
def test_completion_reads_the_database_the_command_line_names(
    cli: Cli, data: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.db"
    cli.ok("--db", str(other), "add", "Elsewhere")
    assert complete(cli, f"amtui --db {other} task done T") == [("T1", "Elsewhere · To do")]


@sqlite_fast_path
@pytest.mark.parametrize("content", [b"not a database\n" * 100, b""])
def test_an_unreadable_database_completes_nothing_quietly(
    cli: Cli, db_path: Path, content: bytes
) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.write_bytes(content)
    assert complete(cli, "amtui task done T") == []
    assert complete(cli, "amtui agenda --client ") == []
    assert db_path.read_bytes() == content


def test_a_postgresql_url_completes_nothing(cli: Cli) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    assert complete(cli, "amtui task done T", AMTUI_DB=url) == []


def in_shell(monkeypatch: pytest.MonkeyPatch, shell: str) -> None:
    """Run as from `shell`: Typer asks shellingham for the shell amtui was started from, which
    a test run started outside a shell (a CI job, cron, a detached process) does not have."""
    import typer._completion_shared
    import typer.completion

    for module in (typer.completion, typer._completion_shared):
        monkeypatch.setattr(module, "_get_shell_name", lambda: shell)


def test_show_and_install_completion(cli: Cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for shell, own in [
        ("bash", "complete -o default -F"),
        ("zsh", "#compdef amtui"),
        ("fish", "complete --command amtui"),
    ]:
        in_shell(monkeypatch, shell)
        script = cli.ok("--show-completion", shell)
        assert "_AMTUI_COMPLETE" in script
        assert own in script
    in_shell(monkeypatch, "bash")
    monkeypatch.setenv("HOME", str(tmp_path))
    result = cli("--install-completion", "bash")
    assert result.exit_code == 0, result.stderr
    assert "_AMTUI_COMPLETE" in (tmp_path / ".bash_completions" / "amtui.sh").read_text()
    assert ".bash_completions/amtui.sh" in (tmp_path / ".bashrc").read_text()


HELP_TEXTS = [
    "Send estimate · To do",
    "Evil \\[bold]markup\\[/ ⧵ · To do",
    "[bold]markup[/bold] and [red]colour[/] and [/ unclosed",
    "emoji :smile: :thumbs_up: and :not_an_emoji: codes",
    "Гранель · Kettle Studio (C1) — 東京 ✓",
    "a long title " * 12,
    "tabs\tand  double  spaces",
    "",
    "trailing newline\n",
]


@pytest.mark.parametrize(
    "env",
    [{}, {"TERMINAL_WIDTH": "30"}, {"COLUMNS": "25"}, {"FORCE_COLOR": "1"}, {"TERM": "dumb"}],
    ids=lambda env: ",".join(env) or "default",
)
def test_completion_help_renders_as_typer_renders_it(env: dict[str, str]) -> None:
    """zsh, fish and PowerShell show each item's help after Typer renders it through Rich;
    amtui renders it with Rich's console alone (no typer.rich_utils): the same text."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from amtui.cli.completion import render_help\n"
        "from typer.rich_utils import rich_render_text\n"
        "texts = json.loads(sys.argv[1])\n"
        "print(json.dumps([[render_help(t), rich_render_text(t)] for t in texts]))\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "TERMINAL_WIDTH")}
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(HELP_TEXTS)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for ours, typers in json.loads(result.stdout):
        assert ours == typers


def test_a_tab_does_not_load_typers_rich_help(tmp_path: Path) -> None:
    """Completing loads Rich's console for the help, not typer.rich_utils (Markdown, Pygments)."""
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        _AMTUI_COMPLETE="complete_zsh",
        _TYPER_COMPLETE_ARGS="amtui ",
        AMTUI_DB=str(tmp_path / "none.db"),
        PYTHONPROFILEIMPORTTIME="1",
    )
    result = subprocess.run(
        [sys.executable, "-m", "amtui"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"agenda":"Print the day' in result.stdout
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "rich.console" in modules
    assert not {"typer.rich_utils", "rich.markdown", "pygments"} & modules
