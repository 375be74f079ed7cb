"""`toml_lines.read_plain` reads what `tomllib` reads, or leaves the document to it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amtui.core.config import load_config
from amtui.core.toml_lines import read_plain

#: Pieces of lines, well-formed and not, in the shapes a config file (or a typo) has.
KEYS = st.sampled_from(
    ["timezone", "db", "me", "days", "first_response_minutes", "a-b_1", "1", "a.b", '"q"', "",
     "a b", "tz", "agenda"]
)  # fmt: skip
VALUES = st.sampled_from(
    ['"Europe/Berlin"', '"a#b"', '""', '"Гранель"', "15", "-3", "0", "-0", "007", "+5", "1_000",
     "true", "false", "True", "1.5", "2026-12-01", '["a", "b"]', "{x = 1}", "'lit'", '"a\\"b"',
     '"""x"""', '"open', "", '"x" y', "15 # c", '"x"# c', "15#c", "nan", "0x10"]
)  # fmt: skip
SPACE = st.sampled_from(["", " ", "  ", "\t"])
HEADERS = st.sampled_from(
    ["[board]", "[agenda]", "[leads]", "[ board ]", "[intake.imap]", "[[x]]", "[board] # c",
     "[]", "[a b]"]
)  # fmt: skip
COMMENTS = st.sampled_from(["", "# a comment", "#", "# ü \\ ' \"", "   # indented"])
LINE = st.one_of(
    st.builds(lambda k, s1, s2, v: f"{k}{s1}={s2}{v}", KEYS, SPACE, SPACE, VALUES),
    HEADERS,
    COMMENTS,
    st.sampled_from(["key", "= 1", "x = 1 y = 2", "\x01a = 1", "a = \x7f", "a = 1\r"]),
)

#: Lines of the plain shape, so that most documents are read both ways and compared.
PLAIN_VALUES = st.sampled_from(
    ['"Europe/Berlin"', '"a # b"', '""', '"Доска"', "15", "-3", "0", "true", "false", '"x"  # c',
     "7 #c"]
)  # fmt: skip
PLAIN_LINE = st.one_of(
    st.builds(
        lambda k, s1, s2, v: f"{k}{s1}={s2}{v}",
        st.sampled_from(["timezone", "days", "me", "x-1", "n_2", "9"]),
        SPACE,
        SPACE,
        PLAIN_VALUES,
    ),
    st.sampled_from(["[board]", "[agenda]", "[leads]", "", "# c"]),
)
MIXED = st.one_of(PLAIN_LINE, PLAIN_LINE, PLAIN_LINE, LINE)
DOCUMENTS = st.lists(MIXED, max_size=8).map("\n".join) | st.lists(MIXED, max_size=8).map(
    "\r\n".join
)


def tomllib_reads(text: str) -> dict[str, object] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


@settings(max_examples=600)
@given(DOCUMENTS)
def test_what_it_reads_tomllib_reads_the_same(text: str) -> None:
    plain = read_plain(text)
    if plain is not None:
        assert tomllib_reads(text) == plain


@pytest.mark.parametrize(
    "text",
    [
        'timezone = "Europe/Berlin"\n',
        '# amtui\ntimezone="America/New_York"  # home\nme = "anna"\n\n[agenda]\ndays = 14\n',
        '[leads]\nfirst_response_minutes = 30\n[board]\nnew_task_column = "Доска"\n',
        "[x]\nflag = true\nother = false\nn = -12\n",
        "",
    ],
)
def test_the_usual_configs_are_read_without_tomllib(text: str) -> None:
    assert read_plain(text) == tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        'columns = ["A", "B"]',  # arrays: tomllib's
        'a = "x"\na = "y"',  # a repeated key: tomllib's error
        "[a]\n[a]",  # a repeated table
        'a = 1\n[a]\nb = "x"',  # a table over a key
        'path = "C:\\\\x"',  # escapes
        "x = 1.5",
        "x = 007",
        "[intake.imap.work]\nhost = 'mail'",
        'a = "x" trailing',
        'a = "x"\rb = 1',  # a lone CR
    ],
)
def test_anything_else_is_left_to_tomllib(text: str) -> None:
    assert read_plain(text) is None


def test_load_config_reads_the_plain_and_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('timezone = "Asia/Tokyo"\n[agenda]\ndays = 3\n', encoding="utf-8")
    config = load_config(path, env={})
    assert (str(config.timezone), config.agenda_days) == ("Asia/Tokyo", 3)
    path.write_text('timezone = "Asia/Tokyo"\n[board]\ncolumns = ["A", "B"]\n', encoding="utf-8")
    assert load_config(path, env={}).columns == ("A", "B")
