"""Short references (`T12`, `L7`, `C3`, `R5`) that name records in both front ends.

A stored record says its own (`task.ref`, a property of the record); `ref` formats a plain id
(a foreign key, or a column read on its own). Pure: no database here.
"""

from __future__ import annotations

import re
from enum import StrEnum

from amtui.core.errors import InputError
from amtui.core.patterns import lazy
from amtui.core.structs import struct


class Kind(StrEnum):
    TASK = "T"
    LEAD = "L"
    CLIENT = "C"
    REMINDER = "R"
    PROPOSAL = "P"
    INVOICE = "I"

    @property
    def noun(self) -> str:
        return _NOUNS[self.value]


_NOUNS = {
    "T": "task",
    "L": "lead",
    "C": "client",
    "R": "reminder",
    "P": "proposal",
    "I": "invoice",
}
_REF = lazy(r"\s*([TtLlCcRrPpIi])?\s*#?(\d{1,18})\s*", re.ASCII)  # T٣ is no T3
_ACCEPTED = "T12 (task), L7 (lead), C3 (client), R5 (reminder), P2 (proposal) or I4 (invoice)"


@struct(frozen=True, order=True)
class Ref:
    kind: Kind
    id: int

    def __str__(self) -> str:
        return f"{self.kind.value}{self.id}"


def parse_ref(text: str, expected: Kind | None = None) -> Ref:
    """Read a reference; a bare number is accepted when the caller knows the kind."""
    match = _REF.fullmatch(text or "")
    if not match:
        wanted = f"{expected.value}12 or a plain number" if expected else _ACCEPTED
        raise InputError(f"{text!r} is not a reference; use {wanted}")
    letter, number = match.groups()
    if letter is None:
        if expected is None:
            raise InputError(f"{text!r} is ambiguous; use {_ACCEPTED}")
        kind = expected
    else:
        kind = Kind(letter.upper())
        if expected is not None and kind is not expected:
            raise InputError(
                f"{text.strip()} is a {kind.noun}, but a {expected.noun} is needed here "
                f"(e.g. {expected.value}12)"
            )
    return Ref(kind, int(number))


def looks_like_ref(text: str, kind: Kind) -> bool:
    """True for `C3`/`c3` style text (used where a name or a reference is accepted)."""
    match = _REF.fullmatch(text)
    return bool(match and match.group(1) and match.group(1).upper() == kind.value)


def ref(kind: Kind, record_id: int | None) -> str:
    """Format a reference for display; records always have an id once stored.

    Records say their own (`task.ref`); this is for a plain id, e.g. a foreign key."""
    # `_value_` is the member's own attribute; `.value` goes through enum's descriptor, ~2 k
    # instructions, and the agenda's JSON makes ~800 references.
    return f"{kind._value_}{record_id}"


def ref_or_none(kind: Kind, record_id: int | None) -> str | None:
    """The reference of an optional link (`task.client_id` → `C3`), None when unset."""
    return None if record_id is None else ref(kind, record_id)
