"""Leads: enquiries from clients and partner agencies, from any channel, into one inbox.

Every write is here; the inbox, rows and details are read in `amtui.core.lead_queries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from amtui.core import journal, notices
from amtui.core.activities import ActivityKind, record_activity
from amtui.core.clients import ensure_client
from amtui.core.config import Config
from amtui.core.dates import to_utc
from amtui.core.errors import AmtuiError, InputError
from amtui.core.lookup import fetch, find_client
from amtui.core.members import named_owner
from amtui.core.models import Client, Lead, delete, first, get, insert, save
from amtui.core.money import parse_value, rescale_value
from amtui.core.sla import answer_due
from amtui.core.sql import Database, Tx
from amtui.core.text import one_line
from amtui.core.validate import (
    UNSET,
    check_choice,
    check_currency,
    check_email,
    check_name,
    check_zone,
)
from amtui.core.vocabulary import (
    CHANNELS,
    SOURCES,
    Channel,
    Source,
)


class DuplicateLeadError(AmtuiError):
    """A lead with this external id (e.g. an email Message-ID) exists: nothing to do."""

    exit_code = 1


@dataclass
class LeadDraft:
    title: str
    source: str = Source.CLIENT.value
    partner: str | None = None
    channel: str = Channel.EMAIL.value
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    client: str | None = None
    value: str | int | None = None  # text such as "12k", or minor units
    currency: str | None = None
    received: str | datetime | None = None
    timezone: str | None = None
    brief: Sequence[tuple[str, str]] = ()
    external_id: str | None = None
    notes: str = ""
    owner: str | None = None  # a member's handle or `me`; None: nobody's yet (triage)


@dataclass
class LeadResult:
    lead: Lead
    client: Client | None
    created_client: bool = False
    changed: list[str] = field(default_factory=list)


def parse_brief(items: Sequence[str]) -> list[tuple[str, str]]:
    """Brief answers given as `question=answer` (e.g. `Budget=12k`)."""
    pairs = []
    for item in items:
        question, sep, answer = item.partition("=")
        if not sep or not question.strip():
            raise InputError(f"{one_line(item)!r} is not a brief answer; use 'Question=answer'")
        pairs.append((question.strip(), answer.strip()))
    return pairs


def resolve_received(
    value: str | datetime | None, *, now: datetime, config: Config, zone: str | None = None
) -> datetime:
    """When a lead arrived: now by default; a date alone means the start of that working day;
    a trailing `client` means the lead's (or its client's) zone, `zone`."""
    if value is None:
        return now
    if isinstance(value, str):
        zones = {"client": config.deadline_zone(zone)} if zone else {}
        value = config.read_instant(value, now=now, zones=zones)
    received = to_utc(value)
    if received > now + timedelta(minutes=1):
        raise InputError("a lead cannot be received in the future; give a past or present time")
    return received


def _answer_due(received: datetime, zone: str | None, config: Config) -> datetime:
    """One working day after arrival, in the client's zone (the user's when unknown)."""
    return answer_due(received, config.deadline_zone(zone), config.working_hours)


def _value(value: str | int | None, currency: str | None) -> int | None:
    """A value as typed, in minor units of the lead's currency (an int is minor units)."""
    if value is None or isinstance(value, int):
        return value
    return parse_value(value, currency)


def _source(source: str, partner: str | None) -> tuple[str, str | None]:
    source = check_choice(source, SOURCES, "source")
    partner = partner.strip() if partner and partner.strip() else None
    if partner and source == Source.CLIENT.value:
        source = Source.PARTNER.value  # naming a partner agency says where it came from
    if source == Source.PARTNER.value and not partner:
        raise InputError("a partner lead needs the partner's name (--partner 'Studio X')")
    return source, partner


def add_lead(db: Database, draft: LeadDraft, *, now: datetime, config: Config) -> LeadResult:
    """Record an incoming lead; its 15-minute first-response clock starts at `received`."""
    with db.write() as tx:
        result = create_lead(tx, draft, now=now, config=config)
        journal.note(tx, "lead add", f"{result.lead.ref} {result.lead.title}", now=now)
        return result


def create_lead(
    tx: Tx,
    draft: LeadDraft,
    *,
    now: datetime,
    config: Config,
    client: Client | None = None,
    activity: str = "",
) -> LeadResult:
    """`add_lead` in the caller's transaction (intake writes a mail and its lead together).
    `client` links a client found by the caller (by contact address) instead of by name."""
    title = check_name(draft.title, "lead title")
    source, partner = _source(draft.source, draft.partner)
    channel = check_choice(draft.channel, CHANNELS, "channel")
    email = check_email(draft.contact_email)
    given = check_currency(draft.currency)
    currency = given or (config.default_currency if draft.value is not None else None)
    value = _value(draft.value, currency)
    if not value:
        currency = given
    zone = check_zone(draft.timezone)
    external_id = draft.external_id.strip() if draft.external_id else None
    if external_id:
        existing = lead_by_external_id(tx, external_id)
        if existing is not None:
            raise DuplicateLeadError(
                f"a lead with external id {one_line(external_id)!r} exists already: {existing.ref}"
            )
    created = False
    if client is None and draft.client:
        client = find_client(tx, draft.client)
        if client is None:
            client, created = ensure_client(tx, draft.client, now=now)
    owner = named_owner(tx, draft.owner, config) if draft.owner else None
    deadline_zone = zone or (client.timezone if client else None)
    received = resolve_received(draft.received, now=now, config=config, zone=deadline_zone)
    lead = Lead(
        title=title,
        source=source,
        partner=partner,
        channel=channel,
        contact_name=draft.contact_name,
        contact_email=email,
        contact_phone=draft.contact_phone,
        client_id=client.id if client else None,
        value_minor=value,
        currency=currency,
        timezone=zone,
        received_at=received,
        answer_due_at=_answer_due(received, deadline_zone, config),
        brief=[{"q": q, "a": a} for q, a in draft.brief],
        external_id=external_id,
        notes=draft.notes,
        created_at=now,
        updated_at=now,
        owner_id=owner.id if owner else None,
    )
    insert(tx, lead)
    record_activity(
        tx,
        lead,
        ActivityKind.CREATED,
        activity or f"via {channel}",
        now=now,
        occurred_at=received,
    )
    return LeadResult(lead, client, created)


