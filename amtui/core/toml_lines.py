"""The config file's simplest shape read without `tomllib`: every command reads the config,
and importing `tomllib` compiles its date and number regexes (~17 M instructions, 4% of
`amtui agenda`) before it reads a line.

`read_plain(text)` reads a document made only of blank lines, comments, `[table]` headers with
a bare name, and `key = value` lines with a bare key and a value that is a basic string
without escapes (`"Europe/Berlin"`), a decimal integer (`15`, `-3`) or a boolean, each
optionally followed by a comment. It returns exactly what `tomllib.loads` returns for such a
document, and None for anything else, which the caller then reads with `tomllib` (so every
error message, and every other form of TOML, stays tomllib's): dotted or quoted keys, arrays,
inline tables, literal or multi-line strings, any backslash, floats, dates, a repeated key or
table, a control character, or a character `str.isprintable` refuses. tests/core/
test_toml_lines.py holds it to `tomllib` on generated documents.
"""

from __future__ import annotations

from typing import Any

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_BLANK = " \t"


class _NotPlain(Exception):
    """Internal: the document is not of the plain shape; tomllib must read it."""


def read_plain(text: str) -> dict[str, Any] | None:
    """The document as `tomllib.loads` reads it, or None when it is not of the plain shape."""
    text = text.replace("\r\n", "\n")
    if "\\" in text or not text.replace("\n", "").replace("\t", " ").isprintable():
        return None  # escapes, a lone CR, control or unusual characters: tomllib's to judge
    document: dict[str, Any] = {}
    table = document
    try:
        for line in text.split("\n"):
            line = line.strip(_BLANK)
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                name = line[1:-1] if line.endswith("]") else ""
                if not _is_bare(name) or name in document:
                    return None
                table = document[name] = {}
                continue
            key, equals, value = line.partition("=")
            key = key.rstrip(_BLANK)
            if not equals or not _is_bare(key) or key in table:
                return None
            table[key] = _value(value.strip(_BLANK))
    except _NotPlain:
        return None
    return document


def _is_bare(key: str) -> bool:
    return bool(key) and _BARE.issuperset(key)


def _value(text: str) -> str | int | bool:
    if text.startswith('"'):
        end = text.find('"', 1)
        if end < 0:
            raise _NotPlain
        _comment_only(text[end + 1 :])
        return text[1:end]
    word = text.partition("#")[0]
    word = word.rstrip(_BLANK)
    if word == "true":
        return True
    if word == "false":
        return False
    digits = word[1:] if word.startswith("-") else word
    if digits.isascii() and digits.isdigit() and (digits == "0" or digits[0] != "0"):
        if digits == "0" and word != digits:
            raise _NotPlain  # -0: valid TOML, rare; tomllib reads it
        return int(word)
    raise _NotPlain


def _comment_only(text: str) -> None:
    text = text.lstrip(_BLANK)
    if text and not text.startswith("#"):
        raise _NotPlain
