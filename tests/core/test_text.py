"""Untrusted text (DESIGN §8): nothing from outside can drive the terminal or a spreadsheet."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtui.core.text import clean, csv_safe, fold, markdown, notification, one_line

BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


def is_unsafe(ch: str, *, keep: str) -> bool:
    """Controls (Cc), format characters (Cf: bidi, zero-width, tags…), line and paragraph
    separators and the Hangul fillers: none may reach output raw."""
    if ch in keep:
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch in FILLERS


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


@given(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cf", "Zl", "Zp"])))
def test_clean_leaves_ordinary_text_alone(text: str) -> None:
    text = "".join(ch for ch in text if ch not in FILLERS)
    assert clean(text) == text


def test_every_format_character_of_this_unicode_version_is_escaped() -> None:
    for code in range(0x110000):
        ch = chr(code)
        if is_unsafe(ch, keep="\n\t"):
            assert clean(ch) != ch, f"U+{code:04X} {unicodedata.name(ch, '?')}"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("join\u200d\u200c", "join\\u200d\\u200c"),
        ("marks\u200e\u200f\u061c", "marks\\u200e\\u200f\\u061c"),
        ("word\u2060joiner\ufeff", "word\\u2060joiner\\ufeff"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("soft\u00adhyphen", "soft\\xadhyphen"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("\u3164", "\\u3164"),
    ],
)
def test_invisible_characters_become_visible(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    assert one_line(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ('<a href="javascript:alert(1)">x</a>', '\\<a href="javascript:alert\\(1\\)"\\>x\\</a\\>'),
        ("[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"),
        ("![i](http://e/x.png)", "\\!\\[i\\]\\(http://e/x.png\\)"),
        ("# title", "\\# title"),
        ("> quote", "\\> quote"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("1. first", "1\\. first"),
        ("12) first", "12\\) first"),
        ("a | b", "a \\| b"),
        ("`code`", "\\`code\\`"),
        ("*em* _u_ ~~s~~", "\\*em\\* \\_u\\_ \\~\\~s\\~\\~"),
        ("R&D & Co", "R&D & Co"),
        ("&lt;b&gt; &#106;", "\\&lt;b\\&gt; \\&\\#106;"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two lines"),
        ("Гранель 1.5", "Гранель 1.5"),
    ],
)
def test_markdown_escapes_whatever_could_become_markup(raw: str, shown: str) -> None:
    assert markdown(raw) == shown


@given(st.text())
def test_markdown_renders_back_to_the_one_line_text(text: str) -> None:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").renderInline(markdown(text))
    expected = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert html == expected.replace('"', "&quot;")


def test_notification_text_is_plain() -> None:
    assert (
        notification("<b>x</b> & <a href='y'>\x1b")
        == "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href='y'&gt;\\x1b"
    )


def test_text_that_needs_no_escape_is_known_without_a_regex() -> None:
    """`clean` and `one_line` skip their regex for text `str.isprintable` accepts, unless it
    holds one of the few printable characters they escape: every character they escape is
    either not printable or one of those."""
    from amtui.core.text import _PRINTABLE_INVISIBLE, _unsafe_one_line

    pattern = _unsafe_one_line()
    escaped = [chr(c) for c in range(0x110000) if pattern.match(chr(c))]
    assert len(escaped) > 200
    assert [c for c in escaped if c.isprintable()] == list(_PRINTABLE_INVISIBLE)
    for text in ("Гранель · Straße", "a\u3164b", "x\u202ey", "tab\there", "plain"):
        assert one_line(text) == _unsafe_one_line().sub(
            lambda m: f"\\u{ord(m.group()):04x}", text.replace("\t", " ")
        )
