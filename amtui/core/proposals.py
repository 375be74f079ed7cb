"""Proposals of leads, stored: versions (`L7-v1`, `L7-v2`…), their line items, and sending.

A proposal is one version of a costed offer to a lead: line items (stage, who, hours, rate and
currency; `amtui.core.estimates` totals them), a validity date, an intro and notes. A new
version starts as a copy of the latest one's lines, so a revision changes only what changed.
A draft may be edited; a sent version is what the client received, so its lines are frozen
(make a new version instead). Sending one records it on the lead's timeline and moves the lead
to proposal-sent unless it is further on (`pipeline.record_proposal_sent`). Every service here
is one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from amtui.core import journal
from amtui.core.config import Config
from amtui.core.currencies import check_currency
from amtui.core.documents import ProposalDoc, agency_party
from amtui.core.errors import InputError, NotFoundError
from amtui.core.estimates import EstimateTotals, LineItem, estimate_totals, make_line_item
from amtui.core.lookup import fetch
from amtui.core.models import Client, Lead, Proposal, ProposalItem, insert, records, save
from amtui.core.money import parse_amount, parse_hours
from amtui.core.pipeline import StageResult, record_proposal_sent
from amtui.core.refs import Kind, parse_ref
from amtui.core.sql import Database, Tx
from amtui.core.text import one_line
from amtui.core.validate import UNSET, check_line, check_name


class ProposalStatus:
    DRAFT = "draft"
    SENT = "sent"


#: `L7-v2`: a lead's reference and a version, the number a client reads.
_NUMBER = re.compile(r"\s*[Ll]\s*(\d{1,18})\s*-\s*[vV](\d{1,9})\s*", re.ASCII)


@dataclass
class ProposalDetails:
    """A proposal with its lines, its lead and the lead's client (None until there is one)."""

    proposal: Proposal
    lead: Lead
    client: Client | None
    items: list[ProposalItem]
    latest_version: int  # the lead's newest version: an older one is superseded

    @property
    def line_items(self) -> list[LineItem]:
        return [line_item(item) for item in self.items]

    @property
    def totals(self) -> EstimateTotals:
        return estimate_totals(self.line_items)

    @property
    def superseded(self) -> bool:
        return self.proposal.version < self.latest_version


def line_item(item: ProposalItem) -> LineItem:
    return LineItem(
        stage=item.stage,
        who=item.who,
        centihours=item.centihours,
        rate_minor=item.rate_minor,
        currency=item.currency,
        description=item.description,
    )


def proposal_item(proposal_id: int, position: int, line: LineItem) -> ProposalItem:
    """Line `position` of a proposal as stored (the inverse of `line_item`)."""
    return ProposalItem(
        proposal_id=proposal_id,
        position=position,
        stage=line.stage,
        who=line.who,
        description=line.description,
        centihours=line.centihours,
        rate_minor=line.rate_minor,
        currency=line.currency,
    )


def find_proposal(tx: Tx, text: str) -> Proposal:
    """The proposal `P3` or `L7-v2` names (a bare number is a proposal id)."""
    match = _NUMBER.fullmatch(text or "")
    if match is None:
        return fetch(tx, Proposal, parse_ref(text, Kind.PROPOSAL))
    lead_id, version = int(match.group(1)), int(match.group(2))
    found = records(
        tx,
        Proposal,
        "SELECT * FROM proposal WHERE lead_id = :lead AND version = :version",
        {"lead": lead_id, "version": version},
    )
    if not found:
        raise NotFoundError(f"no proposal L{lead_id}-v{version}")
    return found[0]


def proposal_details(tx: Tx, proposal: Proposal) -> ProposalDetails:
    """`proposal` with its lines, its lead and the lead's client, read in `tx`."""
    return _details_of(tx, [proposal])[0]


def _details_of(tx: Tx, proposals: list[Proposal]) -> list[ProposalDetails]:
    """Each of `proposals` with its lines, lead and client (one query each for all of them)."""
    lead_ids = tuple({p.lead_id for p in proposals})
    leads = {
        lead.id: lead
        for lead in records(tx, Lead, "SELECT * FROM lead WHERE id IN :ids", {"ids": lead_ids})
    }
    client_ids = tuple({lead.client_id for lead in leads.values() if lead.client_id is not None})
    clients = {
        client.id: client
        for client in records(
            tx, Client, "SELECT * FROM client WHERE id IN :ids", {"ids": client_ids}
        )
    }
    items: dict[int, list[ProposalItem]] = {}
    for item in records(
        tx,
        ProposalItem,
        "SELECT * FROM proposal_item WHERE proposal_id IN :ids ORDER BY position, id",
        {"ids": tuple(p.id for p in proposals)},
    ):
        items.setdefault(item.proposal_id, []).append(item)
    latest = dict(
        tx.tuples(
            "SELECT lead_id, max(version) FROM proposal WHERE lead_id IN :ids GROUP BY lead_id",
            {"ids": lead_ids},
        )
    )
    out = []
    for proposal in proposals:
        lead = leads[proposal.lead_id]  # the foreign key keeps it
        lines = items.get(proposal.id or 0, [])
        latest_version = int(latest[proposal.lead_id])
        out.append(
            ProposalDetails(proposal, lead, clients.get(lead.client_id), lines, latest_version)
        )
    return out


