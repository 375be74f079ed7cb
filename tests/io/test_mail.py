"""Mail parsing against real mail nobody on the project wrote: mail-parser's sample mails
(Apache-2.0, tests/io/data/mail-parser/README.md) and CPython's own test_email data."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amtui.core.intake import mail_title
from amtui.io.mail import (
    decode_bytes,
    decode_header_value,
    looks_like_mail,
    parse_mail,
    parse_sender,
    quick_headers,
)

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "mail-parser"


def cpython_email_data() -> Path | None:
    try:
        import test.test_email as package
    except ImportError:
        return None
    folder = Path(os.path.dirname(package.__file__)) / "data"
    return folder if folder.is_dir() else None


CPYTHON = cpython_email_data()
needs_cpython = pytest.mark.skipif(
    CPYTHON is None, reason="this Python ships without its test suite (test.test_email data)"
)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.eml")), ids=lambda p: p.name)
def test_every_sample_mail_parses_without_an_exception(path: Path) -> None:
    data = path.read_bytes()
    if not looks_like_mail(data):
        assert path.name == "mail_outlook_1.eml"  # an Outlook .msg (OLE2 binary), not mail
        return
    mail = parse_mail(data, str(path))
    assert mail_title(mail)
    assert "\ufffd" not in mail.subject


@needs_cpython
def test_every_cpython_test_mail_parses() -> None:
    assert CPYTHON is not None
    for path in sorted(CPYTHON.glob("msg_*.txt")):
        mail = parse_mail(path.read_bytes(), str(path))
        assert mail_title(mail), path.name


def test_rfc2047_utf8_subject_and_cyrillic_sender() -> None:
    mail = parse_mail(sample("mail_test_1.eml"))
    assert mail.subject == "письмо уведом-е"
    assert mail.sender_email == "suvorov.s@nalg.ru"
    assert mail.sender_name == "служба ФНС Даниил Суворов"
    assert (mail.date, mail.date_problem) == (None, "missing")
    # Attachments are listed by name and size, never stored.
    assert [a.name for a in mail.attachments] == ["ФНС_РФ558.zip"]


def test_gb2312_labelled_subject_that_is_really_gbk_is_recovered() -> None:
    mail = parse_mail(sample("mail_test_12.eml"))
    assert mail.subject == "代开各地增值税发票"
    assert mail.sender_name == "张先生"
    mail = parse_mail(sample("mail_test_9.eml"))
    assert "\ufffd" not in mail.subject and mail.subject.startswith("我把镜头拉近些")


def test_iso_8859_1_subject() -> None:
    assert parse_mail(sample("mail_test_5.eml")).subject == "Je prépare mon été zéro complexe !"


def test_address_as_display_name_takes_the_bracketed_one_and_is_unclear() -> None:
    """`From: alice@example.com <bob@example.com>`: the stdlib's pick is wrong."""
    mail = parse_mail(sample("mail_test_19.eml"))
    assert (mail.sender_name, mail.sender_email, mail.sender_unclear) == (
        None,
        "bob@example.com",
        True,
    )
    assert parse_sender("Anna <anna@x.example>") == ("Anna", "anna@x.example", False)
    assert parse_sender('"Petrova, Anna" <anna@x.example>') == (
        "Petrova, Anna",
        "anna@x.example",
        False,
    )
    assert parse_sender("anna@x.example") == (None, "anna@x.example", False)
    assert parse_sender("")[2] is True


def test_comma_in_display_name() -> None:
    mail = parse_mail(sample("mail_test_18.eml"))
    assert mail.sender_email == "comma.name@example.com"
    assert mail.sender_name == "LastßlName, FirstName"


def test_koi8r_and_cp1251_words_and_raw_8bit_headers() -> None:
    koi = "=?koi8-r?B?" + __import__("base64").b64encode("Привет".encode("koi8-r")).decode() + "?="
    assert decode_header_value(koi) == "Привет"
    win = "=?windows-1251?Q?" + "".join(f"={b:02X}" for b in "Смета".encode("cp1251")) + "?="
    assert decode_header_value(win) == "Смета"
    # A raw cp1251 header (no encoded word at all), as a broken mailer sends it.
    raw = "Subject: Смета на сайт\nFrom: a@b.example\n\nbody\n".encode("cp1251")
    assert parse_mail(raw).subject == "Смета на сайт"
    raw = "Subject: Смета на сайт\nFrom: a@b.example\n\nbody\n".encode("koi8-r")
    assert parse_mail(raw).subject == "Смета на сайт"
    assert decode_bytes("Привет".encode("cp1251"), "utf-8") == "Привет"  # mislabelled body