def edit_lead(
    db: Database,
    reference: str,
    *,
    now: datetime,
    config: Config,
    title: str | object = UNSET,
    source: str | object = UNSET,
    partner: str | object | None = UNSET,
    channel: str | object = UNSET,
    contact_name: str | object | None = UNSET,
    contact_email: str | object | None = UNSET,
    contact_phone: str | object | None = UNSET,
    client: str | object | None = UNSET,
    value: str | int | object | None = UNSET,
    currency: str | object | None = UNSET,
    received: str | datetime | object = UNSET,
    timezone: str | object | None = UNSET,
    add_brief: Sequence[tuple[str, str]] = (),
    notes: str | object = UNSET,
) -> LeadResult:
    """Change the given fields of a lead in one transaction (the stage has its own rules)."""
    with db.write() as tx:
        lead = fetch(tx, Lead, reference)
        changes: dict[str, object] = {}
        if isinstance(title, str):
            changes["title"] = check_name(title, "lead title")
        if source is not UNSET or partner is not UNSET:
            new_source = source if isinstance(source, str) else lead.source
            new_partner = partner if partner is not UNSET else lead.partner
            if isinstance(source, str) and source == Source.CLIENT.value and partner is UNSET:
                new_partner = None
            changes["source"], changes["partner"] = _source(new_source, new_partner)  # type: ignore[arg-type]
        if isinstance(channel, str):
            changes["channel"] = check_choice(channel, CHANNELS, "channel")
        if contact_name is not UNSET:
            changes["contact_name"] = contact_name
        if contact_email is not UNSET:
            changes["contact_email"] = check_email(contact_email)  # type: ignore[arg-type]
        if contact_phone is not UNSET:
            changes["contact_phone"] = contact_phone
        if currency is not UNSET:
            changes["currency"] = check_currency(currency)  # type: ignore[arg-type]
        code = changes.get("currency", lead.currency)
        if value is not UNSET:
            changes["value_minor"] = _value(value, code)  # type: ignore[arg-type]
        elif "currency" in changes and lead.value_minor is not None:
            changes["value_minor"] = rescale_value(lead.value_minor, lead.currency, code)  # type: ignore[arg-type]
        if timezone is not UNSET:
            changes["timezone"] = check_zone(timezone)  # type: ignore[arg-type]
        if isinstance(notes, str):
            changes["notes"] = notes
        if add_brief:
            changes["brief"] = [*lead.brief, *({"q": q, "a": a} for q, a in add_brief)]
        created = False
        found: Client | None = get(tx, Client, lead.client_id)
        if client is not UNSET:
            if client is None:
                found = None
            else:
                found = find_client(tx, str(client))
                if found is None:
                    found, created = ensure_client(tx, str(client), now=now)
            changes["client_id"] = found.id if found else None
        if received is not UNSET:
            own = changes.get("timezone", lead.timezone)
            zone = str(own) if own else (found.timezone if found else None)
            changes["received_at"] = resolve_received(
                received,  # type: ignore[arg-type]
                now=now,
                config=config,
                zone=zone,
            )
        if not changes:
            raise InputError("nothing to change; give at least one field to edit")
        changed = [k for k, v in changes.items() if getattr(lead, k) != v]
        # The answer deadline follows arrival and zone, unless the manager promised a time
        # (then it differs from what the rule gave before this edit).
        before = get(tx, Client, lead.client_id)
        rule_before = _answer_due(
            lead.received_at, lead.timezone or (before.timezone if before else None), config
        )
        for key in changed:
            setattr(lead, key, changes[key])
        first = lead.first_response_at
        if first is not None and lead.received_at > first:
            raise InputError(
                f"{lead.ref} was first answered {first:%Y-%m-%d %H:%M} UTC; it cannot arrive later"
            )
        promised = lead.answer_due_at is not None and lead.answer_due_at != rule_before
        if (
            lead.answered_at is None
            and not promised
            and {"received_at", "timezone", "client_id"} & set(changed)
        ):
            lead.answer_due_at = _answer_due(
                lead.received_at, lead.timezone or (found.timezone if found else None), config
            )
            notices.forget(tx, lead, "answer_notified_at")
        if changed:
            lead.updated_at = now
            record_activity(tx, lead, ActivityKind.EDITED, ", ".join(changed), now=now)
        save(tx, lead)
        journal.note(tx, "lead edit", f"{lead.ref} {lead.title}", now=now)
    return LeadResult(lead, found, created, changed)


def lead_by_external_id(tx: Tx, external_id: str) -> Lead | None:
    """The lead with this external id (an email's Message-ID): one unique-index lookup."""
    return first(tx, Lead, "SELECT * FROM lead WHERE external_id = :id", {"id": external_id})


def delete_lead(db: Database, reference: str, *, now: datetime | None = None) -> str:
    """Delete a lead with its reminders and timeline; its tasks stay, unlinked. `now` dates
    the undo journal's entry."""
    with db.write() as tx:
        lead = fetch(tx, Lead, reference)
        title = lead.title
        journal.note(tx, "lead delete", f"{lead.ref} {lead.title}", now=now)
        delete(tx, lead)
    return title
