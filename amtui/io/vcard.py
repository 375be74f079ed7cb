"""vCard (RFC 2426 / 6350) import and export of contacts.

Import reads 2.1, 3.0 and 4.0 with vobject (Apache-2.0), after undoing the quoted-printable
soft line breaks that phones write in 2.1 cards and vobject does not join. A file that is not
vCard, or that vobject cannot read, is refused as a whole (nothing written).

Export writes vCard 3.0 by hand, because the escaping rules are exact (RFC 6350 §3.4): in a
single-value text (FN, TITLE) only backslash, comma and line breaks are escaped; in a
structured value (N, ORG) the semicolon too. Lines are folded at 75 octets without splitting
a UTF-8 character, and end in CRLF.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from amtui.core.errors import InputError
from amtui.core.intake import IncomingContact
from amtui.core.text import one_line
from amtui.io.files import read_input_file

_QP_PROPERTY = re.compile(r"^[^:]*ENCODING=QUOTED-PRINTABLE[^:]*:", re.IGNORECASE)


def _join_soft_breaks(text: str) -> str:
    """Join quoted-printable continuation lines (a line ending in `=`) of 2.1 cards."""
    out: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if _QP_PROPERTY.match(line):
            while line.endswith("=") and index + 1 < len(lines):
                index += 1
                line = line[:-1] + lines[index].lstrip()
        out.append(line)
        index += 1
    return "\r\n".join(out) + "\r\n"


def _decode(data: bytes, shown: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", "replace")
        if "\ufffd" in text:
            raise InputError(f"{shown} is not vCard text (UTF-8 or Windows-1251)") from None
        return text


def _pref(item: Any) -> int:
    """Sort key: preferred values first (2.1 `PREF`, 3.0 `TYPE=pref`, 4.0 `PREF=1`)."""
    params = {k.upper(): [str(v).lower() for v in vs] for k, vs in item.params.items()}
    singles = [str(s).lower() for s in getattr(item, "singletonparams", [])]
    if "pref" in singles or "pref" in params.get("TYPE", []):
        return 0
    if "PREF" in params:
        try:
            return int(params["PREF"][0])
        except (ValueError, IndexError):
            return 0
    return 100


def _values(card: Any, name: str, *, first_component: bool = False) -> list[str]:
    """The values of a property, preferred first. A structured value (ORG: name; unit; unit)
    is joined with spaces, or only its first component with `first_component`."""
    items = sorted(card.contents.get(name, []), key=_pref)
    values = []
    for item in items:
        value = item.value
        if isinstance(value, list):
            parts = [str(v) for v in value if v]
            value = parts[0] if first_component and parts else " ".join(parts)
        text = str(value).strip()
        if text.lower().startswith(("tel:", "mailto:")):
            text = text.split(":", 1)[1]
        if text and text not in values:
            values.append(text)
    return values


def _name(card: Any) -> str:
    names = _values(card, "fn")
    if names:
        return names[0]
    structured = card.contents.get("n")
    if structured:
        n = structured[0].value
        parts = [n.prefix, n.given, n.additional, n.family, n.suffix]
        return " ".join(" ".join(p) if isinstance(p, list) else str(p) for p in parts if p).strip()
    return ""


def read_vcards(path: Path) -> list[IncomingContact]:
    """Every card in a .vcf file, refused as a whole when the file is not readable vCard."""
    import vobject  # ~60 ms with its imports: only when contacts are imported

    shown = one_line(str(path))
    data = read_input_file(path, shown)
    text = _decode(data, shown)
    if not re.search(r"(?im)^BEGIN:VCARD\s*$", text):
        raise InputError(f"{shown} holds no vCard (no BEGIN:VCARD line); nothing was imported")
    contacts = []
    try:
        for number, card in enumerate(vobject.readComponents(_join_soft_breaks(text)), 1):
            if card.name.upper() != "VCARD":
                continue
            # ORG is "name;unit;unit" (ORG:IBM;Accounting): the company is the name alone.
            org = _values(card, "org", first_component=True)
            role = _values(card, "title") or _values(card, "role")
            kind = _values(card, "kind")
            contacts.append(
                IncomingContact(
                    name=" ".join(_name(card).split()),
                    emails=_values(card, "email"),
                    phones=_values(card, "tel"),
                    organization=org[0] if org else None,
                    role=role[0] if role else None,
                    origin=f"{shown} card {number}",
                    kind=kind[0].lower() if kind else "individual",
                )
            )
    except Exception as error:  # vobject raises several kinds on broken input
        detail = one_line(str(error))[:120]
        raise InputError(
            f"{shown} is not a readable vCard file ({detail}); nothing was imported"
        ) from None
    return contacts


def escape_text(value: str) -> str:
    """A single-value text property (RFC 6350 §3.4): `\\`, `,` and line breaks escaped."""
    value = value.replace("\\", "\\\\").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def escape_component(value: str) -> str:
    """One component of a structured value (N, ORG): the semicolon is escaped too."""
    return escape_text(value).replace(";", "\\;")


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character; CRLF endings."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out) + "\r\n"


def _split_name(name: str) -> tuple[str, str]:
    """(family, given) for the N property, which vCard 3.0 requires: the last word is taken
    as the family name; FN keeps the name exactly as written."""
    parts = name.rsplit(" ", 1)
    return (parts[1], parts[0]) if len(parts) == 2 else (name, "")


def write_vcard(
    name: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    organization: str | None = None,
    role: str | None = None,
) -> str:
    """One contact as a vCard 3.0 card."""
    family, given = _split_name(name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{escape_text(name)}",
        f"N:{escape_component(family)};{escape_component(given)};;;",
    ]
    if organization:
        lines.append(f"ORG:{escape_component(organization)}")
    if role:
        lines.append(f"TITLE:{escape_text(role)}")
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET:{escape_text(email)}")
    if phone:
        lines.append(f"TEL;TYPE=VOICE:{escape_text(phone)}")
    lines.append("END:VCARD")
    return "".join(fold_line(line) for line in lines)


def write_vcards(cards: Iterable[dict[str, str | None]]) -> str:
    """Several contacts (`name`, `email`, `phone`, `organization`, `role`) as one file."""
    return "".join(
        write_vcard(
            card["name"] or "",
            email=card.get("email"),
            phone=card.get("phone"),
            organization=card.get("organization"),
            role=card.get("role"),
        )
        for card in cards
    )
