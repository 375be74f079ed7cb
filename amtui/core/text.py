"""Untrusted text helpers (DESIGN §8): visible escapes, one-line forms and search keys.

Lead titles, names and notes come from outside. Front ends render them as data; these helpers
make sure no control sequence reaches a terminal, that nothing invisible or direction-changing
hides in what a user reads, that Markdown output cannot carry markup from the data, and that
matching works in any script.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from amtui.core.patterns import lazy

# What is shown as a visible escape (`\x1b`, `\u202e`, `\U000e0041`):
# - C0 controls (but tab and newline in `clean`), DEL and C1 controls: they drive terminals;
# - every format character (Unicode category Cf, as of Unicode 14): bidi embeddings, overrides
#   and isolates (Trojan Source), zero-width spaces and joiners, word joiner, BOM, soft hyphen,
#   invisible operators, interlinear annotations, tag characters; and the line and paragraph
#   separators U+2028/2029, which some terminals and mail clients break lines on;
# - the Hangul fillers, letters that draw nothing (a favourite for blank-looking names).
# A test checks this class against `unicodedata` so a new Unicode version cannot slip past.
_INVISIBLE = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f\u1160\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000110bd"
    "\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
# Each class costs ~4 M instructions (~1 ms) to compile, and most commands never need one
# (printable ASCII is returned as it is), so they are compiled on first use.


@cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")


@cache
def _unsafe_one_line() -> re.Pattern[str]:
    return re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")


@cache
def unsafe_in_json() -> re.Pattern[str]:
    """What must be escaped in JSON beyond what json.dumps escapes itself (C0 controls): all
    of it but DEL lies beyond ASCII."""
    return re.compile(f"[\x7f-\x9f{_INVISIBLE}]")


def json_needs_escapes(text: str) -> bool:
    """Whether JSON text may hold a character `unsafe_in_json` matches. False (most text) is
    decided in C, without compiling or running that regex: the text's own line breaks are its
    only controls (a string's are escaped), and every character the pattern matches is either
    not printable or one of the printable fillers."""
    if text.isascii():
        return "\x7f" in text
    return not _nothing_to_escape(text.replace("\n", " "))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


#: The only characters of the classes above that `str.isprintable` calls printable (letters
#: of category Lo that draw nothing); every other one is a control (Cc), a format character
#: (Cf) or a line or paragraph separator, which it does not.
_PRINTABLE_INVISIBLE = ("\u115f", "\u1160", "\u3164", "\uffa0")


_FILLER_1, _FILLER_2, _FILLER_3, _FILLER_4 = _PRINTABLE_INVISIBLE


def _nothing_to_escape(text: str) -> bool:
    """True when `clean` and `one_line` would return `text` unchanged (most text): checked in
    C, without a regex run (four `in` tests rather than `any()` over a generator: the agenda
    asks this ~1 000 times, of names in any script)."""
    return text.isprintable() and (
        text.isascii()
        or (
            _FILLER_1 not in text
            and _FILLER_2 not in text
            and _FILLER_3 not in text
            and _FILLER_4 not in text
        )
    )


def is_plain(text: str) -> bool:
    """True when `clean` and `one_line` would both return `text` unchanged. The property
    holds for a concatenation exactly when it holds for each part, so one call can vouch
    for many strings joined with a space (`cli.output.print_table`)."""
    return _nothing_to_escape(text)


def clean(text: str) -> str:
    """Return `text` with every control, format or invisible character (but newline and tab)
    as a visible escape."""
    if _nothing_to_escape(text):
        return text
    return _unsafe().sub(_escape, text)


def one_line(text: str) -> str:
    """Like `clean`, but newlines and tabs become spaces: for list rows and table cells."""
    if _nothing_to_escape(text):
        return text
    text = text.replace("\r\n", "\n")
    text = re.sub(r"[\n\t]+", " ", text)
    return _unsafe_one_line().sub(_escape, text)


def fold(text: str) -> str:
    """A case-insensitive key in any script: NFKC-normalised, case-folded, trimmed.

    "Гранель" and "гранель" share a key, so do "Straße" and "STRASSE".
    """
    return unicodedata.normalize("NFKC", text).casefold().strip()


_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_CSV_MARK = "'"


def csv_safe(cell: str) -> str:
    """Neutralise a CSV cell a spreadsheet would run as a formula (`=cmd|…`, `+`, `-`, `@`,
    or a leading tab or CR) by prefixing a quote, which spreadsheets show as text. A cell that
    already starts with a quote gets one too, so `csv_restore` can always undo it."""
    return _CSV_MARK + cell if cell.startswith((*_CSV_TRIGGERS, _CSV_MARK)) else cell


def csv_restore(cell: str) -> str:
    """The original text of a cell `csv_safe` wrote: `csv_restore(csv_safe(t)) == t`."""
    return cell[1:] if cell.startswith(_CSV_MARK) else cell


# Inline Markdown: every ASCII punctuation mark that can start markup (emphasis, code, links,
# images, raw HTML and autolinks, tables, strikethrough, math), and `&` where it would begin
# an entity (`&#106;`, `&lt;`), is backslash-escaped, which CommonMark and GitHub render as
# the plain character.
_MARKDOWN_INLINE = lazy(r"([\\`*_\[\]()<>|~$!{}#]|&(?=#|[A-Za-z0-9]+;))")
# At the start of a line these would open a block: a list, a rule, a setext underline, an
# ordered list (`1.` → `1\.`); headings and quotes are covered by the inline escapes above.
_MARKDOWN_BLOCK = lazy(r"^(\s*)([-+=:]|\d+(?=[.)]))")


def markdown(text: str) -> str:
    """Untrusted text as one line of literal Markdown (a table cell, a list item, a heading):
    no raw HTML, link, image, code or emphasis can come from the data, and nothing invisible
    either (`one_line`). `<a href="javascript:…">` shows as typed, it never becomes a link."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", one_line(text))
    return _MARKDOWN_BLOCK.sub(_escape_block, escaped, count=1)


def _escape_block(match: re.Match[str]) -> str:
    space, mark = match.groups()
    if mark[0].isdigit():  # `1.` or `1)`: the punctuation after the number is what counts
        return f"{space}{mark}\\"
    return f"{space}\\{mark}"


def notification(text: str) -> str:
    """Untrusted text for a desktop notification body: notify-send (and the freedesktop
    daemons behind it) read a subset of HTML (`<b>`, `<a href>`, `<img>`), so `&`, `<` and
    `>` are entities; plus everything `one_line` makes visible."""
    return one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
