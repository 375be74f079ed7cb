"""One mail's bytes → `IncomingMail`: headers decoded whatever their charset claims, the body
as plain text, attachments by name and size.

Real mail is messy, so nothing here trusts a label: a charset that does not decode is tried as
its usual superset (gb2312 → gb18030, ks_c_5601 → cp949, iso-8859-1 → cp1252), then as UTF-8,
then as Cyrillic 8-bit (cp1251 or koi8-r, whichever reads as more Russian-like text);
raw 8-bit header bytes get the same treatment instead of becoming `�`. Parsing uses
`email.policy.default`; header values are taken raw and decoded here, because the policy
replaces undecodable bytes before we could recover them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import policy
from email.header import decode_header
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser, Parser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from amtui.core.intake import (
    Attachment,
    IncomingMail,
    normalize_message_id,
    parse_references,
    trim_quoted,
)
from amtui.io.html_text import html_to_text

#: Labels that lie in practice, read as the charset that is really meant (a superset).
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
}
# Letters most frequent in Russian text: decoded as the right code page, most letters land
# here; decoded as the wrong one, they turn into rare capitals and symbols.
_RUSSIAN_COMMON = set("оеаинтсрвлкмдпуяыьгзбчйОЕАИНТСРВЛКМДПУЯЫ ")
_HEADER_NAME = re.compile(rb"^[!-9;-~]+[ \t]*:")


class _Headers(HeaderRegistry):
    """`policy.default`'s header factory, remembering what it made. The stdlib builds a new
    class for every header it hands out and parses the value again on every `get` (a mail's
    Content-Type is read four to ten times while its parts are walked), which was two thirds of
    the time spent parsing a mail (bench/intake.py: 8.1 s of CPU for 10 000 mails, 2.6 s with
    this). Header objects are immutable strings, so the same (name, value) can share one."""

    _LIMIT = 256  # distinct headers kept: a mail reads its own again and again; most recur

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}
        self._made: dict[tuple[str, str], BaseHeader] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = super().__getitem__(key)
        return found

    def __call__(self, name: str, value: str) -> BaseHeader:
        if len(value) > 2000:  # a hostile giant header is parsed each time, never kept
            return self[name](name, value)
        key = (name, value)
        header = self._made.get(key)
        if header is None:
            if len(self._made) >= self._LIMIT:
                self._made.clear()
            header = self._made[key] = self[name](name, value)
        return header


#: `policy.default` with the remembering header factory: the same parsing, the same results.
POLICY = policy.default.clone(header_factory=_Headers())


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text from bytes labelled `charset` (which may be wrong, unknown or missing)."""
    label = (charset or "").strip().strip('"').lower()
    label = _CHARSET_ALIASES.get(label, label)
    if label:
        try:
            return data.decode(label)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _guess_8bit(data)


def _guess_8bit(data: bytes) -> str:
    """8-bit text without a usable label: Cyrillic cp1251 or koi8-r when it reads as Russian,
    else Western cp1252 (undecodable bytes as escapes, never `�`)."""
    high = sum(1 for byte in data if byte >= 0x80)
    if high:
        candidates = []
        for codec in ("cp1251", "koi8-r"):
            text = data.decode(codec, "replace")
            letters = [c for c in text if ord(c) >= 0x400]
            if letters:
                share = sum(1 for c in letters if c in _RUSSIAN_COMMON) / len(letters)
                candidates.append((share, text))
        if candidates:
            share, text = max(candidates)
            if share > 0.4:
                return text
    return data.decode("cp1252", "backslashreplace")


def decode_header_value(value: str | None) -> str:
    """A header as text: RFC 2047 words in any (mis)labelled charset, raw 8-bit bytes
    recovered, folding undone."""
    if not value:
        return ""
    raw = value.encode("ascii", "surrogateescape")  # the bytes as they were on the wire
    text = raw.decode("ascii") if raw.isascii() else decode_bytes(raw)
    text = re.sub(r"\r?\n[ \t]+", " ", text)
    if "=?" not in text:
        return text.strip()
    try:
        parts = decode_header(text)
    except (ValueError, LookupError, AssertionError):
        return text.strip()
    decoded = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            decoded.append(chunk)
        else:
            decoded.append(decode_bytes(chunk, charset))
    return "".join(decoded).strip()


def _raw_header(message: Message, name: str) -> str | None:
    """A header's value as stored (before the policy's decoding), the first of its name."""
    for key, value in message.raw_items():
        if key.lower() == name:
            return str(value)
    return None


def parse_sender(value: str) -> tuple[str | None, str | None, bool]:
    """(name, address, unclear) from a decoded From header. For `a@x <b@y>` the stdlib picks
    the wrong address: the one in angle brackets wins, and the sender is marked unclear."""
    value = value.strip()
    if not value:
        return None, None, True
    bracketed = re.findall(r"<\s*([^<>\s]+@[^<>\s]+)\s*>", value)
    if bracketed:
        address = bracketed[0]
        name = value[: value.index("<")].strip().strip('"').strip() or None
        unclear = len(bracketed) > 1 or bool(name and "@" in name and name != address)
        if name and "@" in name:
            name = None
        return name, address, unclear
    addresses = [a for _, a in getaddresses([value]) if a]
    name, address = parseaddr(value)
    if not address or "@" not in address:
        return (name or value or None), None, True
    return name or None, address, len(addresses) > 1


def parse_date(value: str | None) -> tuple[datetime | None, str | None]:
    """The Date header as an aware instant, or None and why (missing / unreadable)."""
    if not value or not value.strip():
        return None, "missing"
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        shown = " ".join(value.split())[:60]
        return None, f"unreadable ({shown!r})"
    if when.tzinfo is None:  # "-0000": UTC, origin unknown (RFC 5322 §3.3)
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC), None


