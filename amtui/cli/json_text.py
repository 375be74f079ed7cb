"""Indented JSON text: byte for byte what `json.dumps(value, ensure_ascii=False, indent=n)`
writes, in under a third of the instructions.

Python 3.11's `json.dumps` runs its pure-Python encoder whenever it indents (the C encoder
cannot indent): a chain of generators that resumes several times a value. The 100k agenda
(~10 000 values) cost it ~94 M instructions (this writer: ~27 M). Here one
recursive function appends the pieces to a list joined once at the end; strings are escaped by
the C `encode_basestring` that json itself uses, and the text before each value (the comma,
newline, indentation and key) is made once per key and depth.

The exact built-in types go the quick way; anything else (subclasses such as `StrEnum`
members, tuples, dict or list subclasses) takes the same checks in the same order as
`json.encoder`'s Python code, so it comes out the same, and a type JSON cannot represent
raises the same `TypeError`. Circular references are not looked for (the CLI's data are
trees): one ends in `RecursionError` instead of `ValueError`.
tests/cli/test_json_text.py holds the output to `json.dumps` over arbitrary values.

(The C encoder is no shortcut on 3.11 even for the flat dicts: called once per container it
costs more than this whole writer. orjson writes the same text for the agenda ~20× faster, but
importing it loads `dataclasses`, `inspect`, `uuid` and `json`: 17–50 ms here, several times
this writer's 2.5 ms on the 100k agenda, on commands that avoid those imports on purpose.)
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from typing import Any

try:  # what json.encoder uses; importing json.encoder would load json's decoder too (~5 M)
    from _json import encode_basestring
except ImportError:  # pragma: no cover - other Pythons
    from json.encoder import encode_basestring

_float_repr = float.__repr__
_int_repr = int.__repr__
_INFINITY = float("inf")


def dumps(value: Any, indent: int = 2, *, wide: Callable[[str], str] | None = None) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=indent)`, the same text, faster.

    `wide`, when given, is called with the JSON text of every string (key or value) that is
    not ASCII, and returns what to write in its place (`output.to_json` escapes invisible
    characters there, without searching the whole text for them)."""
    step = " " * indent
    chunks: list[str] = []
    append = chunks.append
    #: Per indentation: key → `",\n    \"key\": "` (the first entry of a dict drops the comma).
    prefixes: dict[str, dict[Any, str]] = {}

    def scalar(item: Any) -> str | None:
        """A value as json.encoder's Python code writes it (its order of checks); None for
        a list or dict."""
        if isinstance(item, str):
            return string(item)
        if item is None:
            return "null"
        if item is True:
            return "true"
        if item is False:
            return "false"
        if isinstance(item, int):
            return _int_repr(item)
        if isinstance(item, float):
            return _float_text(item)
        if isinstance(item, list | tuple | dict):
            return None
        raise TypeError(f"Object of type {item.__class__.__name__} is not JSON serializable")

    def string(text: str) -> str:
        if wide is None or text.isascii():
            return encode_basestring(text)
        return wide(encode_basestring(text))

    def key_prefix(key: Any, inner: str, known: dict[Any, str]) -> str:
        """The text before a key's value; keys as json.encoder converts them."""
        if isinstance(key, str):
            text = key
        elif isinstance(key, float):
            text = _float_text(key)
        elif key is True:
            text = "true"
        elif key is False:
            text = "false"
        elif key is None:
            text = "null"
        elif isinstance(key, int):
            text = _int_repr(key)
        else:
            raise TypeError(
                f"keys must be str, int, float, bool or None, not {key.__class__.__name__}"
            )
        prefix = "," + inner + string(text) + ": "
        if type(key) is str:
            known[key] = prefix
        return prefix

    def other(item: Any, inner: str) -> None:
        """Anything but an exact str, None, bool, int, float, dict or list."""
        text = scalar(item)
        if text is not None:
            append(text)
        elif not item:
            append("{}" if isinstance(item, dict) else "[]")
        else:
            write(item, inner)

    def write(container: Any, pad: str) -> None:
        """A non-empty dict, list or tuple whose closing bracket goes on the line `pad` starts
        (a newline and indentation); its entries one step further in."""
        inner = pad + step
        if isinstance(container, dict):
            known = prefixes.get(inner)
            if known is None:
                known = prefixes[inner] = {}
            entries: Any = container.items()
            brackets = "{}"
        else:  # every entry's "key" is None, and None's prefix here is the separator
            known = {None: "," + inner}
            entries = zip(repeat(None), container)
            brackets = "[]"
        first = len(chunks)
        for key, item in entries:
            try:
                append(known[key])
            except (KeyError, TypeError):  # a new key, or an unhashable one (refused there)
                append(key_prefix(key, inner, known))
            kind = type(item)
            if kind is str:
                append(
                    encode_basestring(item)
                    if wide is None or item.isascii()
                    else wide(encode_basestring(item))
                )
            elif item is None:
                append("null")
            elif kind is bool:
                append("true" if item else "false")
            elif kind is int:
                append(_int_repr(item))
            elif kind is dict or kind is list:
                if item:
                    write(item, inner)
                else:
                    append("{}" if kind is dict else "[]")
            elif kind is float:
                append(_float_text(item))
            else:
                other(item, inner)
        chunks[first] = brackets[0] + chunks[first][1:]  # no comma before the first entry
        append(pad + brackets[1])

    other(value, "\n")
    return "".join(chunks)


def _float_text(value: float) -> str:
    """json.encoder's `floatstr` (allow_nan): NaN and the infinities by their JavaScript names."""
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return _float_repr(value)
