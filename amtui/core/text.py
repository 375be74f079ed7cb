"""Untrusted text helpers (DESIGN §8): visible escapes, one-line forms and search keys.

Lead titles, names and notes come from outside. Front ends render them as data; these helpers
make sure no control sequence reaches a terminal and that matching works in any script.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate
# characters that can reorder what a terminal shows (Trojan Source).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def clean(text: str) -> str:
    """Return `text` with every control character (but newline and tab) as a visible escape."""
    return _UNSAFE.sub(_escape, text)


def one_line(text: str) -> str:
    """Like `clean`, but newlines and tabs become spaces: for list rows and table cells."""
    text = text.replace("\r\n", "\n")
    text = re.sub(r"[\n\t]+", " ", text)
    return _UNSAFE_ONE_LINE.sub(_escape, text)


def fold(text: str) -> str:
    """A case-insensitive key in any script: NFKC-normalised, case-folded, trimmed.

    "Гранель" and "гранель" share a key, so do "Straße" and "STRASSE".
    """
    return unicodedata.normalize("NFKC", text).casefold().strip()


_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: str) -> str:
    """Neutralise a CSV cell a spreadsheet would run as a formula (prefix it with a quote)."""
    return "'" + cell if cell.startswith(_CSV_TRIGGERS) else cell
