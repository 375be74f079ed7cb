"""Rendering for the CLI: tables as text, Markdown or JSON; errors as one line on stderr.

Every cell passes through `one_line` (DESIGN §8), and Rich is used with markup off, so no
lead name or email subject can style the terminal or smuggle a control sequence onto it.
Colour appears only on a terminal and never with NO_COLOR (`styled()`).

Typer is imported only by the functions that make or use its objects: the fast path
(`amtui.cli.fast`) prints through this module without loading it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from amtui.core.errors import AmtuiError, InputError
from amtui.core.structs import struct
from amtui.core.text import (
    clean,
    is_plain,
    json_needs_escapes,
    markdown,
    one_line,
    unsafe_in_json,
)


class Format(StrEnum):
    TEXT = "text"
    MD = "md"
    JSON = "json"


FORMAT_HELP = "Output format: text (aligned columns), md (a Markdown table) or json."
#: Upper bounds of the numeric options, so a huge number is a usage error (exit 2) rather
#: than an overflow deep in SQLite or date arithmetic.
MAX_LIMIT = 1_000_000
MAX_DAYS = 3660  # ten years of upcoming deadlines


def format_option() -> Any:
    import typer

    return typer.Option(Format.TEXT, "--format", "-f", help=FORMAT_HELP, case_sensitive=False)


OWNER_HELP = (
    "Whose records: a member's handle or name, me, none (nobody's yet) or all "
    "(default: yours once the team has members and `me` is set)."
)


def owner_option(default: str = "yours once the team has members and `me` is set") -> Any:
    """`--owner NAME|me|none|all` of the lists, the agenda and `remind due` (`default`: what
    no `--owner` shows, when it is not the usual)."""
    import typer

    text = OWNER_HELP.replace("yours once the team has members and `me` is set", default)
    return typer.Option(None, "--owner", help=text, show_default=False)


def new_owner_option(default: str) -> Any:
    """`--owner NAME|me|none` of the commands that add a lead or a task."""
    import typer

    return typer.Option(
        None,
        "--owner",
        help=f"Whose it is: a member's handle or name, me, or none (nobody's yet); "
        f"default: {default}.",
        show_default=False,
    )


def limit_option(
    default: int = 200, help: str = "At most this many (0: no limit).", minimum: int = 0
) -> Any:
    """`--limit N` of every list, bounded so a huge number is a usage error (exit 2)."""
    import typer

    return typer.Option(default, "--limit", help=help, min=minimum, max=MAX_LIMIT)


@struct(frozen=True)
class Cell:
    """A table cell with an optional Rich style name used only on a colour terminal."""

    text: str
    style: str | None = None


CellLike = str | Cell | None

#: How the CLI shows each `amtui.core.describe.Tone` on a colour terminal.
TONE_STYLES = {
    "late": "bold red",
    "warning": "yellow",
    "accent": "cyan",
    "strong": "bold",
    "muted": "dim",
    "normal": None,
}
_TONE_WEIGHT = ("muted", "normal", "strong", "accent", "warning", "late")


def toned(parts: Iterable[Any]) -> Cell:
    """A cell from core's wording (`describe` parts): its words, styled by its strongest tone
    (a late deadline colours the whole cell)."""
    parts = list(parts)
    tones = [str(part.tone) for part in parts if part.text.strip()] or ["normal"]
    strongest = max(tones, key=_TONE_WEIGHT.index)
    return Cell("".join(part.text for part in parts), TONE_STYLES[strongest])


def is_terminal(stream: Any) -> bool:
    """True for a stream on a terminal; False off one, and for a stream the shell closed
    (`<&-`, `>&-` leave Python's sys.stdin/sys.stdout as None)."""
    try:
        return stream is not None and bool(stream.isatty())
    except (ValueError, OSError):  # closed under us
        return False


def styled() -> bool:
    """Colour and bold only on a terminal, and never with NO_COLOR set: otherwise plain text
    without a single escape sequence (README, "The agenda")."""
    return is_terminal(sys.stdout) and not os.environ.get("NO_COLOR")


def _text(cell: CellLike) -> str:
    if cell is None:
        return ""
    return one_line(cell.text if isinstance(cell, Cell) else cell)


def _console(stderr: bool = False) -> Any:
    from rich.console import Console  # ~10 ms; only when something is printed

    return Console(stderr=stderr, markup=False, highlight=False, emoji=False, soft_wrap=True)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[CellLike]], fmt: Format) -> None:
    """Print rows as aligned text (Rich on a terminal), or as a Markdown table."""
    if fmt is Format.MD:
        print_markdown_table(headers, rows)
        return
    if styled():
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(
                *(Text(_text(c), style=(c.style or "") if isinstance(c, Cell) else "") for c in row)
            )
        _console().print(table)
        return
    texts = _cell_texts(rows)
    widths = [max(map(len, column)) for column in zip(headers, *texts, strict=True)]
    print(
        "\n".join(
            "  ".join([t.ljust(w) for t, w in zip(line, widths, strict=True)]).rstrip()
            for line in [list(headers), *texts]
        )
    )


