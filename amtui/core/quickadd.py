"""Quick-add tokens: `Send estimate due:fri 15:00 client:Granel +urgent @copywriter`.

The parser is pure: it splits the text into title words and raw field values. Dates stay raw
text here and are resolved by the task service, which knows the client's time zone.

Tokens: `due:WHEN` (the longest run of words that reads as a date expression), `client:NAME`,
`lead:L7`, `col:COLUMN`, `pri:low|normal|high|urgent`, `est:2h`, `parent:T3`, `rec:+1m` (a
repeat: `amtui.core.recurrence`), `owner:anna` (the team member whose card it is), `@assignee`,
`+tag`, and, when editing, `-tag` to remove a tag and `none` to clear a field (`due:none`).
A value with spaces can be quoted: `client:"Granel Studio"`. Words that merely contain a colon
(`http://…`, `10:30`) stay in the title, except right after a `due:` date: a word there that can
only be part of a date (`due:fri 25:00`, `due:tomorrow 3pmm`, `due:fri +2h`, `due:3pm
tomorrow`, `due:10:00 fri`) makes the line refused, never silently split into a date and a
title or tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from amtui.core.dates import DATE_ONLY_WORDS
from amtui.core.errors import InputError
from amtui.core.text import one_line

FIELDS = ("due", "client", "lead", "col", "pri", "est", "parent", "rec", "owner")
_FIELD = re.compile(
    r"(due|client|lead|col|pri|est|parent|rec|owner):(.*)", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"([+-])([\w][\w.-]*)")
_ASSIGNEE = re.compile(r"@([\w][\w.-]*)")
_ACCEPTED = (
    "due:WHEN, client:NAME, lead:L7, col:COLUMN, pri:low|normal|high|urgent, est:2h, "
    "parent:T3, rec:+1m, owner:anna, @assignee, +tag"
)


@dataclass
class Tokens:
    """What a quick-add or quick-edit line says, before any lookup or date resolution."""

    title: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    assignee: str | None = None


def _split(text: str) -> list[str]:
    """Whitespace-separated words; `key:"a b"` stays one word (quotes removed)."""
    words: list[str] = []
    position = 0
    pattern = re.compile(r'\s*(\w+:"[^"]*"|\S+)')
    while position < len(text):
        match = pattern.match(text, position)
        if not match or not match.group(1):
            break
        word = match.group(1)
        key, sep, rest = word.partition(":")
        quoted = rest.startswith('"') and rest.endswith('"') and len(rest) >= 2
        if sep and quoted and key.lower() in FIELDS:  # `foo:"a b"` stays in the title as typed
            word = f"{key}:\x00{rest[1:-1]}"  # \x00 marks "quoted: take as is"
        words.append(word)
        position = match.end()
    return words


#: A word that can only be meant as more of a `due:` date: a time (`25:00`, `3pmm`), a number,
#: an offset (`+2h`), `at`/`am`/`pm`/`noon`/`midnight`, a zone (`Europe/Berlinn`), or a day or
#: month word (`tomorrow`, `fri`, `dec`: `dates.DATE_ONLY_WORDS`). When the date with it does
#: not read, the line is refused rather than the word folded into the title.
_DATE_PART = re.compile(
    r"[+-]?[0-9][\w:.]*|at|[ap]\.?m\.?|noon|midnight|[a-z_]+(?:/[a-z0-9_+-]+)+",
    re.IGNORECASE,
)


def _is_date_part(word: str) -> bool:
    return bool(_DATE_PART.fullmatch(word)) or word.lower() in DATE_ONLY_WORDS


def parse_tokens(
    text: str,
    *,
    is_date: Callable[[str], bool],
    allow_removal: bool = False,
    read_date: Callable[[str], object] | None = None,
) -> Tokens:
    """Split a quick-add line. `is_date` tells whether a phrase reads as a date expression;
    `read_date` (the parser itself) explains why one does not, when a `due:` date is followed
    by a word that can only belong to it (`due:fri 25:00`, `due:tomorrow 3pmm`)."""
    if "\n" in text or "\r" in text:
        raise InputError("a quick-add line must be one line")
    words = _split(text)
    tokens = Tokens()
    title: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        field_match = _FIELD.fullmatch(word)
        if field_match:
            key, value = field_match.group(1).lower(), field_match.group(2)
            if key in tokens.fields:
                raise InputError(f"{key}: is given twice in {one_line(text)!r}")
            if value.startswith("\x00"):
                value = value[1:]
            elif value.startswith('"'):
                # An unclosed quote would otherwise name a client `"Granel` (quote included).
                raise InputError(
                    f"{key}: has an opening quote but no closing one; e.g. {_example(key)}"
                )
            elif key == "due" and value:
                # Take the longest run of following words that still reads as a date.
                best, taken = value, 0
                for extra in range(1, min(4, len(words) - index) + 1):
                    phrase = " ".join([value, *words[index : index + extra]])
                    if is_date(phrase):
                        best, taken = phrase, extra
                value = best
                index += taken
                if index < len(words) and _is_date_part(words[index]):
                    _refuse_half_date(value, words[index:], is_date, read_date)
            if not value.strip():
                raise InputError(
                    f"{key}: needs a value, e.g. {_example(key)}; accepted: {_ACCEPTED}"
                )
            tokens.fields[key] = value.strip()
            continue
        tag_match = _TAG.fullmatch(word)
        if tag_match and not tag_match.group(2).isdigit():
            sign, tag = tag_match.groups()
            if sign == "+":
                tokens.add_tags.append(tag.lower())
                continue
            if allow_removal:
                tokens.remove_tags.append(tag.lower())
                continue
        assignee_match = _ASSIGNEE.fullmatch(word)
        if assignee_match:
            if tokens.assignee is not None:
                raise InputError(f"more than one @assignee in {one_line(text)!r}")
            tokens.assignee = assignee_match.group(1)
            continue
        title.append(word.replace("\x00", ""))
    tokens.title = " ".join(title)
    return tokens


def _refuse_half_date(
    value: str,
    rest: list[str],
    is_date: Callable[[str], bool],
    read_date: Callable[[str], object] | None,
) -> None:
    """`due:fri 25:00`: the date reads only without the next word, which can be nothing but a
    part of it. Say why with the parser's own message (or a generic one), never fold it."""
    parts = [value]
    for word in rest[:3]:
        if not _is_date_part(word):
            break
        parts.append(word)
    phrase = " ".join(parts)
    if read_date is not None and not is_date(phrase):
        read_date(phrase)  # raises DateParseError: one line saying why, and what is accepted
    raise InputError(
        f"due:{one_line(phrase)!r} does not read as a date ({one_line(rest[0])!r} looks like "
        "a part of it); correct it, or put other words before due:"
    )


def _example(key: str) -> str:
    return {
        "due": "due:fri 15:00",
        "client": 'client:Granel or client:"Granel Studio"',
        "lead": "lead:L7",
        "col": 'col:"In progress"',
        "pri": "pri:high",
        "est": "est:2h",
        "parent": "parent:T3",
        "rec": "rec:+1m or rec:2w",
        "owner": "owner:anna or owner:me",
    }[key]
