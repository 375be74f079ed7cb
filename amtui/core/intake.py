"""Intake rules (issue 8): what an incoming mail or form row means, as pure functions.

The parsers in `amtui.io` turn outside data into the plain values below (`IncomingMail`,
`IncomingBrief`); these functions decide what they mean (a reply or a new lead, its title,
its de-duplication key, a partner by domain, when it arrived); `amtui.core.intake_store`
writes the result, one transaction per item. Nothing here touches the database or the clock.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from amtui.core.text import fold

#: How far ahead of the import a Date header may be before it is called a future date
#: (clocks drift; a mail "from" a minute ahead is normal).
FUTURE_SLACK = timedelta(minutes=5)
#: How much of the body goes into a mail's content hash (for mail without a Message-ID).
HASH_BODY_CHARS = 500
#: Lead titles longer than this are cut (a subject can be a paragraph).
TITLE_MAX = 200
#: A mail's text kept on its lead (a newsletter converted from HTML can run to megabytes).
BODY_MAX = 20_000

# Reply and forward prefixes in the languages account managers meet, with counters
# (`Re[2]:`, `Re(3):`), fullwidth colons, and `[list tags]`: removed again and again.
_PREFIX = re.compile(
    # Outlook writes them in its own language: Italian R:/I: (one real mail in
    # tests/io/data/mail-parser is "I: Ordine"), Spanish RV:, Portuguese ENC:, Polish Odp:/PD:.
    r"^\s*(?:(?:re|fwd?|fw|aw|wg|sv|vs|tr|rif|antw|ответ|отв|пересл|переслать|рев"
    r"|r|i|rv|enc|odp|pd|doorst)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|\[[^\]\n]*\])\s*",
    re.IGNORECASE,
)

#: Mail providers whose domain says nothing about the company behind an address.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "t-online.de",
        "mail.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "zoho.com",
        "yandex.ru",
        "yandex.com",
        "ya.ru",
        "mail.ru",
        "bk.ru",
        "list.ru",
        "inbox.ru",
        "rambler.ru",
        "qq.com",
        "163.com",
        "126.com",
        "fastmail.com",
        "hey.com",
        "tutanota.com",
    }
)


@dataclass(frozen=True)
class Attachment:
    name: str
    size: int  # bytes, decoded


@dataclass
class IncomingMail:
    """One mail as read from a file or a server, in plain values."""

    message_id: str | None  # "<id@host>", normalised by `normalize_message_id`
    references: tuple[str, ...]  # In-Reply-To first, then References, newest first
    subject: str
    sender_name: str | None
    sender_email: str | None
    date: datetime | None  # the Date header, aware; None when missing or unreadable
    body: str  # plain text, quoted history trimmed
    recipients: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    sender_unclear: bool = False  # the From header was malformed (e.g. `a@x <b@y>`)
    date_problem: str | None = None  # why `date` is None ("missing", "unreadable: …")
    origin: str = ""  # where it was read from, for messages


@dataclass
class IncomingBrief:
    """One filled-in web form, in plain values: the contact and the other answers in order."""

    row_key: str  # the form's own row id, or a hash of the row
    received: datetime | None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    title: str | None = None
    answers: list[tuple[str, str]] = field(default_factory=list)
    origin: str = ""
    form: str = ""  # the preset or configured form it was read with


def normalize_message_id(value: str | None) -> str | None:
    """`<id@host>` from a header value (angle brackets added, whitespace removed); None for
    an empty or absent id."""
    if not value:
        return None
    found = re.search(r"<([^<>\s]+)>", value)
    text = found.group(1) if found else "".join(value.split()).strip("<>")
    return f"<{text}>" if text else None


def parse_references(in_reply_to: str | None, references: str | None) -> tuple[str, ...]:
    """Message-IDs a mail answers: In-Reply-To first, then References newest first, once each."""
    ids: list[str] = []
    for header in (in_reply_to, references):
        if not header:
            continue
        found = re.findall(r"<[^<>\s]+>", header)
        if header is references:
            found.reverse()
        for item in found:
            if item not in ids:
                ids.append(item)
    return tuple(ids)


def clean_title(subject: str | None, fallback: str = "(no subject)") -> str:
    """A lead title from a subject: reply/forward prefixes (Re:, Fwd:, FW:, Ответ:, Отв:,
    Пересл:, AW:, WG:, …) and `[tags]` removed, whitespace collapsed, one line."""
    text = " ".join((subject or "").split())
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    text = text.strip()
    if len(text) > TITLE_MAX:
        text = text[: TITLE_MAX - 1].rstrip() + "…"
    return text or fallback


def mail_key(mail: IncomingMail) -> str:
    """The de-duplication key of a mail: its Message-ID, else a hash of what stays the same
    wherever the mail is read (sender, date, subject, the start of the body); never the raw
    bytes, whose `Received:` headers differ between a server and a file."""
    if mail.message_id:
        return mail.message_id
    date = mail.date.isoformat() if mail.date else ""
    body = " ".join(mail.body.split())[:HASH_BODY_CHARS]
    parts = [fold(mail.sender_email or ""), date, " ".join(mail.subject.split()), body]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"mail-sha256:{digest}"


def row_key(form: str, row_id: str | None, cells: Sequence[str]) -> str:
    """The de-duplication key of a form row: the form's own id (Typeform `#`, Tally's
    submission id) or, where a form has none (Google Forms), a hash of the whole row, so that
    a later export of the same form with more rows adds only the new ones."""
    if row_id and row_id.strip():
        return f"form:{form}:{row_id.strip()}"
    digest = hashlib.sha256("\x1f".join(c.strip() for c in cells).encode("utf-8")).hexdigest()
    return f"form:{form}:sha256:{digest}"


def domain_of(address: str | None) -> str | None:
    """The domain of an email address, lower case; None when there is none."""
    if not address or "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().strip(">").lower().rstrip(".")
    return domain or None


def domain_matches(domain: str | None, listed: str) -> bool:
    """True when `domain` is `listed` or one of its subdomains (`mail.studio.example`)."""
    if not domain:
        return False
    listed = listed.lower().lstrip("@").rstrip(".")
    return domain == listed or domain.endswith("." + listed)


def partner_for(address: str | None, partners: Mapping[str, Iterable[str]]) -> str | None:
    """The partner agency whose listed domains include the sender's (config `[intake.partners]`:
    name → domains); None when the sender is not a partner."""
    domain = domain_of(address)
    for name, domains in partners.items():
        if any(domain_matches(domain, listed) for listed in domains):
            return name
    return None


def is_company_domain(domain: str | None) -> bool:
    """A domain that names a company: not a free mail provider's."""
    return bool(domain) and domain not in FREE_MAIL_DOMAINS