def _cell_texts(rows: Sequence[Sequence[CellLike]]) -> list[list[str]]:
    """Each cell's text as `one_line` makes it; when the whole table has nothing to escape
    (the usual case), that is checked once rather than per cell (`task list` has 1 600)."""
    raw = [["" if c is None else c.text if isinstance(c, Cell) else c for c in row] for row in rows]
    # A tab or newline inside a cell is not printable, so joining cells with a space hides
    # nothing that one_line would change in one of them.
    if is_plain(" ".join([" ".join(row) for row in raw])):
        return raw
    return [[one_line(t) for t in row] for row in raw]


def print_markdown_table(headers: Sequence[str], rows: Sequence[Sequence[CellLike]]) -> None:
    """A GitHub-style table; every cell is literal text (`text.markdown`), so a lead called
    `<img src=x onerror=…>` or `[x](javascript:…)` reaches a mail client as those characters."""
    print("| " + " | ".join(markdown(h) for h in headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(markdown(_text(c)) for c in row) + " |")


def to_json(data: Any) -> str:
    """JSON that keeps any script readable yet can never carry a terminal control sequence
    or an invisible character: json.dumps escapes C0 controls, and DEL, C1, bidi controls,
    zero-width and other format characters are escaped here (the data decodes unchanged)."""
    from amtui.cli.json_text import dumps  # only for --format json

    # json.dumps(data, ensure_ascii=False, indent=2), faster; what is not ASCII is checked
    # string by string (most need nothing: no regex to compile or run), and DEL, which is
    # ASCII, in the whole text at once.
    text = dumps(data, indent=2, wide=_escape_wide)
    if "\x7f" in text:
        return unsafe_in_json().sub(_json_escape, text)
    return text


def _escape_wide(encoded: str) -> str:
    """A JSON string that is not ASCII, with the characters `unsafe_in_json` names escaped."""
    if json_needs_escapes(encoded):
        return unsafe_in_json().sub(_json_escape, encoded)
    return encoded


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # JSON spells astral characters as a pair
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def print_json(data: Any) -> None:
    print(to_json(data))


def say(message: str, style: str | None = None) -> None:
    """A short confirmation on stdout (`Added T12 …`), cleaned of control characters."""
    if style and styled():
        from rich.text import Text

        _console().print(Text(clean(message), style=style))
    else:
        print(clean(message))


def report(error: AmtuiError) -> int:
    """An error a user caused, as every command reports it: one line on stderr (DESIGN §6);
    returns its exit code."""
    print(f"amtui: {one_line(str(error))}", file=sys.stderr)
    return error.exit_code


def note(message: str) -> None:
    """A diagnostic on stderr."""
    print(clean(message), file=sys.stderr)


def undo_hint() -> None:
    """After a delete, on a terminal: how to get it back (scripts see nothing extra)."""
    if is_terminal(sys.stderr):
        note("amtui undo brings it back.")


def heading(title: str, fmt: Format) -> None:
    if fmt is Format.MD:
        print(f"\n## {markdown(title)}\n")
    elif styled():
        from rich.text import Text

        _console().print(Text(one_line(title), style="bold"))
    else:
        print(one_line(title))


def confirm(question: str, *, yes: bool) -> None:
    """Ask before destroying data; scripts must say --yes. Declining exits 1 (nothing done)."""
    if yes:
        return
    if not is_terminal(sys.stdin):
        raise InputError(
            "refusing to delete without confirmation; add --yes when not on a terminal"
        )
    import typer

    # The question goes to stderr: with stdout sent to a file or a pipe it is still seen.
    if not typer.confirm(clean(question), default=False, err=True):
        note("Nothing deleted.")
        raise typer.Exit(1)
