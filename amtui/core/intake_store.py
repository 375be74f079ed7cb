"""Intake services: write what the parsers read, each mail or form row whole or not at all.

Each item is written inside its own savepoint, so a kill (or an item that fails half-way)
leaves whole items only: a mail is its lead or its timeline entry plus its `intake_item` row,
or nothing, and the next run skips what is there by key. Items are committed in short
batches (at most `BATCH_SECONDS` of work per transaction): with `synchronous=FULL` every
commit waits for the disk (~7 ms here), which alone would take 70 s for 10 000 mails, while a
batch holds the write lock briefly enough for the TUI and other commands to write in between.
A dry run makes the same decisions on read transactions and writes nothing; it remembers the
leads it would have made so that a reply later in the same run is shown as a reply.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Self

from amtui.core import journal
from amtui.core.activities import record_activity
from amtui.core.config import Config
from amtui.core.intake import (
    IncomingBrief,
    IncomingContact,
    IncomingMail,
    brief_title,
    domain_of,
    is_company_domain,
    is_own_address,
    mail_key,
    mail_notes,
    mail_title,
    partner_for,
    phone_key,
    received_at,
)
from amtui.core.leads import LeadDraft, create_lead
from amtui.core.lookup import client_by_key
from amtui.core.models import (
    CLOSED_STAGES,
    Channel,
    Client,
    Contact,
    ImapState,
    IntakeItem,
    Lead,
    Source,
    first,
    get,
    insert,
    records,
    save,
)
from amtui.core.sql import Database, Tx, is_database_error
from amtui.core.text import fold


@dataclass(frozen=True)
class Outcome:
    """What intake did (or, in a dry run, would do) with one item."""

    kind: str  # "lead", "reply", "sent", "seen", "skipped"; "contact", "updated" for vCards;
    # "task" for tasks from another tool (`amtui.core.tool_import`)
    title: str
    ref: str | None = None  # "L12" (None in a dry run for a new lead); a contact's client
    note: str = ""  # why it was skipped, a date that was replaced, a sender that was unclear

    def describe(self, *, dry_run: bool = False) -> str:
        """`new lead L12: Website redesign` / `reply → L7: …` / `skipped: … (why)`."""
        verbs = {
            "lead": "would create lead" if dry_run else "new lead",
            "reply": "would link reply to" if dry_run else "reply linked to",
            "sent": "would link your mail to" if dry_run else "your mail linked to",
            "seen": "already seen",
            "skipped": "skipped",
            "contact": "would add contact at" if dry_run else "new contact at",
            "updated": "would update contact at" if dry_run else "updated contact at",
            "task": "would create task" if dry_run else "new task",
        }
        head = verbs[self.kind] + (f" {self.ref}" if self.ref else "")
        tail = f" ({self.note})" if self.note else ""
        return f"{head}: {self.title}{tail}"


def find_client_for(tx: Tx, address: str | None) -> Client | None:
    """The client a sender belongs to: the client of a contact with this address, else of a
    contact (or lead) at the same company domain (never a free-mail domain such as gmail)."""
    if not address:
        return None
    key = fold(address)
    exact = first(
        tx,
        Client,
        "SELECT client.* FROM client JOIN contact ON contact.client_id = client.id "
        "WHERE lower(contact.email) = :key ORDER BY contact.id LIMIT 1",
        {"key": key.lower()},
    )
    if exact is not None:
        return exact
    domain = domain_of(address)
    if not is_company_domain(domain):
        return None
    for table, column in (("contact", "email"), ("lead", "contact_email")):
        found = first(
            tx,
            Client,
            f"SELECT client.* FROM client JOIN {table} ON {table}.client_id = client.id "
            f"WHERE lower({table}.{column}) LIKE :pattern ORDER BY {table}.id LIMIT 1",
            {"pattern": f"%@{domain}"},
        )
        if found is not None:
            return found
    return None


class _ClientMap:
    """Who a sender belongs to, as `find_client_for` decides it, from one read of the contact
    and lead tables: a contact's exact address first, then the company domain of a contact,
    then of a lead (the earliest record wins each time)."""

    def __init__(self) -> None:
        self.addresses: dict[str, int] = {}
        self.contact_domains: dict[str, int] = {}
        self.lead_domains: dict[str, int] = {}

    @classmethod
    def read(cls, tx: Tx) -> _ClientMap:
        found = cls()
        for email, client_id in tx.tuples(
            "SELECT email, client_id FROM contact "
            "WHERE email IS NOT NULL AND client_id IS NOT NULL ORDER BY id"
        ):
            found.addresses.setdefault(fold(email), client_id)
            found._add(found.contact_domains, email, client_id)
        for email, client_id in tx.tuples(
            "SELECT contact_email, client_id FROM lead "
            "WHERE contact_email IS NOT NULL AND client_id IS NOT NULL ORDER BY id"
        ):
            found._add(found.lead_domains, email, client_id)
        return found

    @staticmethod
    def _add(domains: dict[str, int], email: str, client_id: int) -> None:
        domain = domain_of(email)
        if domain and is_company_domain(domain):
            domains.setdefault(domain, client_id)

    def add_lead(self, email: str, client_id: int) -> None:
        self._add(self.lead_domains, email, client_id)

    def find(self, address: str) -> int | None:
        exact = self.addresses.get(fold(address))
        if exact is not None:
            return exact
        domain = domain_of(address)
        if not domain or not is_company_domain(domain):
            return None
        return self.contact_domains.get(domain) or self.lead_domains.get(domain)


#: How long one intake transaction may run before it is committed (items stay whole).
BATCH_SECONDS = 0.5


class Intake:
    """One intake run: the known keys are read once, then each item is written whole in a
    savepoint of a short batch transaction. Use it as a context manager (or call `commit`):
    leaving the block commits what was written; a storage error rolls the open batch back."""

    #: What the undo journal calls a run (`amtui undo --list`).
    ACTION = "intake"

    def __init__(
        self,
        db: Database,
        *,
        now: datetime,
        config: Config,
        dry_run: bool = False,
        summary: str = "",
    ):
        self.db, self.now, self.config, self.dry_run = db, now, config, dry_run
        #: Every batch is one journal entry of this run: undo takes the run back whole.
        self.run = journal.Run(self.ACTION, summary, now=now)
        self._seen: set[str] | None = None
        self._planned: dict[str, str] = {}  # dry run: Message-ID → title of the lead it makes
        self._batch: AbstractContextManager[Tx] | None = None
        self._tx: Tx | None = None
        self._opened = 0.0
        self._clients: _ClientMap | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if is_database_error(error):
            self._close(kind, error, trace)  # the transaction may be unusable: roll it back
        else:
            self.commit()  # whole items only are in it (a failed item's savepoint is undone)

    def commit(self) -> None:
        """Commit the open batch, if any."""
        self._close(None, None, None)

    def _close(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        batch, self._batch, self._tx = self._batch, None, None
        if batch is not None:
            batch.__exit__(kind, error, trace)

    @property
    def seen(self) -> set[str]:
        """Every key intake has recorded (one query, then kept in memory for the run)."""
        if self._seen is None:
            with self.db.read() as tx:
                self._seen = set(tx.column("SELECT key FROM intake_item"))
        return self._seen

    def is_seen(self, key: str) -> bool:
        return key in self.seen

    @contextmanager
    def _transaction(self) -> Iterator[Tx]:
        """One item: a read transaction in a dry run, else a savepoint of the open batch."""
        if self.dry_run:
            with self.db.read() as tx:
                yield tx
            return
        if self._tx is not None and time.monotonic() - self._opened > BATCH_SECONDS:
            self.commit()
        if self._tx is None:
            self._batch = self.db.write()
            self._tx = self._batch.__enter__()
            journal.join(self._tx, self.run)
            self._opened = time.monotonic()
        with self._tx.savepoint() as tx:
            yield tx

    def _record(
        self,
        tx: Tx,
        key: str,
        kind: str,
        outcome: str,
        *,
        occurred: datetime,
        origin: str,
        lead: Lead | None = None,
        direction: str = "in",
    ) -> None:
        self.seen.add(key)
        if self.dry_run:
            return
        insert(
            tx,
            IntakeItem(
                key=key,
                kind=kind,
                direction=direction,
                outcome=outcome,
                lead_id=lead.id if lead else None,
                origin=origin,
                occurred_at=occurred,
                imported_at=self.now,
            ),
        )

    def save_imap_state(self, account: str, folder: str, uidvalidity: int, last_uid: int) -> None:
        """Remember a folder's UIDVALIDITY and the last UID read, in the same transaction as
        the mails before it (nothing in a dry run)."""
        if self.dry_run:
            return
        with self._transaction() as tx:
            tx.run(
                "INSERT INTO imap_state (account, folder, uidvalidity, last_uid, synced_at) "
                "VALUES (:account, :folder, :uidvalidity, :last_uid, :now) "
                "ON CONFLICT (account, folder) DO UPDATE SET uidvalidity = :uidvalidity, "
                "last_uid = :last_uid, synced_at = :now",
                {
                    "account": account,
                    "folder": folder,
                    "uidvalidity": uidvalidity,
                    "last_uid": last_uid,
                    "now": self.now,
                },
            )

    # -- mail ----------------------------------------------------------------------------

    def receive_mail(
        self, mail: IncomingMail, key: str | None = None, *, sent: bool = False
    ) -> Outcome:
        """A mail from a client, a partner or you: a reply on the lead whose thread it names,
        else a new lead (from you: your answer on that lead, else skipped). `sent` marks mail
        read from a sent-mail folder as yours whatever its From says."""
        key = key or mail_key(mail)
        title = mail_title(mail)
        if key in self.seen:
            return Outcome("seen", title)
        when, date_note = received_at(mail.date, mail.date_problem, now=self.now)
        notes = [n for n in (date_note, "sender unclear" if mail.sender_unclear else "") if n]
        own = sent or is_own_address(mail.sender_email, self.config.intake.me)
        with self._transaction() as tx:
            taken, existing = self._taken_or_held(tx, key, mail.message_id)
            if taken:
                return Outcome("seen", title)
            if existing is not None:  # added by hand with --external-id
                self._record(
                    tx, key, "mail", "lead", occurred=when, origin=mail.origin, lead=existing
                )
                return Outcome("seen", title, existing.ref)
            thread = self._thread(tx, mail.references)
            if thread is not None:
                return self._reply(tx, mail, key, thread, when, own, notes)
            planned = self._planned_thread(mail.references)
            if planned is not None:  # dry run: a reply to a lead this run would create
                self._plan(mail, key, planned)
                return Outcome("sent" if own else "reply", planned, None, "; ".join(notes))
            if own:
                self._record(
                    tx,
                    key,
                    "mail",
                    "skipped",
                    occurred=when,
                    origin=mail.origin,
                    direction="out",
                )
                return Outcome("skipped", title, note="sent by you, not in a known thread")
            if not mail.sender_email and not mail.sender_name:
                # A MIME part or a draft saved as a file: nobody sent it, nobody to answer.
                self._record(tx, key, "mail", "skipped", occurred=when, origin=mail.origin)
                return Outcome("skipped", title, note="no sender (From header): not a lead")
            return self._new_lead(tx, mail, key, title, when, notes)

    def _taken_or_held(self, tx: Tx, key: str, message_id: str | None) -> tuple[bool, Lead | None]:
        """`_taken`, and the lead that already carries this Message-ID as its external id
        (made by hand with --external-id), in one statement: it runs for every mail."""
        if not message_id:
            return self._taken(tx, key), None
        row = tx.one(
            "SELECT (SELECT id FROM intake_item WHERE key = :key) AS item, "
            "(SELECT id FROM lead WHERE external_id = :mid) AS lead",
            {"key": key, "mid": message_id},
        )
        assert row is not None  # a SELECT without FROM returns one row
        if row["item"] is not None:
            self.seen.add(key)
            return True, None
        return False, None if row["lead"] is None else get(tx, Lead, row["lead"])

    def _taken(self, tx: Tx, key: str) -> bool:
        """True when another run recorded `key` since this one read the keys."""
        if tx.scalar("SELECT id FROM intake_item WHERE key = :key", {"key": key}) is not None:
            self.seen.add(key)
            return True
        return False

    def _thread(self, tx: Tx, references: Iterable[str]) -> Lead | None:
        """The lead of the first referenced Message-ID amtui holds (its own or a lead's)."""
        wanted = tuple(references)
        if not wanted:
            return None
        items: dict[str, int] = {}
        leads: dict[str, int] = {}
        for origin, reference, lead_id in tx.tuples(
            "SELECT 'item', key, lead_id FROM intake_item "
            "WHERE key IN :refs AND lead_id IS NOT NULL "
            "UNION ALL SELECT 'lead', external_id, id FROM lead WHERE external_id IN :refs",
            {"refs": wanted},
        ):
            (items if origin == "item" else leads).setdefault(reference, lead_id)
        for reference in wanted:
            lead_id = items.get(reference) or leads.get(reference)
            if lead_id is not None:
                return get(tx, Lead, lead_id)
        return None

    def _planned_thread(self, references: Iterable[str]) -> str | None:
        return next((self._planned[r] for r in references if r in self._planned), None)

    def _plan(self, mail: IncomingMail, key: str, title: str) -> None:
        """Dry run: remember the item, and the lead its thread leads to."""
        self.seen.add(key)
        if mail.message_id:
            self._planned[mail.message_id] = title

    def _reply(
        self,
        tx: Tx,
        mail: IncomingMail,
        key: str,
        lead: Lead,
        when: datetime,
        own: bool,
        notes: list[str],
    ) -> Outcome:
        from amtui.core.pipeline import LADDER_GOES_ON, LogKind, log_contact

        kind = "sent" if own else "reply"
        occurred = max(when, lead.received_at)  # a skewed clock must not predate the lead
        if self.dry_run:
            self._plan(mail, key, lead.title)
            return Outcome(kind, lead.title, lead.ref, "; ".join(notes))
        text = mail_notes(mail)
        data = {"subject": mail.subject, "message_id": mail.message_id, "from": mail.sender_email}
        log_kind = LogKind.EMAIL_OUT.value if own else LogKind.EMAIL_IN.value
        if lead.stage in CLOSED_STAGES:
            # Won or lost: the mail goes on the timeline; the pipeline is not touched.
            record_activity(tx, lead, log_kind, text, now=self.now, occurred_at=occurred, data=data)
            notes.append(f"the lead is {lead.stage}")
        else:
            result = log_contact(
                tx,
                lead,
                log_kind,
                text,
                now=self.now,
                config=self.config,
                occurred=occurred,
                data=data,
            )
            if LADDER_GOES_ON in result.events:
                notes.append("sent before the follow-up ladder began: it goes on")
        self._record(
            tx,
            key,
            "mail",
            kind,
            occurred=when,
            origin=mail.origin,
            lead=lead,
            direction="out" if own else "in",
        )
        return Outcome(kind, lead.title, lead.ref, "; ".join(notes))

    def _new_lead(
        self,
        tx: Tx,
        mail: IncomingMail,
        key: str,
        title: str,
        when: datetime,
        notes: list[str],
    ) -> Outcome:
        partner, client = self._sender(tx, mail.sender_email, None, notes)
        email = _valid_email(mail.sender_email)
        if mail.sender_email and email is None:  # e.g. `a@b@c`: kept in the text, not lost
            notes.append(f"sender address unreadable: {mail.sender_email}")
        if self.dry_run:
            self._plan(mail, key, title)
            return Outcome("lead", title, None, "; ".join(notes))
        draft = LeadDraft(
            title=title,
            source=Source.PARTNER.value if partner else Source.CLIENT.value,
            partner=partner,
            channel=Channel.EMAIL.value,
            contact_name=mail.sender_name,
            contact_email=email,
            received=when,
            external_id=mail.message_id,
            notes=mail_notes(mail),
        )
        activity = "via email" + (f" ({'; '.join(notes)})" if notes else "")
        result = create_lead(
            tx, draft, now=self.now, config=self.config, client=client, activity=activity
        )
        self._note_client(result.lead)
        self._record(tx, key, "mail", "lead", occurred=when, origin=mail.origin, lead=result.lead)
        return Outcome("lead", title, result.lead.ref, "; ".join(notes))

    def _sender(
        self, tx: Tx, address: str | None, company: str | None, notes: list[str]
    ) -> tuple[str | None, Client | None]:
        """Who sent it: a partner (by domain), else a client (by contact address or domain,
        or a form's company field naming a client exactly); noted for the user."""
        partner = partner_for(address, self.config.intake.partners)
        if partner:
            notes.append(f"partner {partner}")
            return partner, None
        client = self._client_for(tx, address)
        if client is None and company:
            client = client_by_key(tx, fold(company))
        if client is not None:
            notes.append(f"client {client.name}")
        return None, client

    def _client_for(self, tx: Tx, address: str | None) -> Client | None:
        """`find_client_for`, answered from every contact's address and every company domain
        read once a run: asked per new lead, its `LIKE '%@domain'` scans of the contact and lead
        tables made an import quadratic (7 of 20 s of CPU for 10 000 mails). A contact added
        elsewhere while the run goes is seen by the next run."""
        if not address:
            return None
        if self._clients is None:
            self._clients = _ClientMap.read(tx)
        client_id = self._clients.find(address)
        return None if client_id is None else get(tx, Client, client_id)

    def _note_client(self, lead: Lead) -> None:
        """A lead this run made for a client: its company domain now leads to that client."""
        if self._clients is not None and lead.client_id is not None and lead.contact_email:
            self._clients.add_lead(lead.contact_email, lead.client_id)

    # -- web forms -------------------------------------------------------------------------

    def receive_brief(self, brief: IncomingBrief) -> Outcome:
        """A filled-in web form: a new lead with channel web-brief and its answers as the brief."""
        title = brief_title(brief)
        if brief.row_key in self.seen:
            return Outcome("seen", title)
        when, date_note = received_at(brief.received, "missing", now=self.now)
        notes = [date_note] if date_note else []
        email, answers = _valid_email(brief.email), list(brief.answers)
        if brief.email and email is None:  # not an address: kept as an answer, not lost
            answers.insert(0, ("Email", brief.email))
        with self._transaction() as tx:
            if self._taken(tx, brief.row_key):
                return Outcome("seen", title)
            partner, client = self._sender(tx, brief.email, brief.company, notes)
            if self.dry_run:
                self.seen.add(brief.row_key)
                return Outcome("lead", title, None, "; ".join(notes))
            draft = LeadDraft(
                title=title,
                source=Source.PARTNER.value if partner else Source.CLIENT.value,
                partner=partner,
                channel=Channel.WEB_BRIEF.value,
                contact_name=brief.name,
                contact_email=email,
                contact_phone=brief.phone,
                received=when,
                brief=answers,
            )
            activity = f"via web brief ({brief.form})" + (f"; {'; '.join(notes)}" if notes else "")
            result = create_lead(
                tx, draft, now=self.now, config=self.config, client=client, activity=activity
            )
            self._note_client(result.lead)
            self._record(
                tx,
                brief.row_key,
                "form",
                "lead",
                occurred=when,
                origin=brief.origin,
                lead=result.lead,
            )
            return Outcome("lead", title, result.lead.ref, "; ".join(notes))


def import_contact(
    db: Database,
    card: IncomingContact,
    *,
    now: datetime,
    client: str | None = None,
    dry_run: bool = False,
) -> Outcome:
    """One person from an address book: already known (same email or phone at any client)
    adds nothing but the fields the contact lacked; otherwise added to `client`, else to the
    client its organisation names (created if new), else to the client of a known contact
    at the same company domain. One transaction."""
    from amtui.core.clients import ensure_client
    from amtui.core.lookup import find_client
    from amtui.core.validate import check_email

    title = card.name.strip() or (card.emails[0] if card.emails else "") or "(no name)"
    if card.kind in ("group", "location"):  # vCard 4.0 KIND: not a person to talk to
        return Outcome("skipped", title, None, f"a {card.kind} card, not a person")
    emails = [e for e in card.emails if _valid_email(e)]
    keys = {k for k in map(phone_key, card.phones) if k}
    with db.read() if dry_run else db.write() as tx:
        existing = _known_contact(tx, emails, keys)
        if existing is not None:
            contact, owner = existing
            changes = {
                "email": emails[0] if emails and not contact.email else None,
                "phone": card.phones[0] if card.phones and not contact.phone else None,
                "role": card.role if card.role and not contact.role else None,
            }
            changes = {k: v for k, v in changes.items() if v}
            if not changes:
                return Outcome("seen", title, owner.name)
            if not dry_run:
                for key, value in changes.items():
                    setattr(contact, key, value)
                save(tx, contact)
            return Outcome("updated", title, owner.name, "added " + ", ".join(sorted(changes)))
        target: Client | None = None
        created = False
        name = client or card.organization
        if name:
            # The user's --client may be a reference or a unique beginning; a card's ORG must
            # name a client exactly, or it is a new client ("Acme" is not "Acme Holdings").
            target = find_client(tx, name) if client else client_by_key(tx, fold(name))
            if target is None and not dry_run:
                target, created = ensure_client(tx, name, now=now)
            elif target is None:
                created = True
        else:
            target = find_client_for(tx, emails[0] if emails else None)
        if target is None and not created:
            return Outcome(
                "skipped", title, None, "no client: give --client, or an ORG in the card"
            )
        if target is not None and not emails and not keys:
            # Nothing to recognise the person by but the name: the same name at the same
            # client is the same person, so a second import adds nothing.
            same = records(
                tx, Contact, "SELECT * FROM contact WHERE client_id = :id", {"id": target.id}
            )
            if any(fold(c.name) == fold(title) for c in same):
                return Outcome("seen", title, target.name)
        note = f"new client {name}" if created else ""
        if dry_run:
            return Outcome("contact", title, target.name if target else name, note)
        assert target is not None and target.id is not None
        contact = Contact(
            client_id=target.id,
            name=title,
            email=check_email(emails[0]) if emails else None,
            phone=card.phones[0] if card.phones else None,
            role=card.role,
            created_at=now,
        )
        insert(tx, contact)
        return Outcome("contact", title, target.name, note)


def _known_contact(tx: Tx, emails: list[str], phones: set[str]) -> tuple[Contact, Client] | None:
    """A contact with one of these addresses (any case) or phone numbers, with its client."""
    lowered = tuple(e.lower() for e in emails)
    found: Contact | None = None
    if lowered:
        found = first(
            tx,
            Contact,
            "SELECT contact.* FROM contact JOIN client ON client.id = contact.client_id "
            "WHERE lower(contact.email) IN :emails ORDER BY contact.id LIMIT 1",
            {"emails": lowered},
        )
    if found is None and phones:
        candidates = records(
            tx,
            Contact,
            "SELECT contact.* FROM contact JOIN client ON client.id = contact.client_id "
            "WHERE contact.phone IS NOT NULL ORDER BY contact.id",
        )
        found = next((c for c in candidates if phone_key(c.phone) in phones), None)
    if found is None:
        return None
    owner = get(tx, Client, found.client_id)
    assert owner is not None  # the join found it
    return found, owner


def _valid_email(value: str | None) -> str | None:
    """A form's email cell when it reads as an address (otherwise it stays in the brief)."""
    import re

    if value and re.fullmatch(r"[^@\s]+@[^@\s]+", value.strip()):
        return value.strip()
    return None


def get_imap_state(db: Database, account: str, folder: str) -> ImapState | None:
    """Where the last sync of an IMAP folder stopped (None before the first)."""
    with db.read() as tx:
        return first(
            tx,
            ImapState,
            "SELECT * FROM imap_state WHERE account = :account AND folder = :folder",
            {"account": account, "folder": folder},
        )