def is_own_address(address: str | None, own: Iterable[str]) -> bool:
    """True when `address` is one of the user's own (config `intake.me`): an address, or
    `@domain` for a whole domain."""
    if not address:
        return False
    address = fold(address)
    for item in own:
        item = fold(item)
        if item.startswith("@"):
            if domain_matches(domain_of(address), item):
                return True
        elif address == item:
            return True
    return False


def received_at(
    date: datetime | None, problem: str | None, *, now: datetime
) -> tuple[datetime, str]:
    """When a mail arrived: its Date header, or the time of import when the date is missing,
    unreadable or in the future; the second value says which, for the user ("" when fine)."""
    if date is None:
        return now, f"date {problem or 'missing'}: used the time of import"
    if date > now + FUTURE_SLACK:
        return now, f"date {date.isoformat()} is in the future: used the time of import"
    return date, ""


def mail_title(mail: IncomingMail) -> str:
    """A new lead's title: the cleaned subject, else who it is from."""
    who = mail.sender_name or mail.sender_email
    return clean_title(mail.subject, fallback=f"Mail from {who}" if who else "(no subject)")


def brief_title(brief: IncomingBrief) -> str:
    """A web brief's title: its title column, else who filled it in."""
    if brief.title and brief.title.strip():
        return clean_title(brief.title)
    who = brief.company or brief.name or brief.email or brief.phone
    return clean_title(f"Web brief from {who}" if who else "Web brief")


_QUOTE_HEADER = re.compile(
    r"^(?:-{2,}\s*(?:original message|forwarded message|исходное сообщение|"
    r"пересылаемое сообщение|weitergeleitete nachricht|ursprüngliche nachricht)\s*-{2,}"
    r"|.*\b(?:wrote|schrieb|a écrit|escribió|писал|писала|пишет|написал|написала)\s*:"
    r"|_{10,})$",
    re.IGNORECASE,
)
# Outlook quotes without `>`: a `From:` line followed by `Sent:`/`Date:` (in any order).
_OUTLOOK_FROM = re.compile(r"^(?:from|von|de|от|отправитель)\s*:", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^(?:sent|date|to|gesendet|datum|an|envoyé|отправлено|дата|кому)\s*:", re.IGNORECASE
)


# Gmail in Russian (and Yandex, Mail.ru) names the author without a verb:
# `пн, 30 нояб. 2026 г. в 10:00, Анна <anna@x.example>:`, then the quoted lines.
_ADDRESS_COLON = re.compile(r".*<[^<>\s]+@[^<>\s]+>\s*:$")


