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

import sqlalchemy as sa
from sqlmodel import Session, col, select

from amtui.core.activities import record_activity
from amtui.core.config import Config
from amtui.core.db import Database
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
from amtui.core.models import (
    CLOSED_STAGES,
    Channel,
    Client,
    Contact,
    ImapState,
    IntakeItem,
    Lead,
    Source,
)
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


def find_client_for(session: Session, address: str | None) -> Client | None:
    """The client a sender belongs to: the client of a contact with this address, else of a
    contact (or lead) at the same company domain (never a free-mail domain such as gmail)."""
    if not address:
        return None
    key = fold(address)
    exact = session.exec(
        select(Client)
        .join(Contact, col(Contact.client_id) == col(Client.id))
        .where(sa.func.lower(col(Contact.email)) == key.lower())
        .limit(1)
    ).first()
    if exact is not None:
        return exact
    domain = domain_of(address)
    if not is_company_domain(domain):
        return None
    pattern = f"%@{domain}"
    for model in (Contact, Lead):
        column = Contact.email if model is Contact else Lead.contact_email
        owner = Contact.client_id if model is Contact else Lead.client_id
        found = session.exec(
            select(Client)
            .join(model, col(owner) == col(Client.id))
            .where(sa.func.lower(col(column)).like(pattern))
            .limit(1)
        ).first()
        if found is not None:
            return found
    return None


#: How long one intake transaction may run before it is committed (items stay whole).
BATCH_SECONDS = 0.5


