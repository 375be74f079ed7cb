"""Proposals in the app: a new version of a lead's proposal, a line added to a draft, the
draft's title, validity and notes edited, and sending it; each through the same core services
as `amtui proposal new|add|edit|send` (one transaction each, the same checks and messages).
"""

from __future__ import annotations

from functools import partial

from amtui.core import proposals
from amtui.core.config import Config
from amtui.core.currencies import check_currency
from amtui.core.dates import local_today
from amtui.core.db import Database
from amtui.core.describe_money import amount_text, hours_text, sums_text
from amtui.core.errors import InputError
from amtui.core.money import parse_amount, parse_hours
from amtui.tui.logic.fields import Clock, FieldSpec, FormLoad, FormSpec, Saved, date_check
from amtui.tui.logic.text import safe


def _summary(details: proposals.ProposalDetails) -> str:
    total = sums_text(details.totals.totals, "no lines yet")
    return f"{details.proposal.ref} {details.proposal.number}: {safe(total, 60)}"


def new_version(db: Database, config: Config, now: Clock, lead: str) -> Saved:
    """The lead's next version, a copy of the last one's lines (`p` on a lead)."""
    moment = now()
    details = proposals.new_proposal(
        db, lead, now=moment, today=local_today(moment, config.timezone)
    )
    return Saved(f"Added {_summary(details)}", details.proposal.ref)


def _hours_check(text: str) -> str:
    return f"→ {hours_text(parse_hours(text))}" if text.strip() else ""


def _rate_field(code: str) -> FieldSpec:
    """The rate per hour, its preview in `code` (the line's currency unless one is given)."""

    def rate_check(text: str) -> str:
        if not text.strip():
            return ""
        return f"→ {amount_text(parse_amount(text, code), code)} per hour"

    return FieldSpec("rate", "Rate", "per hour: 95, 1 500,50", check=rate_check)


def line_form(db: Database, config: Config, now: Clock, reference: str) -> FormSpec:
    """A line for a draft: stage, who, hours and rate per hour (its currency: the
    proposal's unless given). The rate's preview says what it reads as, in the currency the
    line gets (`proposals.line_currency`, once the proposal has loaded)."""
    fields = [
        FieldSpec("stage", "Stage", "Design, Build, Этап 1"),
        FieldSpec("who", "Who", "art director, copywriter, Anna K."),
        FieldSpec("hours", "Hours", "12, 1.5, 90m, 1h30m", check=_hours_check),
        _rate_field(config.default_currency or "EUR"),
        FieldSpec("currency", "Currency", "the proposal's (or EUR, USD, RUB…)"),
        FieldSpec("description", "Note", "what is done (optional)"),
    ]

    def load() -> FormLoad:
        details = proposals.get_proposal(db, reference)
        if details.proposal.status != "draft":
            raise InputError(f"{details.proposal.ref} was sent; make a new version (p on its lead)")
        code = proposals.line_currency(details, config)
        return FormLoad(
            title=f"Add a line to {_summary(details)}",
            fields=(_rate_field(code),) if code else (),
        )

    return FormSpec(
        f"Add a line to {reference}",
        fields,
        {},
        partial(save_line, db, config, now, reference),
        load=load,
    )


def save_line(
    db: Database, config: Config, now: Clock, reference: str, values: dict[str, str]
) -> Saved:
    field = {name: value.strip() for name, value in values.items()}
    for name, what in (("stage", "a stage"), ("who", "who does it"), ("hours", "hours"),
                       ("rate", "a rate per hour")):  # fmt: skip
        if not field.get(name):
            raise InputError(f"a line needs {what}")
    currency = check_currency(field["currency"]) if field.get("currency") else None
    details = proposals.add_item(
        db,
        reference,
        stage=field["stage"],
        who=field["who"],
        hours=field["hours"],
        rate=field["rate"],
        currency=currency,
        description=field.get("description", ""),
        now=now(),
        config=config,
    )
    return Saved(f"Updated {_summary(details)}", details.proposal.ref)


def edit_form(db: Database, config: Config, now: Clock, reference: str) -> FormSpec:
    """A draft's title, validity date, intro and notes."""
    fields = [
        FieldSpec("title", "Title", "what is proposed"),
        FieldSpec(
            "valid_until", "Valid until", "+30d, eom, 2026-12-31", check=date_check(config, now)
        ),
        FieldSpec("intro", "Intro", "a paragraph above the estimate"),
        FieldSpec("notes", "Notes", "assumptions and terms"),
    ]

    def load() -> FormLoad:
        proposal = proposals.get_proposal(db, reference).proposal
        until = proposal.valid_until.isoformat() if proposal.valid_until else ""
        values = {"title": proposal.title, "valid_until": until, "intro": proposal.intro,
                  "notes": proposal.notes}  # fmt: skip
        return FormLoad(title=f"Edit {proposal.ref} {proposal.number}", values=values)

    return FormSpec(
        f"Edit {reference}",
        fields,
        {},
        partial(save_edit, db, config, now, reference),
        load=load,
        wait_for_load=True,
    )


def save_edit(
    db: Database, config: Config, now: Clock, reference: str, values: dict[str, str]
) -> Saved:
    moment = now()
    until_text = values.get("valid_until", "").strip()
    until = config.read_day(until_text, now=moment) if until_text else None
    details = proposals.edit_proposal(
        db,
        reference,
        now=moment,
        today=local_today(moment, config.timezone),
        title=values.get("title", ""),
        valid_until=until,
        intro=values.get("intro", ""),
        notes=values.get("notes", ""),
    )
    return Saved(f"Updated {_summary(details)}", details.proposal.ref)


def send(db: Database, config: Config, now: Clock, reference: str) -> Saved:
    """Mark the draft sent (the lead's timeline, proposal-sent and the ladder)."""
    sent = proposals.send_proposal(db, reference, now=now(), config=config)
    return Saved(f"Sent {_summary(sent.details)}; {sent.lead.lead.ref} is {sent.lead.lead.stage}")
