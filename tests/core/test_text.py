"""Untrusted text (DESIGN §8): nothing from outside can drive the terminal or a spreadsheet."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtui.core.text import clean, csv_safe, fold, one_line

BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def is_unsafe(ch: str, *, keep: str) -> bool:
    return (unicodedata.category(ch) == "Cc" and ch not in keep) or ch in BIDI_CONTROLS


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),  # ANSI colour
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # set the window title
        ("\x9b2J", "\\x9b2J"),  # C1 CSI: clear the screen
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("carriage\rreturn", "carriage\\x0dreturn"),  # could overwrite the start of the line
        ("del\x7f", "del\\x7f"),
        ("nul\x00", "nul\\x00"),
        ("admin\u202etxt.exe", "admin\\u202etxt.exe"),  # right-to-left override
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        ("Гранель [bold]markup[/] 😀", "Гранель [bold]markup[/] 😀"),  # data, not controls
    ],
)
def test_clean_shows_controls_as_visible_escapes(raw: str, shown: str) -> None:
    assert clean(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("two\nlines", "two lines"),
        ("windows\r\nline", "windows line"),
        ("tabs\t\tand\n\nblank lines", "tabs and blank lines"),
        ("lone\rreturn", "lone\\x0dreturn"),
        ("\x1b[2Jclear", "\\x1b[2Jclear"),
        ("\u202eevil", "\\u202eevil"),
    ],
)
def test_one_line(raw: str, shown: str) -> None:
    assert one_line(raw) == shown


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+49 30 123", "'+49 30 123"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcell", "'\tcell"),
        ("\rcell", "'\rcell"),
        ("Granel", "Granel"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_safe_neutralises_formula_cells(cell: str, safe: str) -> None:
    assert csv_safe(cell) == safe


@pytest.mark.parametrize(
    ("a", "b"),
    [("Гранель", "гранель"), ("Straße", "STRASSE"), ("  Granel ", "granel"), ("ﬁle", "FILE")],
)
def test_fold_is_one_key_per_name_in_any_script_and_case(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@given(st.text())
def test_clean_output_never_holds_a_control_character(text: str) -> None:
    cleaned = clean(text)
    assert not any(is_unsafe(ch, keep="\n\t") for ch in cleaned)
    assert clean(cleaned) == cleaned  # escapes are plain text: cleaning twice changes nothing


@given(st.text())
def test_one_line_output_is_one_line_without_controls(text: str) -> None:
    flat = one_line(text)
    assert not any(is_unsafe(ch, keep="") for ch in flat)
    assert "\n" not in flat and "\t" not in flat


@given(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cf"])))
def test_clean_leaves_ordinary_text_alone(text: str) -> None:
    assert clean(text) == text
