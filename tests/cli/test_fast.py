"""The fast path (`amtui.cli.fast`, issue 9): the hot commands run without Typer, and nobody
can tell the difference.

- Every declaration in `amtui.cli.hot.HOT` is its Typer command's parameters: the same names,
  spellings, types, bounds, defaults, flags and arguments (a new option on the Typer command
  fails here until the fast path knows it; until then such a command line goes to Typer).
- A set of command lines, good and bad, gives byte-identical stdout, stderr and exit code, and
  the same database afterwards, through `run()` with and without the fast path; each is known
  to take the path it should (the fast path, or Typer for what the fast path hands over).
- Run as a process, the fast path loads neither Typer nor Click (tests/cli/test_no_orm.py).
"""

from __future__ import annotations

import os
import shlex
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from amtui.cli.fast import Hot, Option, parse
from amtui.cli.hot import HOT
from amtui.core.db import Database
from tests.cli.conftest import Cli, Target, build_template, click_command, use_template
from tests.parity import dump

# --- the declarations are the Typer commands' parameters --------------------------------------


def typer_command(words: tuple[str, ...]) -> Any:
    command = click_command()
    for word in words:
        command = command.commands[word]
    return command


def described(option: Option) -> dict[str, Any]:
    """What the fast path assumes of an option, in the terms of a Typer parameter."""
    return {
        "name": option.name,
        "flags": sorted(option.flags),
        "secondary": [],
        "annotation": "bool" if option.type is bool else option.type.__name__,
        "min": option.minimum,
        "max": option.maximum,
        "default": option.default,
        "multiple": option.multiple,
        "flag": option.type is bool,
        "case_sensitive": not issubclass(option.type, Enum),  # choices: any case
    }


def of_typer(param: Any) -> dict[str, Any]:
    descriptor = param.type_descriptor
    annotation = descriptor.annotation
    if getattr(annotation, "__origin__", None) is list:  # a repeatable option
        (annotation,) = annotation.__args__
    return {
        "name": param.name,
        "flags": sorted(param.opts),
        "secondary": param.secondary_opts,
        "annotation": annotation.__name__,
        "min": param.min,
        "max": param.max,
        "default": param.default,
        "multiple": param.multiple,
        "flag": param.is_flag,
        "case_sensitive": descriptor.parameter_info.case_sensitive,
    }


HOT_PATHS = [(hot, words) for hot in HOT for words in hot.words]


@pytest.mark.parametrize("hot, words", HOT_PATHS, ids=[" ".join(w) for _, w in HOT_PATHS])
def test_each_declaration_is_its_typer_commands_parameters(
    hot: Hot, words: tuple[str, ...]
) -> None:
    command = typer_command(words)
    params = {param.name: param for param in command.params}
    for param in params.values():
        # Nothing the fast path does not do: no callbacks, environment variables, prompts,
        # eager or hidden-value parameters, counts or clamped ranges.
        assert param.callback is None and param.envvar is None, param.name
        assert not param.is_eager and param.expose_value, param.name
        assert param.type_descriptor.parameter_info.parser is None, param.name
        assert not getattr(param, "count", False) and not getattr(param, "prompt", None)
        assert not getattr(param.type_descriptor.parameter_info, "clamp", False)
    arguments = [param for param in params.values() if param.param_type_name == "argument"]
    if hot.argument is None:
        assert arguments == []
    else:
        (argument,) = arguments
        assert argument.name == hot.argument.name
        assert argument.nargs == -1 and argument.required  # one or more words
    options = {name: p for name, p in params.items() if p.param_type_name == "option"}
    assert sorted(options) == sorted(option.name for option in hot.options)
    for option in hot.options:
        assert described(option) == of_typer(options[option.name]), option.name
        assert options[option.name].nargs == 1 and not options[option.name].required


def test_the_help_options_are_not_on_the_fast_path() -> None:
    """--help and -h belong to Typer; no hot command may take those spellings."""
    for hot in HOT:
        assert not any(hot.spelled(flag) for flag in ("--help", "-h", "--version"))


# --- the same bytes through both paths ---------------------------------------------------------


def build(cli: Cli) -> None:
    cli.ok("client", "add", "Granel", "--tz", "America/New_York")  # C1
    cli.ok("add", "Send estimate due:today 15:00 client:Granel +urgent @copywriter")  # T1
    cli.ok("add", "Storyboard due:yesterday")  # T2: overdue
    cli.ok("add", "Brief call due:tomorrow client:Granel")  # T3
    cli.ok("add", "Monthly report due:2026-11-20 rec:+1m")  # T4: recurring, overdue
    cli.ok("lead", "add", "Website", "--client", "Granel")  # L1: waiting for a first answer
    cli.ok("remind", "add", "Call Anna", "--at", "2026-11-24 10:00", "--about", "L1")  # R1: due


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build, "fast")