class Intake:
    """One intake run: the known keys are read once, then each item is written whole in a
    savepoint of a short batch transaction. Use it as a context manager (or call `commit`):
    leaving the block commits what was written; a storage error rolls the open batch back."""

    def __init__(self, db: Database, *, now: datetime, config: Config, dry_run: bool = False):
        self.db, self.now, self.config, self.dry_run = db, now, config, dry_run
        self._seen: set[str] | None = None
        self._planned: dict[str, str] = {}  # dry run: Message-ID → title of the lead it makes
        self._batch: AbstractContextManager[Session] | None = None
        self._session: Session | None = None
        self._opened = 0.0

    def __enter__(self) -> Intake:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        from amtui.core.errors import StorageError

        if isinstance(error, StorageError | sa.exc.DBAPIError):
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
        batch, self._batch, self._session = self._batch, None, None
        if batch is not None:
            batch.__exit__(kind, error, trace)

    @property
    def seen(self) -> set[str]:
        """Every key intake has recorded (one query, then kept in memory for the run)."""
        if self._seen is None:
            with self.db.read() as session:
                self._seen = set(session.exec(select(IntakeItem.key)))
        return self._seen

    def is_seen(self, key: str) -> bool:
        return key in self.seen

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """One item: a read transaction in a dry run, else a savepoint of the open batch."""
        if self.dry_run:
            with self.db.read() as session:
                yield session
            return
        if self._session is not None and time.monotonic() - self._opened > BATCH_SECONDS:
            self.commit()
        if self._session is None:
            self._batch = self.db.write()
            self._session = self._batch.__enter__()
            self._opened = time.monotonic()
        session = self._session
        savepoint = session.begin_nested()
        try:
            yield session
        except BaseException:
            savepoint.rollback()
            raise
        savepoint.commit()

    def _record(
        self,
        session: Session,
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
        session.add(
            IntakeItem(
                key=key,
                kind=kind,
                direction=direction,
                outcome=outcome,
                lead_id=lead.id if lead else None,
                origin=origin,
                occurred_at=occurred,
                imported_at=self.now,
            )
        )

    def save_imap_state(self, account: str, folder: str, uidvalidity: int, last_uid: int) -> None:
        """Remember a folder's UIDVALIDITY and the last UID read, in the same transaction as
        the mails before it (nothing in a dry run)."""
        if self.dry_run:
            return
        with self._transaction() as session:
            state = session.get(ImapState, (account, folder))
            if state is None:
                state = ImapState(account=account, folder=folder, uidvalidity=0, last_uid=0)
            state.uidvalidity, state.last_uid, state.synced_at = uidvalidity, last_uid, self.now
            session.add(state)

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
        with self._transaction() as session:
            if session.exec(select(IntakeItem.id).where(IntakeItem.key == key)).first():
                self.seen.add(key)  # another run took it meanwhile
                return Outcome("seen", title)
            if mail.message_id:
                existing = session.exec(
                    select(Lead).where(Lead.external_id == mail.message_id)
                ).first()
                if existing is not None:  # added by hand with --external-id
                    self._record(
                        session,
                        key,
                        "mail",
                        "lead",
                        occurred=when,
                        origin=mail.origin,
                        lead=existing,
                    )
                    return Outcome("seen", title, existing.ref)
            thread = self._thread(session, mail.references)
            if thread is not None:
                return self._reply(session, mail, key, thread, when, own, notes)
            planned = self._planned_thread(mail.references)
            if planned is not None:  # dry run: a reply to a lead this run would create
                self._plan(mail, key, planned)
                return Outcome("sent" if own else "reply", planned, None, "; ".join(notes))
            if own:
                self._record(
                    session,
                    key,
                    "mail",
                    "skipped",
                    occurred=when,
                    origin=mail.origin,
                    direction="out",
                )
                return Outcome("skipped", title, note="sent by you, not in a known thread")
            return self._new_lead(session, mail, key, title, when, notes)

    def _thread(self, session: Session, references: Iterable[str]) -> Lead | None:
        """The lead of the first referenced Message-ID amtui holds (its own or a lead's)."""
        references = list(references)
        if not references:
            return None
        items = dict(
            session.execute(
                select(IntakeItem.key, IntakeItem.lead_id).where(
                    col(IntakeItem.key).in_(references), col(IntakeItem.lead_id).is_not(None)
                )
            ).all()
        )
        leads = dict(
            session.execute(
                select(Lead.external_id, Lead.id).where(col(Lead.external_id).in_(references))
            ).all()
        )
        for reference in references:
            lead_id = items.get(reference) or leads.get(reference)
            if lead_id is not None:
                return session.get(Lead, lead_id)
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
        session: Session,
        mail: IncomingMail,
        key: str,
        lead: Lead,
        when: datetime,
        own: bool,
        notes: list[str],
    ) -> Outcome:
        from amtui.core.pipeline import LogKind, log_contact

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
            record_activity(
                session, lead, log_kind, text, now=self.now, occurred_at=occurred, data=data
            )
            notes.append(f"the lead is {lead.stage}")
        else:
            log_contact(
                session,
                lead,
                log_kind,
                text,
                now=self.now,
                config=self.config,
                occurred=occurred,
                data=data,
            )
        self._record(
            session,
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
        session: Session,
        mail: IncomingMail,
        key: str,
        title: str,
        when: datetime,
        notes: list[str],
    ) -> Outcome:
        partner, client = self._sender(session, mail.sender_email, None, notes)
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
            session, draft, now=self.now, config=self.config, client=client, activity=activity
        )
        self._record(
            session, key, "mail", "lead", occurred=when, origin=mail.origin, lead=result.lead
        )
        return Outcome("lead", title, result.lead.ref, "; ".join(notes))

    def _sender(
        self, session: Session, address: str | None, company: str | None, notes: list[str]
    ) -> tuple[str | None, Client | None]:
        """Who sent it: a partner (by domain), else a client (by contact address or domain,
        or a form's company field naming a client exactly); noted for the user."""
        partner = partner_for(address, self.config.intake.partners)
        if partner:
            notes.append(f"partner {partner}")
            return partner, None
        client = find_client_for(session, address)
        if client is None and company:
            client = _exact_client(session, company)
        if client is not None:
            notes.append(f"client {client.name}")
        return None, client

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
        with self._transaction() as session:
            if session.exec(select(IntakeItem.id).where(IntakeItem.key == brief.row_key)).first():
                self.seen.add(brief.row_key)
                return Outcome("seen", title)
            partner, client = self._sender(session, brief.email, brief.company, notes)
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
                session, draft, now=self.now, config=self.config, client=client, activity=activity
            )
            self._record(
                session,
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
    emails = [e for e in card.emails if _valid_email(e)]
    keys = {k for k in map(phone_key, card.phones) if k}
    with db.read() if dry_run else db.write() as session:
        existing = _known_contact(session, emails, keys)
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
                session.add(contact)
            return Outcome("updated", title, owner.name, "added " + ", ".join(sorted(changes)))
        target: Client | None = None
        created = False
        name = client or card.organization
        if name:
            # The user's --client may be a reference or a unique beginning; a card's ORG must
            # name a client exactly, or it is a new client ("Acme" is not "Acme Holdings").
            target = find_client(session, name) if client else _exact_client(session, name)
            if target is None and not dry_run:
                target, created = ensure_client(session, name, now=now)
            elif target is None:
                created = True
        else:
            target = find_client_for(session, emails[0] if emails else None)
        if target is None and not created:
            return Outcome(
                "skipped", title, None, "no client: give --client, or an ORG in the card"
            )
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
        session.add(contact)
        return Outcome("contact", title, target.name, note)


def _known_contact(
    session: Session, emails: list[str], phones: set[str]
) -> tuple[Contact, Client] | None:
    """A contact with one of these addresses (any case) or phone numbers, with its client."""
    lowered = [e.lower() for e in emails]
    if lowered:
        found = session.exec(
            select(Contact, Client)
            .join(Client, col(Contact.client_id) == col(Client.id))
            .where(sa.func.lower(col(Contact.email)).in_(lowered))
            .limit(1)
        ).first()
        if found is not None:
            return found[0], found[1]
    if phones:
        rows = session.exec(
            select(Contact, Client)
            .join(Client, col(Contact.client_id) == col(Client.id))
            .where(col(Contact.phone).is_not(None))
        )
        for contact, owner in rows:
            if phone_key(contact.phone) in phones:
                return contact, owner
    return None


def _exact_client(session: Session, name: str) -> Client | None:
    """A client whose name is exactly `name` in any case (a form's company field)."""
    return session.exec(select(Client).where(Client.name_key == fold(name))).first()


def _valid_email(value: str | None) -> str | None:
    """A form's email cell when it reads as an address (otherwise it stays in the brief)."""
    import re

    if value and re.fullmatch(r"[^@\s]+@[^@\s]+", value.strip()):
        return value.strip()
    return None


def get_imap_state(db: Database, account: str, folder: str) -> ImapState | None:
    """Where the last sync of an IMAP folder stopped (None before the first)."""
    with db.read() as session:
        return session.get(ImapState, (account, folder))
