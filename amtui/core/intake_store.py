"""Intake services: write what the parsers read, one transaction per mail or form row.

A kill during an import leaves whole items only (each mail is its lead or its timeline entry
plus its `intake_item` row, or nothing), and the next run skips what is there by key. A
dry run makes the same decisions on a read transaction and writes nothing; it remembers the
leads it would have made so that a reply later in the same run is shown as a reply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from amtui.core.activities import record_activity
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.intake import (
    IncomingBrief,
    IncomingMail,
    brief_title,
    domain_of,
    is_company_domain,
    is_own_address,
    mail_key,
    mail_notes,
    mail_title,
    partner_for,
    received_at,
)
from amtui.core.leads import LeadDraft, create_lead
from amtui.core.models import CLOSED_STAGES, Channel, Client, Contact, IntakeItem, Lead, Source
from amtui.core.text import fold


@dataclass(frozen=True)
class Outcome:
    """What intake did (or, in a dry run, would do) with one item."""

    kind: str  # "lead", "reply", "sent", "seen", "skipped"
    title: str
    ref: str | None = None  # "L12" (None in a dry run for a new lead)
    note: str = ""  # why it was skipped, a date that was replaced, a sender that was unclear

    def describe(self, *, dry_run: bool = False) -> str:
        """`new lead L12: Website redesign` / `reply → L7: …` / `skipped: … (why)`."""
        verbs = {
            "lead": "would create lead" if dry_run else "new lead",
            "reply": "would link reply to" if dry_run else "reply linked to",
            "sent": "would link your mail to" if dry_run else "your mail linked to",
            "seen": "already seen",
            "skipped": "skipped",
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


class Intake:
    """One intake run: the known keys are read once, then each item is one transaction."""

    def __init__(self, db: Database, *, now: datetime, config: Config, dry_run: bool = False):
        self.db, self.now, self.config, self.dry_run = db, now, config, dry_run
        self._seen: set[str] | None = None
        self._planned: dict[str, str] = {}  # dry run: Message-ID → title of the lead it makes

    @property
    def seen(self) -> set[str]:
        """Every key intake has recorded (one query, then kept in memory for the run)."""
        if self._seen is None:
            with self.db.read() as session:
                self._seen = set(session.exec(select(IntakeItem.key)))
        return self._seen

    def is_seen(self, key: str) -> bool:
        return key in self.seen

    def _transaction(self) -> Session:
        return self.db.read() if self.dry_run else self.db.write()  # type: ignore[return-value]

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

    # -- mail ----------------------------------------------------------------------------

    def receive_mail(self, mail: IncomingMail, key: str | None = None) -> Outcome:
        """A mail from a client, a partner or you: a reply on the lead whose thread it names,
        else a new lead (from you: your answer on that lead, else skipped)."""
        key = key or mail_key(mail)
        title = mail_title(mail)
        if key in self.seen:
            return Outcome("seen", title)
        when, date_note = received_at(mail.date, mail.date_problem, now=self.now)
        notes = [n for n in (date_note, "sender unclear" if mail.sender_unclear else "") if n]
        own = is_own_address(mail.sender_email, self.config.intake.me)
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
        text = mail.body.strip()
        if mail.attachments:
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
        if self.dry_run:
            self._plan(mail, key, title)
            return Outcome("lead", title, None, "; ".join(notes))
        draft = LeadDraft(
            title=title,
            source=Source.PARTNER.value if partner else Source.CLIENT.value,
            partner=partner,
            channel=Channel.EMAIL.value,
            contact_name=mail.sender_name,
            contact_email=mail.sender_email,
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


def _exact_client(session: Session, name: str) -> Client | None:
    """A client whose name is exactly `name` in any case (a form's company field)."""
    return session.exec(select(Client).where(Client.name_key == fold(name))).first()


def _valid_email(value: str | None) -> str | None:
    """A form's email cell when it reads as an address (otherwise it stays in the brief)."""
    import re

    if value and re.fullmatch(r"[^@\s]+@[^@\s]+", value.strip()):
        return value.strip()
    return None