def get_proposal(db: Database, reference: str) -> ProposalDetails:
    """A proposal by `P3` or `L7-v2`, with its lines, lead and client."""
    with db.read() as tx:
        return proposal_details(tx, find_proposal(tx, reference))


def list_proposals(db: Database, *, lead: str | None = None) -> list[ProposalDetails]:
    """Every proposal (of one lead with `lead`), newest first."""
    with db.read() as tx:
        where, params = "1 = 1", {}
        if lead is not None:
            where, params = "lead_id = :lead", {"lead": fetch(tx, Lead, lead).id}
        found = records(
            tx, Proposal, f"SELECT * FROM proposal WHERE {where} ORDER BY id DESC", params
        )
        return _details_of(tx, found)


def list_client_proposals(db: Database, client_id: int) -> list[ProposalDetails]:
    """The proposals of a client's leads, newest first (the client's detail view)."""
    with db.read() as tx:
        found = records(
            tx,
            Proposal,
            "SELECT proposal.* FROM proposal JOIN lead ON lead.id = proposal.lead_id "
            "WHERE lead.client_id = :client ORDER BY proposal.id DESC",
            {"client": client_id},
        )
        return _details_of(tx, found)


def _check_valid_until(valid_until: date | None, today: date) -> date | None:
    if valid_until is not None and valid_until < today:
        raise InputError(
            f"the proposal would already have expired ({valid_until}); give a later day"
        )
    return valid_until


def new_proposal(
    db: Database,
    lead_reference: str,
    *,
    now: datetime,
    today: date,
    title: str | None = None,
    valid_until: date | None = None,
    intro: str = "",
    notes: str = "",
    copy: bool = True,
) -> ProposalDetails:
    """The lead's next version (v1 first). With `copy`, it starts with the latest version's
    lines, title, intro and notes (what a revision keeps); `title` defaults to the lead's."""
    if title is not None:
        title = check_name(title, "proposal title")
    _check_valid_until(valid_until, today)
    with db.write() as tx:
        lead = fetch(tx, Lead, lead_reference)
        previous = records(
            tx,
            Proposal,
            "SELECT * FROM proposal WHERE lead_id = :id ORDER BY version DESC LIMIT 1",
            {"id": lead.id},
        )
        base = previous[0] if previous and copy else None
        proposal = insert(
            tx,
            Proposal(
                lead_id=lead.id or 0,
                version=previous[0].version + 1 if previous else 1,
                title=title or (base.title if base else lead.title),
                valid_until=valid_until,
                intro=intro.strip() or (base.intro if base else ""),
                notes=notes.strip() or (base.notes if base else ""),
                created_at=now,
                updated_at=now,
            ),
        )
        if base is not None:
            lines = tx.all(
                "SELECT position, stage, who, description, centihours, rate_minor, currency "
                "FROM proposal_item WHERE proposal_id = :old ORDER BY position, id",
                {"old": base.id},
            )
            tx.insert_many("proposal_item", [{"proposal_id": proposal.id, **row} for row in lines])
        journal.note(tx, "proposal new", f"{proposal.ref} {proposal.number}", now=now)
        return proposal_details(tx, proposal)


def _draft(tx: Tx, reference: str) -> Proposal:
    proposal = find_proposal(tx, reference)
    if proposal.status != ProposalStatus.DRAFT:
        raise InputError(
            f"{proposal.ref} ({proposal.number}) was sent, so it stays as the client received "
            f"it; make a new version: amtui proposal new L{proposal.lead_id}"
        )
    return proposal


def line_currency(details: ProposalDetails, config: Config) -> str | None:
    """The currency of a line added without one: the proposal's lines', else its lead's, else
    the config's default currency (None: nothing says which)."""
    return (
        next((item.currency for item in details.items), None)
        or details.lead.currency
        or config.default_currency
    )