def _next_text(lines: list[str], index: int) -> str:
    return next((x.strip() for x in lines[index + 1 :] if x.strip()), "")


def _starts_quote(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    if line == "--" or _QUOTE_HEADER.match(line):
        return True
    if _ADDRESS_COLON.match(line) and _next_text(lines, index).startswith(">"):
        return True
    # Gmail wraps a long "On …, Anna <anna@x.example>" / "wrote:" over two lines.
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if re.match(r"(?i)on\b|am\b|le\b|el\b", line) and _QUOTE_HEADER.match(following):
        return bool(re.fullmatch(r"(?i)\S*\s*(?:wrote|schrieb|a écrit|escribió)\s*:", following))
    if _OUTLOOK_FROM.match(line):
        return bool(_OUTLOOK_NEXT.match(_next_text(lines, index)))
    return False


def trim_quoted(body: str) -> str:
    """The new part of a mail body: quoted history (`> …` lines, "On … wrote:", "-----Original
    Message-----", an Outlook `From:`/`Sent:` block, a trailing signature after `-- `)
    removed; the text is kept whole when trimming would leave nothing."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = len(lines)
    seen_text = False
    for index, line in enumerate(lines):
        if seen_text and _starts_quote(lines, index):
            cut = index
            break
        stripped = line.strip()
        if stripped and not stripped.startswith(">"):
            seen_text = True
    kept = [line.rstrip() for line in lines[:cut] if not line.lstrip().startswith(">")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return text or body.strip()


def format_size(size: int) -> str:
    """`12 KB`, `1.4 MB`: an attachment's size for the lead's notes."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def mail_notes(mail: IncomingMail) -> str:
    """What a mail lead keeps as its text: the body (the first `BODY_MAX` characters), then
    its attachments by name and size."""
    body = mail.body.strip()
    if len(body) > BODY_MAX:
        body = body[:BODY_MAX].rstrip() + f"\n… ({len(body) - BODY_MAX} more characters not kept)"
    parts = [body]
    if mail.attachments:
        listed = ", ".join(f"{a.name} ({format_size(a.size)})" for a in mail.attachments)
        parts.append(f"Attachments: {listed}")
    return "\n\n".join(part for part in parts if part)


@dataclass
class Tally:
    """Counts for the one-line summary of an intake run."""

    leads: int = 0
    replies: int = 0
    sent: int = 0
    seen: int = 0
    skipped: int = 0
    updated: int = 0
    older: int = 0  # mail dated before --since, left out unread
    errors: list[str] = field(default_factory=list)  # sources that failed (`intake run`)
    kinds: tuple[str, str] = ("new lead", "new leads")
    mail: bool = True  # say how many replies were linked (mail can carry replies)

    @property
    def new(self) -> int:
        """What came in that was not there before (exit 0 when any)."""
        return self.leads + self.replies + self.sent + self.updated

    def count(self, outcome: str) -> None:
        new = {"lead": "leads", "contact": "leads", "task": "leads", "reply": "replies"}
        attribute = new.get(outcome, outcome)
        setattr(self, attribute, getattr(self, attribute) + 1)

    def add(self, other: Tally) -> None:
        self.mail = self.mail or other.mail
        self.errors.extend(other.errors)
        for name in ("leads", "replies", "sent", "seen", "skipped", "updated", "older"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self, *, dry_run: bool = False) -> str:
        """`12 new leads, 3 replies linked, 40 already seen` (what would happen, with --dry-run)."""
        one, many = self.kinds
        parts = [f"{self.leads} {one if self.leads == 1 else many}"]
        if self.updated:
            parts.append(f"{self.updated} updated")
        if self.mail or self.replies:
            parts.append(f"{self.replies} {'reply' if self.replies == 1 else 'replies'} linked")
        if self.sent:
            parts.append(f"{self.sent} sent {'mail' if self.sent == 1 else 'mails'} linked")
        parts.append(f"{self.seen} already seen")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.older:
            parts.append(f"{self.older} older than --since")
        text = ", ".join(parts)
        return f"dry run, nothing written: would add {text}" if dry_run else text


@dataclass
class IncomingContact:
    """A person from an address book (a vCard), in plain values."""

    name: str
    emails: list[str] = field(default_factory=list)  # preferred first
    phones: list[str] = field(default_factory=list)  # preferred first
    organization: str | None = None
    role: str | None = None
    origin: str = ""
    kind: str = "individual"  # vCard 4.0 KIND: individual, org, group or location


def phone_key(phone: str | None) -> str | None:
    """A phone number for comparison: its digits, the last ten when there are more (so that
    `+7 900 123-45-67` and `8 (900) 1234567` are the same number)."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 5:
        return None
    return digits[-10:]
