"""vCard import and export: real 4.0 cards from vobject's test files (Apache-2.0), 2.1 cards
as phones write them, RFC 6350 escaping, and a lossless round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtui.core.errors import InputError
from amtui.io.vcard import escape_text, fold_line, read_vcards, write_vcard

DATA = Path(__file__).parent / "data"

PHONE_21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=D0=B5=D1=82=D1=80=D0=BE=D0=B2=D0=B0;"
    "=D0=90=D0=BD=D0=BD=D0=B0;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=90=D0=BD=D0=BD=D0=B0=20=D0=9F=D0=B5=D1=82=\r\n"
    "=D1=80=D0=BE=D0=B2=D0=B0\r\n"
    "TEL;CELL:+79001234567\r\nTEL;WORK;PREF:+74951234567\r\n"
    "EMAIL;INTERNET:anna@granel.example\r\n"
    "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=93=D1=80=D0=B0=D0=BD=D0=B5=D0=BB=D1=8C\r\n"
    "END:VCARD\r\n"
)


def test_vobject_full_40_card() -> None:
    (card,) = read_vcards(DATA / "vobject" / "vcard40_full.vcf")
    assert card.name == "Dr. John Q. Public, III"
    assert card.emails == ["johnny@personal.example.org", "john.public@example.com"]  # PREF=1
    assert card.phones[0] == "+1-555-555-5555"  # the tel: URI unwrapped
    assert card.organization == "Example Corp."  # ORG:Example Corp.;North Division;Marketing
    assert card.role == "CEO"
    assert card.kind == "individual"


def test_evolution_export_with_folded_lines_and_vendor_parameters() -> None:
    """A real Evolution 3.0 export (ez-vcard's samples, from the Cardme project): every
    property folded mid-word, X-COUCHDB-UUID parameters, an escaped comma in FN."""
    (card,) = read_vcards(DATA / "ez-vcard" / "John_Doe_EVOLUTION.vcf")
    assert card.name == "Mr. John Richter, James Doe Sr."
    assert card.emails == ["john.doe@ibm.com"]  # folded inside the address
    assert card.phones == ["905-666-1234", "905-555-1234"]
    assert (card.organization, card.role) == ("IBM", "Money Counter")


def test_gmail_export_of_several_contacts() -> None:
    cards = read_vcards(DATA / "ez-vcard" / "gmail-list.vcf")
    assert [(c.name, c.emails) for c in cards] == [
        ("Arnold Smith", ["asmithk@gmail.com"]),
        ("Chris Beatle", ["chrisy55d@yahoo.com"]),
        ("Doug White", ["dwhite@gmail.com"]),
    ]


def test_a_21_card_with_a_base64_photo() -> None:
    """vobject's photo-test.vcf: vCard 2.1 with a folded BASE64 JPEG and a blank line."""
    (card,) = read_vcards(DATA / "vobject" / "photo-test.vcf")
    assert (card.name, card.phones, card.emails) == ("should be ok to share", ["+49123456789"], [])


def test_kinds_of_cards_that_are_not_people() -> None:
    kinds = {
        name: read_vcards(DATA / "vobject" / f"vcard40_{name}.vcf")[0]
        for name in ("group", "location", "org")
    }
    assert kinds["group"].kind == "group" and kinds["location"].kind == "location"
    org = kinds["org"]
    assert (org.kind, org.name, org.organization) == ("org", "ABC Marketing", "ABC, Inc.")
    assert org.phones == ["+1-555-000-0000"] and org.emails == ["marketing@abc.example.com"]


def test_vobject_multilanguage_card() -> None:
    (card,) = read_vcards(DATA / "vobject" / "vcard40_multilang.vcf")
    assert card.name == "Yamada Taro"


def test_phone_21_card_with_quoted_printable_cyrillic(tmp_path: Path) -> None:
    path = tmp_path / "phone.vcf"
    path.write_bytes(PHONE_21.encode("ascii"))
    (card,) = read_vcards(path)
    assert card.name == "Анна Петрова"
    assert card.organization == "Гранель"
    assert card.phones == ["+74951234567", "+79001234567"]  # PREF first
    assert card.emails == ["anna@granel.example"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not vCard text|no vCard"),
        (b"Name,Email\nA,a@x\n", "no vCard"),
        (b"BEGIN:VCARD\nVERSION:3.0\nFN:A\nthis is no property\nEND:VCARD\n", "not a readable"),
    ],
)
def test_bad_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.vcf"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_vcards(path)


def test_export_escapes_as_rfc_6350_says() -> None:
    assert escape_text("a\\b, c; d\ne") == "a\\\\b\\, c; d\\ne"  # `;` stays in single text
    card = write_vcard("Smith, John; Jr", organization="Acme; Inc", role="CTO\nfounder")
    assert "FN:Smith\\, John; Jr\r\n" in card
    assert "ORG:Acme\\; Inc\r\n" in card  # structured: `;` escaped
    assert "TITLE:CTO\\nfounder\r\n" in card


def test_folding_never_splits_a_character() -> None:
    line = "FN:" + "Ж" * 100
    folded = fold_line(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "").rstrip("\r\n") == line


text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())


@given(name=text, org=text, role=text)
def test_round_trip_loses_nothing(name: str, org: str, role: str) -> None:
    import tempfile

    card = write_vcard(name, email="a@x.example", phone="+1 555 0100", organization=org, role=role)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.vcf"
        path.write_text(card, encoding="utf-8", newline="")
        (back,) = read_vcards(path)
    assert (" ".join(name.split()), back.organization, back.role) == (back.name, org, role)
    assert (back.emails, back.phones) == (["a@x.example"], ["+1 555 0100"])


def test_windows_1251_cards_quoted_printable_and_raw(tmp_path: Path) -> None:
    encoded = "".join(f"={b:02X}" for b in "Анна Петрова".encode("cp1251"))
    path = tmp_path / "old-phone.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        f"FN;CHARSET=WINDOWS-1251;ENCODING=QUOTED-PRINTABLE:{encoded}\r\n"
        "TEL;CELL:+79001234567\r\nEND:VCARD\r\n"
    )
    assert [c.name for c in read_vcards(path)] == ["Анна Петрова"]
    path.write_bytes("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Анна\r\nEND:VCARD\r\n".encode("cp1251"))
    assert [c.name for c in read_vcards(path)] == ["Анна"]
