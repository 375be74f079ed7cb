"""One client matcher for every front end: reference, whole name, or a unique beginning of the
name or of one of its words, in any case and script; ambiguity lists the candidates."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtui.core.clients import add_client, edit_client
from amtui.core.db import Database
from amtui.core.errors import InputError, NotFoundError
from amtui.core.lookup import (
    AmbiguousClientError,
    ClientName,
    find_client,
    get_client,
    match_client,
    match_client_names,
)

NAMES = [
    ClientName(1, "Blue Harbor Hotels"),
    ClientName(2, "Bluebird"),
    ClientName(3, "Kettle Studio"),
    ClientName(4, "Vistula-Tours"),
    ClientName(5, "Гранель"),
    ClientName(6, "Straße Nord"),
    ClientName(7, "Old Kettle Works", archived=True),
    ClientName(8, "東京デザイン"),
    ClientName(9, "Blue"),
]


def picks(text: str) -> int | None:
    match = match_client_names(NAMES, text)
    return match.client.id if match.client else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kettle", 3),  # a prefix of the name
        ("KETTLE stu", 3),
        ("studio", 3),  # a word of the name
        ("stud", 3),
        ("harbor", 1),
        ("harbor ho", 1),  # a run of words from a word start
        ("vistula", 4),
        ("tours", 4),  # words split at punctuation
        ("гран", 5),  # any script, any case
        ("ГРАНЕЛЬ", 5),
        ("strasse", 6),  # case folding: ß is ss
        ("NORD", 6),
        ("東京", 8),
        ("blue", 9),  # the whole name wins over longer names it begins
        ("  Blue  ", 9),
        ("c3", 3),  # a reference
        ("C7", 7),  # archived clients answer to their reference…
        ("old kettle works", 7),  # …and to their whole name
    ],
)
def test_a_unique_prefix_or_word_picks_the_client(text: str, expected: int) -> None:
    assert picks(text) == expected


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("blu", [9, 1, 2]),  # "Blue", "Blue Harbor Hotels", "Bluebird"
        ("b", [9, 1, 2]),
    ],
)
def test_several_matches_are_ambiguous_and_listed_in_name_order(
    text: str, candidates: list[int]
) -> None:
    match = match_client_names(NAMES, text)
    assert match.ambiguous and match.client is None
    assert [c.id for c in match.candidates] == candidates
    assert match.describe().startswith("ambiguous: Blue (C9), Blue Harbor Hotels (C1)")


@pytest.mark.parametrize("text", ["bird", "arbor", "kettle works", "xyz", "", "   ", "C99"])
def test_no_match_inside_a_word_nor_for_archived_parts(text: str) -> None:
    match = match_client_names(NAMES, text)
    assert match.client is None and not match.ambiguous


def test_describe_and_completion_say_what_enter_does() -> None:
    assert match_client_names(NAMES, "kett").describe() == "→ Kettle Studio (C3)"
    assert match_client_names(NAMES, "kett").completion() == "kettle Studio"
    assert match_client_names(NAMES, "studio").completion() is None  # not a whole-name prefix
    assert match_client_names(NAMES, "Acme").describe(creates=True) == "new client 'Acme'"
    assert match_client_names(NAMES, "Acme").describe() == "no client matches 'Acme'"
    assert match_client_names(NAMES, "").describe() == ""


def test_a_hostile_name_is_listed_on_one_safe_line() -> None:
    names = [ClientName(1, "Evil\x1b[2J\nCorp"), ClientName(2, "Evil twin")]
    message = str(AmbiguousClientError(match_client_names(names, "evil")))
    assert "\x1b" not in message and "\n" not in message
    assert "\\x1b" in message


words = st.text(alphabet=st.characters(categories=["Lu", "Ll", "Lo", "Nd"]), min_size=1, max_size=8)


@given(st.lists(words, min_size=1, max_size=4), st.data())
def test_any_word_beginning_finds_the_only_client(parts: list[str], data: st.DataObject) -> None:
    name = " ".join(parts)
    names = [ClientName(1, name)]
    word = data.draw(st.sampled_from(parts))
    cut = data.draw(st.integers(min_value=1, max_value=len(word)))
    typed = data.draw(st.sampled_from([str.upper, str.lower, str.title, str]))(word[:cut])
    match = match_client_names(names, typed)
    # Case mapping may change a string's length (ß → SS); the fold keys still agree.
    assert match.client is not None or typed.casefold() != word[:cut].casefold()


# --- against the database ----------------------------------------------------------------------


@pytest.fixture
def clients(db: Database, now: datetime) -> Database:
    for name in ("Blue Harbor Hotels", "Bluebird", "Kettle Studio", "Гранель"):
        add_client(db, name, now=now)
    edit_client(db, "Bluebird", now=now, archived=True)
    return db


def test_find_client_uses_the_matcher(clients: Database) -> None:
    with clients.read() as tx:
        assert find_client(tx, "kett").name == "Kettle Studio"  # type: ignore[union-attr]
        assert find_client(tx, "гранель").name == "Гранель"  # type: ignore[union-attr]
        assert find_client(tx, "blue").name == "Blue Harbor Hotels"  # type: ignore[union-attr]
        assert find_client(tx, "Bluebird").archived  # type: ignore[union-attr]
        assert find_client(tx, "nobody") is None
        with pytest.raises(NotFoundError, match="no client C99"):
            find_client(tx, "C99")
        with pytest.raises(NotFoundError, match="no client named 'nobody'"):
            get_client(tx, "nobody")
        assert match_client(tx, "KETTLE STUDIO").exact


def test_ambiguous_names_are_bad_input(clients: Database, now: datetime) -> None:
    add_client(clients, "Blue Sky", now=now)
    with clients.read() as tx, pytest.raises(AmbiguousClientError) as info:
        find_client(tx, "blue")
    assert isinstance(info.value, InputError) and info.value.exit_code == 2
    assert "Blue Harbor Hotels (C1), Blue Sky (C5)" in str(info.value)
