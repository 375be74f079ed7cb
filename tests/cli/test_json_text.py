"""`amtui.cli.json_text.dumps` writes what `json.dumps(…, ensure_ascii=False, indent=n)` writes,
byte for byte, and `output.to_json` what it wrote before it used it (json.dumps, then the
characters `text.unsafe_in_json` names as escapes)."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amtui.cli.json_text import dumps
from amtui.cli.output import _json_escape, to_json
from amtui.core.text import json_needs_escapes, unsafe_in_json


class Stage(StrEnum):
    WON = "won"
    ODD = 'a "quoted"\nstage'


class Level(IntEnum):
    HIGH = 3


#: Every character, lone surrogates too, with the ones JSON and amtui escape drawn often.
CHARACTERS = st.one_of(
    st.characters(blacklist_categories=()),
    st.sampled_from(
        list('"\\/\x00\x01\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x9b\x9f\u00a0\u00ad\u2028\u2029')
        + list("\u202e\u2066\u200b\ufeff\u115f\u3164\U000e0041\U0001f600Гранель")
    ),
)
TEXT = st.text(CHARACTERS, max_size=12)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.sampled_from([Stage.WON, Stage.ODD, Level.HIGH]),
)
KEYS = st.one_of(
    TEXT,
    st.sampled_from(["ref", "title", "due", "", "1", "true"]),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from([Stage.WON, Level.HIGH]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(KEYS, inner, max_size=6),
    ),
    max_leaves=40,
)


@settings(max_examples=400)
@given(value=VALUES, indent=st.integers(min_value=0, max_value=4))
def test_dumps_is_json_dumps(value: Any, indent: int) -> None:
    assert dumps(value, indent=indent) == json.dumps(value, ensure_ascii=False, indent=indent)


@settings(max_examples=300)
@given(value=VALUES)
def test_to_json_is_json_dumps_with_unsafe_characters_escaped(value: Any) -> None:
    before = unsafe_in_json().sub(_json_escape, json.dumps(value, ensure_ascii=False, indent=2))
    assert to_json(value) == before


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        (),
        {"a": {}, "b": [], "c": [{}, [], [[]]]},
        {"nested": {"deeper": {"deepest": [1, 2.5, None, True, False, "x"]}}},
        [float("nan"), math.inf, -math.inf, 1e300, -0.0, 2**80],
        {2: "int", 1.5: "float", True: "bool", None: "none", Stage.WON: "enum", "2": "str"},
        {"ref": "T1", "due": None, "tags": ["a", "b"], "client": {"ref": "C1", "name": "Гранель"}},
        "top-level text\n",
        None,
        7,
    ],
)
def test_dumps_examples(value: Any) -> None:
    for indent in (0, 2, 4):
        assert dumps(value, indent=indent) == json.dumps(value, ensure_ascii=False, indent=indent)


@pytest.mark.parametrize(
    "value",
    [Decimal("1.5"), {"a": {1, 2}}, [object()], {("tuple", "key"): 1}, {"a": {frozenset(): 1}}],
)
def test_what_json_refuses_is_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        json.dumps(value, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError):
        dumps(value)


def test_the_quick_check_sees_every_character_the_escape_pattern_matches() -> None:
    """`json_needs_escapes` skips the regex for most text; it must never skip one that has
    something to escape, wherever in a JSON text that character is."""
    pattern = unsafe_in_json()
    for code in range(0x110000):
        char = chr(code)
        if pattern.match(char):
            text = json.dumps({"k": [f"x{char}y"]}, ensure_ascii=False, indent=2)
            assert json_needs_escapes(text), hex(code)
    plain = {"name": "Гранель · Straße ☕", "notes": "a\nb\tc\x1b"}  # json escapes \x1b itself
    assert not json_needs_escapes(json.dumps(plain, ensure_ascii=False, indent=2))