#: (command line, whether the fast path runs it). `{db}` is the test's database.
CASES: list[tuple[str, bool]] = [
    ("agenda", True),
    ("agenda --format json", True),
    ("agenda -f md", True),
    ("agenda --format=JSON", True),
    ("agenda --format Md", True),
    ("agenda --days 3 --limit 1", True),
    ("agenda --limit=0 --days=0", True),
    ("agenda --date 2026-11-26", True),
    ("agenda --date tomorrow --format md", True),
    ("agenda --date ''", True),
    ("agenda --date bogus", True),
    ("agenda --client Granel --format json", True),
    ("agenda --client C1", True),
    ("agenda --client Nobody", True),
    ("agenda --owner all", True),
    ("agenda --owner none --format json", True),
    ("agenda --owner ghost", True),
    ("agenda --format json --format text", True),
    ("--db {db} agenda", True),
    ("--db={db} agenda --days 1", True),
    ("agenda --days x", False),
    ("agenda --days -1", False),
    ("agenda --days 99999", False),
    ("agenda --limit +5", False),
    ("agenda --limit 1_0", False),
    ("agenda --format xml", False),
    ("agenda --format", False),
    ("agenda --days", False),
    ("agenda -fjson", False),
    ("agenda extra", False),
    ("agenda --bogus", False),
    ("agenda --quiet", False),
    ("agenda --help", False),
    ("agenda -h", False),
    ("agenda --db {db}", False),
    ("agenda -- x", False),
    ("agenda -", False),
    ("--version agenda", False),
    ("--db", False),
    ("agend", False),
    ("add 'Call back due:fri 15:00 client:Granel +x @copywriter'", True),
    ("add Call back --due tomorrow --tag a --tag b -q", True),
    ("task add Storyboard v2 --col backlog --pri high --notes n --estimate 2h --assignee x", True),
    ("add 'Quote for Granel' --client Granel --lead L1", True),
    ("add Sub --parent T1", True),
    ("add Rent --rec +1m --due fri", True),
    ("add 'Brief owner:none' --owner none", True),
    ("add x --owner ghost", True),
    ("add x --pri bogus", True),
    ("add x --due someday", True),
    ("add 'x client:C99'", True),
    ("add", False),
    ("add -q", False),
    ("add x --quiet=1", False),
    ("add x --tag", False),
    ("add x -- -y", False),
    ("add --help", False),
    ("task done T1", True),
    ("task done T1 T2", True),
    ("task done T4", True),
    ("task done 3", True),
    ("task done T999", True),
    ("task done T1 T999", True),
    ("task done bogus", True),
    ("task done", False),
    ("task done -T1", False),
    ("remind due", True),
    ("remind due --format json", True),
    ("remind due -f md --owner all", True),
    ("remind due --notify", True),
    ("remind due --notify=yes", False),
    ("remind due x", False),
    ("remind list", False),
    ("--help", False),
    ("", False),
]


def invoke(argv: list[str], fast: bool, capsys: pytest.CaptureFixture[str]) -> tuple[Any, ...]:
    from amtui.cli.main import run

    saved = sys.argv
    sys.argv = ["amtui", *argv]
    try:
        run(fast_exit=False, fast_path=fast)
        code: Any = 0
    except SystemExit as done:
        code = done.code
    finally:
        sys.argv = saved
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("line, fast", CASES, ids=[line or "(nothing)" for line, _ in CASES])
def test_both_paths_print_the_same_and_leave_the_same_data(
    line: str,
    fast: bool,
    cli: Cli,
    template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store: Target,
) -> None:
    db = store
    argv = [word.replace("{db}", str(db)) for word in shlex.split(line)]
    assert (parse(argv) is not None) is fast
    monkeypatch.setenv("PATH", str(tmp_path))  # `--notify`: no notify-send to be found
    results = []
    for path in (True, False):
        use_template(template, db)
        capsys.readouterr()
        code, out, err = invoke(argv, path, capsys)
        database = Database(db)
        try:
            records = dump(database)
        finally:
            database.dispose()
        results.append((code, out, err, records))
    fast_result, typer_result = results
    assert fast_result[:3] == typer_result[:3]
    assert fast_result[3] == typer_result[3]
    assert "Traceback" not in fast_result[2]
    assert fast_result[0] in (0, 1, 2, 3)


def test_the_cases_cover_every_hot_command_and_option() -> None:
    """Each hot command, and each of its options, is run by at least one case above."""
    lines = [shlex.split(line) for line, fast in CASES if fast]
    for hot in HOT:
        calls = [call for call in (parse(argv) for argv in lines) if call and call.hot is hot]
        assert calls, hot.words
        for option in hot.options:
            assert any(
                call.values[option.name] not in (option.default, None, []) for call in calls
            ), (hot.words, option.name)


def test_a_closed_pipe_ends_as_typer_ends_it(template: Path, store: Target) -> None:
    """`amtui agenda | true`: the reader is gone before the first line is written (unbuffered
    output, so the print itself fails): the same exit status and stderr on both paths."""
    import subprocess

    db = store
    use_template(template, db)
    root = Path(__file__).resolve().parents[2]
    outcomes = []
    for fast in ("True", "False"):
        code = (
            "import sys; sys.argv = ['amtui', 'agenda', '--limit', '0', '--days', '3660']\n"
            "from amtui.cli.main import run\n"
            f"run(fast_path={fast})\n"
        )
        env = dict(
            os.environ, PYTHONPATH=str(root), AMTUI_DB=str(db), NO_COLOR="1", PYTHONUNBUFFERED="1"
        )
        script = f"{shlex.quote(sys.executable)} -c {shlex.quote(code)} | true"
        done = subprocess.run(
            ["bash", "-c", f"{script}; exit ${{PIPESTATUS[0]}}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        outcomes.append((done.returncode, done.stderr))
    assert outcomes[0] == outcomes[1]