def quick_headers(data: bytes) -> tuple[str | None, datetime | None]:
    """The Message-ID and date of raw mail, from its header block alone: how a re-run skips
    what it has seen without parsing bodies, and how files are put in date order."""
    end = data.find(b"\n\n")
    end2 = data.find(b"\r\n\r\n")
    cut = min(x for x in (end, end2, len(data)) if x >= 0)
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(data[:cut])
    value = headers.get("Message-ID")
    date, _ = parse_date(str(headers.get("Date") or ""))
    return (normalize_message_id(str(value)) if value is not None else None), date


def looks_like_mail(data: bytes) -> bool:
    """True when bytes start like an RFC 5322 message: header lines (after the `From `
    envelope line a mail saved from an mbox keeps), and at least one of the headers every
    mail or MIME message has. Binary garbage and other files fail."""
    head = data[:65536].lstrip(b"\r\n")
    if head.startswith(b"From "):
        head = head.split(b"\n", 1)[-1]
    if b"\x00" in head.split(b"\n\n", 1)[0]:
        return False
    first = head.split(b"\n", 1)[0]
    if not _HEADER_NAME.match(first):
        return False
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    names = {m.group(1).lower() for m in re.finditer(rb"(?m)^([!-9;-~]+)[ \t]*:", block)}
    return bool(
        names & {b"from", b"date", b"subject", b"message-id", b"mime-version", b"content-type"}
    )


def parse_mail(data: bytes, origin: str = "") -> IncomingMail:
    """Parse one mail; never raises on content (a malformed part becomes a note or is left out)."""
    message = BytesParser(policy=POLICY).parsebytes(data)
    name, address, unclear = parse_sender(decode_header_value(_raw_header(message, "from")))
    date, problem = parse_date(_raw_header(message, "date"))
    recipients = tuple(
        a
        for _, a in getaddresses(
            [decode_header_value(_raw_header(message, h)) for h in ("to", "cc")]
        )
        if a
    )
    body, attachments = _body(message)
    return IncomingMail(
        message_id=normalize_message_id(_raw_header(message, "message-id")),
        references=parse_references(
            _raw_header(message, "in-reply-to"), _raw_header(message, "references")
        ),
        subject=decode_header_value(_raw_header(message, "subject")),
        sender_name=name,
        sender_email=address,
        date=date,
        body=trim_quoted(body),
        recipients=recipients,
        attachments=tuple(attachments),
        sender_unclear=unclear,
        date_problem=problem,
        origin=origin,
    )


def _payload(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, TypeError, AssertionError):
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, TypeError, LookupError):
        name = None
    if name:
        return decode_header_value(name) if "=?" in name else name
    return None


def _leaves(part: Message) -> list[Message]:
    """The leaf parts of a mail, not descending into attached mails (message/rfc822), which
    are attachments of their own."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        return [part]
    payload = part.get_payload()
    if not isinstance(payload, list):
        return [part]
    return [leaf for child in payload if isinstance(child, Message) for leaf in _leaves(child)]


def _size(part: Message) -> int:
    if part.get_content_type() == "message/rfc822":
        try:
            return len(part.as_bytes(policy=policy.compat32))
        except (ValueError, TypeError, LookupError, UnicodeError):
            return 0
    return len(_payload(part))


def _smuggled(message: Message) -> list[Attachment]:
    """Parts after a multipart's closing boundary (the stdlib keeps them as its epilogue):
    a part nested under its parent's own boundary by a broken mailer (CPython's msg_15.txt,
    an Outlook Express mail), or a trick to hide an attachment that some mail programs still
    show (mail-parser's mail_malformed_1.eml hides a .zip so). Listed, and marked."""
    found: list[Attachment] = []
    for part in message.walk():
        epilogue = part.epilogue if part.is_multipart() else None
        boundary = part.get_boundary() if epilogue else None
        if not epilogue or not boundary or f"--{boundary}" not in epilogue:
            continue
        for chunk in epilogue.split(f"--{boundary}")[1:]:
            if chunk.startswith("--") or not chunk.strip():
                continue
            try:
                hidden = Parser(policy=POLICY).parsestr(chunk.lstrip("\r\n"))
                if hidden.get_content_maintype() == "multipart":
                    continue  # its parts follow in the same epilogue (the same boundary)
                name = _filename(hidden) or f"unnamed {hidden.get_content_type()}"
                size = _size(hidden)
            except (ValueError, TypeError, LookupError):
                continue
            found.append(Attachment(f"{name} (found after the end of the mail)", size))
    return found


def _body(message: EmailMessage) -> tuple[str, list[Attachment]]:
    """The text of a mail (its inline text/plain parts, else its first HTML part as text) and
    the list of its attachments (name and decoded size)."""
    plain: list[str] = []
    html: str | None = None
    attachments: list[Attachment] = []
    for part in _leaves(message):
        content_type = part.get_content_type()
        if content_type.startswith("multipart/"):
            continue  # a broken multipart with no parts: nothing to show or list
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        is_text = content_type in ("text/plain", "text/html")
        if disposition == "attachment" or (filename and disposition != "inline") or not is_text:
            if content_type == "message/rfc822" and not filename:
                filename = "forwarded message.eml"
            name = filename or f"unnamed {content_type}"
            attachments.append(Attachment(name, _size(part)))
            continue
        text = decode_bytes(_payload(part), part.get_content_charset())
        if content_type == "text/plain":
            if text.strip():
                plain.append(text.strip("\n"))
        elif html is None:
            html = text
    attachments.extend(_smuggled(message))
    if plain:
        return "\n\n".join(plain), attachments
    if html is not None:
        return html_to_text(html), attachments
    return "", attachments