def test_html_only_body_becomes_text_and_quotes_are_trimmed() -> None:
    raw = (
        b"From: Anna <anna@granel.example>\nSubject: Re: Offer\n"
        b"Date: Tue, 24 Nov 2026 10:00:00 +0300\n"
        b"Message-ID: <h1@granel.example>\nIn-Reply-To: <o1@agency.example>\n"
        b"Content-Type: text/html; charset=utf-8\n\n"
        b"<html><body><p>Yes, <b>let's go</b>.</p><script>alert(1)</script>"
        b"<div>On Mon, 23 Nov 2026 Me wrote:</div><blockquote>old offer</blockquote>"
        b"</body></html>\n"
    )
    mail = parse_mail(raw)
    assert mail.body == "Yes, let's go."
    assert mail.references == ("<o1@agency.example>",)
    assert mail.date == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert quick_headers(raw) == ("<h1@granel.example>", mail.date)


def test_unreadable_and_future_dates_are_reported() -> None:
    raw = b"From: a@b.example\nSubject: x\nDate: the day after tomorrow\n\nbody\n"
    mail = parse_mail(raw)
    assert mail.date is None and mail.date_problem is not None
    assert mail.date_problem.startswith("unreadable")


def test_garbage_is_not_mail() -> None:
    assert not looks_like_mail(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not looks_like_mail(sample("mail_outlook_1.eml"))
    assert not looks_like_mail(b"just some text\nwith lines\n")
    assert looks_like_mail(b"Subject: hi\n\nbody")


_HEADER_NAMES = st.sampled_from(
    ["From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Content-Type",
     "Content-Transfer-Encoding", "Content-Disposition", "X-Junk"]
)  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    headers=st.lists(st.tuples(_HEADER_NAMES, st.binary(max_size=80)), min_size=1, max_size=8),
    body=st.binary(max_size=400),
)
def test_no_mail_can_make_the_parser_raise(headers: list[tuple[str, bytes]], body: bytes) -> None:
    """Whatever bytes a header or body holds (8-bit junk, broken encoded words, bogus
    charsets and boundaries), parsing gives a mail, never an exception."""
    raw = b"".join(
        name.encode() + b": " + value.replace(b"\n", b" ") + b"\n" for name, value in headers
    )
    mail = parse_mail(raw + b"\n" + body)
    assert isinstance(mail.subject, str) and isinstance(mail.body, str)
    assert mail_title(mail)


@settings(max_examples=100, deadline=None)
@given(charset=st.sampled_from(["utf-8", "gb2312", "bogus-charset", "koi8-r", "utf-7", ""]),
       payload=st.binary(max_size=200))  # fmt: skip
def test_any_labelled_body_decodes(charset: str, payload: bytes) -> None:
    assert isinstance(decode_bytes(payload, charset), str)


def test_a_part_after_the_end_of_the_mail_is_listed_and_marked() -> None:
    """mail-parser's mail_malformed_1.eml ends its multipart, then puts a .zip after the end
    (a trick to hide an attachment that some mail programs still show): the stdlib keeps it
    as the epilogue, so it used to vanish from the lead. It is listed, and marked."""
    mail = parse_mail((SAMPLES / "mail_malformed_1.eml").read_bytes())
    assert mail.body == "--Sent from my iPhone"
    assert [a.name for a in mail.attachments] == [
        "20160523_916527.jpg_.zip (found after the end of the mail)"
    ]


@needs_cpython
def test_a_part_nested_under_its_parents_own_boundary_is_listed() -> None:
    """CPython's msg_15.txt (Outlook Express for Mac) nests a multipart under its parent's own
    boundary, so its GIF lands after the end of the mail: listed, not lost."""
    assert CPYTHON is not None
    mail = parse_mail((CPYTHON / "msg_15.txt").read_bytes())
    assert [a.name for a in mail.attachments] == ["xx.gif (found after the end of the mail)"]
