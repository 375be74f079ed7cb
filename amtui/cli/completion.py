"""Shell completion (Typer's `--install-completion` / `--show-completion`) for references and
client names: `amtui task done T<Tab>` offers open tasks with their titles as help,
`--client kett<Tab>` offers `kettle` (Kettle Studio).

Completion runs on every Tab, so it must be cheap and harmless: it reads SQLite with the
standard library's sqlite3 (no SQLAlchemy: ~3 ms instead of ~150), read-only, never creates
the database or its side files (a database with no WAL in use is opened `immutable`, which
writes nothing), gives up after 200 ms on a lock, answers nothing for a PostgreSQL URL, and
swallows every error (a traceback in the middle of a command line helps nobody). Titles come
from outside, so they are made one safe line (`text.one_line`) and Rich markup in them is
escaped (Typer renders completion help through Rich).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from pathlib import Path
from typing import Any

Item = tuple[str, str]
#: At most this many completions: a shell lists them all, and a menu of 5 000 helps nobody.
MOST = 50
#: A client-name completion is offered as typed only when the shell can take it unquoted.
_SHELL_SAFE = re.compile(r"[\w.+@-]+")


def _database(ctx: Any) -> Path | None:
    """The SQLite file this command line would use (--db, AMTUI_DB, the config's db, the
    default), if it exists; None for PostgreSQL or anything else."""
    root = ctx.find_root() if ctx is not None else None
    target = (root.params.get("db") if root is not None else None) or os.environ.get("AMTUI_DB")
    if not target:
        target = _configured_db()
    if not target:
        from amtui.core.config import default_db_path

        target = str(default_db_path())
    if "://" in target:
        if not target.startswith("sqlite:///"):
            return None
        target = target.removeprefix("sqlite:///")
    path = Path(target).expanduser()
    return path if path.is_file() else None


def _configured_db() -> str | None:
    import tomllib

    from amtui.core.config import config_path

    with suppress(OSError, ValueError, tomllib.TOMLDecodeError):
        value = tomllib.loads(config_path().read_text(encoding="utf-8")).get("db")
        return value if isinstance(value, str) and value.strip() else None
    return None


def _rows(ctx: Any, sql: str, *params: object) -> list[tuple[Any, ...]]:
    path = _database(ctx)
    if path is None:
        return []
    # A database another amtui has open has its WAL beside it: read it (read-only, the side
    # files exist already). Otherwise the file is complete on its own: `immutable` reads it
    # without creating the WAL and shared-memory files a read-only WAL open would create.
    in_use = Path(f"{path}-wal").exists()
    mode = "mode=ro" if in_use else "mode=ro&immutable=1"
    import sqlite3  # ~2 ms: only when completing

    with suppress(sqlite3.Error, OSError):
        uri = f"{path.resolve().as_uri()}?{mode}"
        with closing(sqlite3.connect(uri, uri=True, timeout=0.2)) as conn:
            return conn.execute(sql, params).fetchall()
    return []


def _help(text: object) -> str:
    from amtui.core.text import one_line

    line = one_line(str(text or ""))
    line = line if len(line) <= 70 else line[:69] + "…"
    # Typer renders completion help as Rich markup (a backslash escapes a bracket there) and
    # zsh reads it inside a quoted spec, where a backslash would escape the closing quote.
    return line.replace("\\", "\u29f5").replace("[", "\\[")


def _safely(complete: Callable[[Any, str], Iterator[Item]]) -> Callable[..., list[Item]]:
    """A Typer `autocompletion` callback that never raises and never lists too much."""

    def callback(ctx: Any, incomplete: str) -> list[Item]:
        try:
            items = []
            for item in complete(ctx, incomplete or ""):
                items.append(item)
                if len(items) >= MOST:
                    break
            return items
        except Exception:  # completion must never print a traceback into a command line
            return []

    callback.__name__ = complete.__name__
    return callback


# --- rendering the help that zsh, fish and PowerShell show ------------------------------------


def render_help(text: str) -> str:
    """A completion item's help as Typer renders it (`typer.rich_utils.rich_render_text`:
    Rich markup and emoji codes resolved, wrapped at the console's width), with Rich's console
    alone: ~15 ms of imports on a Tab instead of ~50 (`typer.rich_utils` also loads Rich's
    Markdown, Syntax and Traceback, and Pygments). tests/cli/test_completion.py holds the two
    equal."""
    return "".join(segment.text for segment in _console().render(text)).rstrip("\n")


@functools.cache
def _console() -> Any:
    from rich.console import Console

    # typer.rich_utils' console, less its theme and highlighter (styles only, never text).
    width = os.getenv("TERMINAL_WIDTH")
    force_terminal: bool | None = None
    if os.getenv("GITHUB_ACTIONS") or os.getenv("FORCE_COLOR") or os.getenv("PY_COLORS"):
        force_terminal = True
    if os.getenv("_TYPER_FORCE_DISABLE_TERMINAL"):
        force_terminal = False
    return Console(
        color_system="auto", force_terminal=force_terminal, width=int(width) if width else None
    )


def use_light_rendering() -> None:
    """Render completion help with `render_help` (called only when the shell asks for
    completions). Typer's shell classes call their module's `_sanitize_help_text`; a Typer
    without it keeps its own rendering."""
    from typer import _completion_classes

    if hasattr(_completion_classes, "_sanitize_help_text"):
        _completion_classes._sanitize_help_text = render_help


# --- references ---------------------------------------------------------------------------------

#: kind letter → (table, title column, "open first" SQL expression, detail column)
_REFS = {
    "T": ("task", "title", "done_at IS NULL", '"column"'),
    "L": ("lead", "title", "stage NOT IN ('won', 'lost')", "stage"),
    "C": ("client", "name", "NOT archived", "NULL"),
    "R": ("reminder", "text", "done_at IS NULL", "kind"),
}


def _references(
    ctx: Any, incomplete: str, kinds: str, *, open_only: bool = False
) -> Iterator[Item]:
    """`T12` (`t12` or `12`, as typed) with the title as help: open ones first, newest first.
    A bare number is completed only where the kind is known (`task done 12`)."""
    typed = incomplete.strip()
    letter = typed[:1].upper() if typed[:1].isalpha() else ""
    digits = typed[1:] if letter else typed
    if (letter and letter not in kinds) or (digits and not digits.isdigit()):
        return
    if not letter and digits and len(kinds) > 1:
        return
    for kind in letter or kinds:
        table, title, is_open, detail = _REFS[kind]
        states = [is_open] if open_only else [is_open, f"NOT ({is_open})"]
        for state in states:  # each walks the primary key backwards and stops early
            sql = (
                f"SELECT id, {title}, {detail} FROM {table} "
                f"WHERE {state} AND CAST(id AS TEXT) LIKE ? || '%' ORDER BY id DESC LIMIT {MOST}"
            )
            for record_id, text, extra in _rows(ctx, sql, digits):
                prefix = typed[:1] if letter else ("" if digits else kind)
                note = f"{text} · {extra}" if extra else text
                yield f"{prefix}{record_id}", _help(note)


def _completer(kinds: str, *, open_only: bool = False) -> Callable[..., list[Item]]:
    def complete(ctx: Any, incomplete: str) -> Iterator[Item]:
        return _references(ctx, incomplete, kinds, open_only=open_only)

    complete.__name__ = f"complete_{kinds.lower()}_references"
    return _safely(complete)


task_references = _completer("T")
open_task_references = _completer("T", open_only=True)
lead_references = _completer("L")
open_lead_references = _completer("L", open_only=True)
reminder_references = _completer("R")
open_reminder_references = _completer("R", open_only=True)
any_references = _completer("TLCR")
subject_references = _completer("LCT")  # what a reminder can be about


# --- client names -------------------------------------------------------------------------------


def _client_names(ctx: Any, incomplete: str) -> Iterator[Item]:
    """For each active client: a word of its name that picks it alone (what
    `lookup.match_client_names` does with it), continuing the text as typed (`kett` →
    `kettle`); its reference where no such word is safe to put on a command line unquoted."""
    from amtui.core.names import ClientName, match_client_names  # no SQLAlchemy: ~3 ms

    typed = incomplete.strip()
    if re.fullmatch(r"[Cc][0-9]*", typed):
        yield from _references(ctx, typed, "C")
        return
    rows = _rows(ctx, "SELECT id, name, archived FROM client ORDER BY archived, name_key")
    names = [ClientName(int(i), str(n), bool(a)) for i, n, a in rows]
    for client in names:
        if client.archived:
            continue
        words = [
            w
            for w in re.findall(r"\w[\w.+@-]*", client.name)
            if w.casefold().startswith(typed.casefold())
        ]
        if not words and typed:
            continue
        label = _help(f"{client.name} ({client.ref})")
        for word in words:
            value = typed + word[len(typed) :]
            picked = match_client_names(names, value).client
            if _SHELL_SAFE.fullmatch(value) and picked is not None and picked.id == client.id:
                yield value, label
                break
        else:
            yield client.ref, label


client_names = _safely(_client_names)


# --- fixed vocabularies -------------------------------------------------------------------------


def choices(*words: str) -> Callable[..., list[Item]]:
    """Completion for a fixed set of words (stages, channels, kinds…)."""

    def complete(ctx: Any, incomplete: str) -> Iterator[Item]:
        return ((word, "") for word in words if word.startswith(incomplete.lower()))

    return _safely(complete)