def add_item(
    db: Database,
    reference: str,
    *,
    stage: str,
    who: str,
    hours: str,
    rate: str,
    now: datetime,
    config: Config,
    currency: str | None = None,
    description: str = "",
) -> ProposalDetails:
    """Add a line to a draft: hours as typed (`1.5`, `90m`), the rate per hour as typed
    (`120`, `1 500,50`), in `currency`, else the proposal's, else the lead's, else the
    config's default currency."""
    centihours = parse_hours(hours)
    code = check_currency(currency) if currency else None
    with db.write() as tx:
        proposal = _draft(tx, reference)
        details = proposal_details(tx, proposal)
        code = code or line_currency(details, config)
        if code is None:
            raise InputError(
                "which currency? give --currency EUR (or set default_currency in the config)"
            )
        item = make_line_item(
            stage=stage,
            who=who,
            centihours=centihours,
            rate_minor=parse_amount(rate, code),
            currency=code,
            description=description,
        )
        position = 1 + max((i.position for i in details.items), default=0)
        insert(tx, proposal_item(proposal.id or 0, position, item))
        _touch(tx, proposal, now)
        journal.note(tx, "proposal add line", f"{proposal.ref} {proposal.number}", now=now)
        return proposal_details(tx, proposal)


def remove_item(db: Database, reference: str, line: int, *, now: datetime) -> ProposalDetails:
    """Remove line number `line` (1-based, as `proposal show` numbers them) from a draft."""
    with db.write() as tx:
        proposal = _draft(tx, reference)
        items = proposal_details(tx, proposal).items
        check_line(proposal.ref, line, len(items))
        tx.run("DELETE FROM proposal_item WHERE id = :id", {"id": items[line - 1].id})
        _touch(tx, proposal, now)
        journal.note(tx, "proposal remove line", f"{proposal.ref} line {line}", now=now)
        return proposal_details(tx, proposal)


def edit_proposal(
    db: Database,
    reference: str,
    *,
    now: datetime,
    today: date,
    title: str | object = UNSET,
    valid_until: date | object | None = UNSET,
    intro: str | object = UNSET,
    notes: str | object = UNSET,
) -> ProposalDetails:
    """Change a draft's title, validity date, intro or notes."""
    with db.write() as tx:
        proposal = _draft(tx, reference)
        if isinstance(title, str):
            proposal.title = check_name(title, "proposal title")
        if valid_until is not UNSET:
            proposal.valid_until = _check_valid_until(valid_until, today)  # type: ignore[arg-type]
        if isinstance(intro, str):
            proposal.intro = intro.strip()
        if isinstance(notes, str):
            proposal.notes = notes.strip()
        _touch(tx, proposal, now)
        journal.note(tx, "proposal edit", f"{proposal.ref} {proposal.number}", now=now)
        return proposal_details(tx, proposal)


def _touch(tx: Tx, proposal: Proposal, now: datetime) -> None:
    proposal.updated_at = now
    save(tx, proposal)


@dataclass
class SentProposal:
    details: ProposalDetails
    lead: StageResult


def send_proposal(db: Database, reference: str, *, now: datetime, config: Config) -> SentProposal:
    """Mark a draft sent: its lines freeze, the lead's timeline records it, and the lead moves
    to proposal-sent (starting the follow-up ladder) unless it is further on."""
    with db.write() as tx:
        proposal = _draft(tx, reference)
        details = proposal_details(tx, proposal)
        if not details.items:
            raise InputError(
                f"{proposal.ref} has no lines yet; add some first: "
                f"amtui proposal add {proposal.ref} STAGE WHO HOURS RATE"
            )
        proposal.status = ProposalStatus.SENT
        proposal.sent_at = now
        _touch(tx, proposal, now)
        journal.note(tx, "proposal send", f"{proposal.ref} {proposal.number}", now=now)
        totals = {cur: amount for cur, amount in details.totals.totals.items()}
        result = record_proposal_sent(
            tx,
            details.lead,
            now=now,
            config=config,
            number=proposal.number,
            data={"proposal": proposal.id, "version": proposal.version, "totals": totals},
        )
        return SentProposal(proposal_details(tx, proposal), result)


def proposal_doc(details: ProposalDetails, config: Config, *, today: date) -> ProposalDoc:
    """What the document says: the proposal, its lead's client (or the lead's contact) and
    the agency from the config; money in the client's locale, else the config's."""
    from amtui.core.documents import Party

    proposal, lead, client = details.proposal, details.lead, details.client
    if not details.items:
        raise InputError(f"{proposal.ref} has no lines yet; add some before rendering it")
    name = client.name if client else (lead.contact_name or lead.title)
    party = Party(
        name=one_line(name),
        contact=one_line(lead.contact_name or ""),
        email=one_line(lead.contact_email or ""),
        phone=one_line(lead.contact_phone or ""),
    )
    settings = config.money
    issued = proposal.sent_at.astimezone(config.timezone).date() if proposal.sent_at else today
    return ProposalDoc(
        title=proposal.title,
        lead_ref=lead.ref,
        version=proposal.version,
        client=party,
        agency=agency_party(settings),
        issued_on=issued,
        items=details.line_items,
        valid_until=proposal.valid_until,
        intro=proposal.intro,
        notes=proposal.notes,
        prepared_by=settings.agency.get("contact", ""),
        locale=(client.locale if client and client.locale else settings.locale),
    )
