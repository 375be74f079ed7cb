"""Leads: the new/edit form and the workflow (respond, log, stage, win, lose, reopen).

Every dialog opens at once with what is known from the key press (the reference) and loads the
rest (the lead's title, its stage, its client's zone) in a thread, so text typed straight
after `l` or `s` lands in the note. The notes are built from references, stage names and times;
untrusted text goes through `safe`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from functools import partial
from zoneinfo import ZoneInfo

from amtui.core import board, leads
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.describe import View
from amtui.core.describe_leads import stage_outcome
from amtui.core.drafts import draft_from_text
from amtui.core.errors import InputError
from amtui.core.lead_queries import LeadDetails, get_lead_details
from amtui.core.money import plain_value
from amtui.core.pipeline import (
    StageResult,
    change_stage,
    log_lead,
    lose_lead,
    reopen_lead,
    respond_lead,
    win_lead,
)
from amtui.core.pipeline_rules import LogKind
from amtui.core.sla import response_owed
from amtui.core.validate import check_currency
from amtui.core.vocabulary import CHANNELS, CLOSED_STAGES, OPEN_STAGES, Stage
from amtui.tui.logic.clients import CLIENT_PLACEHOLDER, client_check, client_field, client_suggest
from amtui.tui.logic.fields import (
    Clock,
    ConfirmSpec,
    FieldSpec,
    FormLoad,
    FormSpec,
    PromptLoad,
    PromptSpec,
    Saved,
    date_check,
    money_check,
)
from amtui.tui.logic.text import safe, shown

# --- the lead form ------------------------------------------------------------------------------


def lead_fields(config: Config) -> list[FieldSpec]:
    return [
        FieldSpec("title", "Title", "SEO audit for a hotel chain"),
        FieldSpec("partner", "Partner", "agency that passed it on (blank: the client directly)"),
        FieldSpec("channel", "Channel", options=tuple((c, c) for c in CHANNELS)),
        FieldSpec("contact_name", "Contact", "name"),
        FieldSpec("contact_email", "Email", "name@example.com"),
        FieldSpec("contact_phone", "Phone", "+49 …"),
        client_field(),
        value_field(config.default_currency),
        currency_field(config.default_currency),
    ]


def value_field(currency: str | None) -> FieldSpec:
    """The value, previewed in the currency typed beside it, else `currency` (the lead's
    when editing, else the default): what saving will read."""
    return FieldSpec(
        "value",
        "Value",
        "12000, 12k, 1 250.50",
        check=money_check(currency),
        depends_on=("currency",),
        check_with=lambda values: money_check(_typed_currency(values) or currency),
    )


def _typed_currency(values: Mapping[str, str]) -> str | None:
    """The currency field's code as saving reads it; None while it is empty or not yet a
    code (its own hint says why), so the value's preview keeps the form's currency."""
    try:
        return check_currency(values.get("currency", "").strip() or None)
    except InputError:
        return None


def currency_field(default: str | None) -> FieldSpec:
    return FieldSpec(
        "currency", "Currency", default or "EUR", check=lambda text: f"→ {check_currency(text)}"
    )


def lead_form(db: Database, config: Config, now: Clock, ref: str | None = None) -> FormSpec:
    """A new lead, or the edit form of `ref` (its values load after the form opened)."""
    values = {"channel": "email"}
    original: dict[str, str] = {}

    def load() -> FormLoad:
        names = board.client_choices(db)
        loaded = lead_values(db, ref) if ref is not None else {}
        original.update(loaded)
        fields = [client_field(names)]
        if loaded.get("currency"):
            fields.append(value_field(loaded["currency"]))
        return FormLoad(values=loaded, fields=tuple(fields), replace=ref is not None)

    def save(values: dict[str, str]) -> Saved:
        return save_lead(db, config, now, ref, original, values)

    title = f"Edit {ref}" if ref else "New lead"
    return FormSpec(
        title, lead_fields(config), values, save, load=load, wait_for_load=ref is not None
    )


def lead_values(db: Database, ref: str) -> dict[str, str]:
    row = get_lead_details(db, ref).row
    lead = row.lead
    return {
        "title": shown(lead.title),
        "partner": shown(lead.partner),
        "channel": lead.channel,
        "contact_name": shown(lead.contact_name),
        "contact_email": shown(lead.contact_email),
        "contact_phone": shown(lead.contact_phone),
        "client": shown(row.client_name),
        "value": plain_value(lead.value_minor, lead.currency),
        "currency": lead.currency or "",
    }


def save_lead(
    db: Database,
    config: Config,
    now: Clock,
    ref: str | None,
    original: dict[str, str],
    values: dict[str, str],
) -> Saved:
    field = {name: value.strip() for name, value in values.items()}
    if ref is None:
        draft = leads.LeadDraft(
            title=field.get("title", ""),
            source="partner" if field.get("partner") else "client",
            partner=field.get("partner") or None,
            channel=field.get("channel") or "email",
            contact_name=field.get("contact_name") or None,
            contact_email=field.get("contact_email") or None,
            contact_phone=field.get("contact_phone") or None,
            client=field.get("client") or None,
            value=field.get("value") or None,
            currency=field.get("currency") or None,
        )
        result = leads.add_lead(db, draft, now=now(), config=config)
        return Saved(f"Added {result.lead.ref}: {safe(result.lead.title, 60)}", result.lead.ref)
    changes: dict[str, object] = {}
    for name, value in field.items():
        if value == original.get(name, ""):
            continue
        if name == "partner":
            changes["source"] = "partner" if value else "client"
            changes["partner"] = value or None
        elif name in ("title", "channel"):
            changes[name] = value
        else:
            changes[name] = value or None
    if not changes:
        return Saved(f"{ref}: nothing changed", ref)
    leads.edit_lead(db, ref, now=now(), config=config, **changes)  # type: ignore[arg-type]
    return Saved(f"Saved {ref}", ref)


def delete_lead_question(db: Database, clock: Clock, ref: str) -> ConfirmSpec:
    """Ask before deleting `ref`; the delete is journalled at `clock()` (the app's clock, as
    the CLI passes its own)."""
    lead = get_lead_details(db, ref).row.lead
    return ConfirmSpec(
        f"Delete {ref} {safe(lead.title, 80)}?",
        "Its reminders and timeline go too; its tasks stay.",
        partial(_delete_lead, db, clock, ref),
    )


def _delete_lead(db: Database, clock: Clock, ref: str) -> Saved:
    leads.delete_lead(db, ref, now=clock())
    return Saved(f"Deleted {ref} (u undoes it)", None)


# --- reading an open lead -----------------------------------------------------------------------


def open_lead(db: Database, ref: str) -> LeadDetails:
    """The lead, refused (with what to do) when it is won or lost."""
    details = get_lead_details(db, ref)
    lead = details.row.lead
    if lead.stage in CLOSED_STAGES:
        raise InputError(f"{ref} is {lead.stage}; reopen it first (o in its detail view)")
    return details


def lead_zone(db: Database, details: LeadDetails, config: Config) -> tzinfo:
    """The zone a trailing `client` means for this lead: its own, its client's, else yours
    (the rule core applies when it saves)."""
    lead = details.row.lead
    for name in (lead.timezone, board.client_zone(db, lead.client_id)):
        if name:
            try:
                return ZoneInfo(name)
            except (ValueError, KeyError):
                continue
    return config.timezone


# --- respond / answer ---------------------------------------------------------------------------


def respond(db: Database, config: Config, now: Clock, ref: str, verb: str) -> Saved:
    """`respond` (r on a waiting lead) or `answer` (r once responded): one core call that
    records whichever is owed. Refused when the screen was behind: the other one was owed.
    `owed` (the palette's `lead: respond`) records whichever it is."""
    lead = get_lead_details(db, ref).row.lead
    owed = response_owed(lead, config.response_rule)
    if verb == "owed":
        if owed is None:
            raise InputError(f"{ref} owes nothing: it was responded to and answered")
    elif owed != verb:
        done = "the first response" if verb == "respond" else "the answer"
        raise InputError(f"{ref}: {done} is not owed any more (the screen was behind)")
    at = now()
    result = respond_lead(db, ref, now=at, config=config)
    return Saved(pipeline_note(ref, result, config, at), ref)


def pipeline_note(ref: str, result: StageResult, config: Config, now: datetime) -> str:
    """`L7: stage briefed → proposal-sent, ladder started: R9 step 1 of 6 due Mon 10:00`, in
    core's words for what a pipeline call did (`amtui lead stage` says the same)."""
    return f"{ref}: {', '.join(stage_outcome(View(config, now), result))}"


# --- log ---------------------------------------------------------------------------------------

LOG_KINDS = (
    (LogKind.EMAIL_OUT.value, "email-out: we wrote"),
    (LogKind.EMAIL_IN.value, "email-in: the client replied (stops the ladder)"),
    (LogKind.CALL.value, "call: a conversation (stops the ladder)"),
    (LogKind.CALL_OUT.value, "call-out: we called, no answer"),
    (LogKind.MEETING.value, "meeting (stops the ladder)"),
    (LogKind.NOTE.value, "note"),
)
NO_TEXT = "no text: Enter again to log it without any (or write what was said)"


def log_fields(config: Config, now: Clock, zone: tzinfo | None = None) -> list[FieldSpec]:
    return [
        FieldSpec(
            "kind",
            "Kind",
            options=tuple((label, kind) for kind, label in LOG_KINDS),
            primary=True,
        ),
        FieldSpec("text", "Text", "what was said", confirm_empty=NO_TEXT),
        FieldSpec(
            "awaits",
            "Reply?",
            options=(
                ("no reply needed", "no"),
                ("awaits a reply: (re)start the follow-up ladder", "yes"),
            ),
            shown_if=("kind", LogKind.EMAIL_OUT.value),
        ),
        FieldSpec(
            "at",
            "When",
            "now; or 9:30, -2h, yesterday 16:00, 15:00 client",
            check=date_check(config, now, client_zone=zone),
        ),
    ]


def log_form(db: Database, config: Config, now: Clock, ref: str) -> FormSpec:
    """`l`: log contact. Opens with the cursor in the text; ↑/↓ change the kind."""

    def load() -> FormLoad:
        details = open_lead(db, ref)
        zone = lead_zone(db, details, config)
        at = log_fields(config, now, zone)[-1]
        title = f"Log contact · {ref} {safe(details.row.lead.title, 60)}"
        return FormLoad(title=title, fields=(at,))

    return FormSpec(
        f"Log contact · {ref}",
        log_fields(config, now),
        {"kind": LogKind.EMAIL_OUT.value, "awaits": "no"},
        partial(save_log, db, config, now, ref),
        focus="text",
        enter_saves=True,
        load=load,
    )


def save_log(db: Database, config: Config, now: Clock, ref: str, values: dict[str, str]) -> Saved:
    kind = values.get("kind") or LogKind.NOTE.value
    awaits = kind == LogKind.EMAIL_OUT.value and values.get("awaits") == "yes"
    at = now()
    result = log_lead(
        db,
        ref,
        kind,
        values.get("text", "").strip(),
        now=at,
        config=config,
        awaits_reply=awaits,
        at=values.get("at", "").strip() or None,
    )
    did = [part for part in stage_outcome(View(config, at), result) if part != result.lead.stage]
    return Saved(", ".join([f"{ref}: {kind} logged", *did]), ref)


# --- stage -------------------------------------------------------------------------------------

_STAGE_HINTS = {
    Stage.CONTACTED.value: "→ the first response was made",
    Stage.BRIEFED.value: "→ the brief is in: counts as the answer",
    Stage.PROPOSAL_SENT.value: "→ starts the follow-up ladder (step 1: check it arrived)",
    Stage.NEGOTIATING.value: "→ the client answered: a running ladder stops",
}


def stage_choices(current: str) -> list[str]:
    """The open stages a lead at `current` can move to (never back to new)."""
    return [s for s in OPEN_STAGES if s not in (current, Stage.NEW.value)]


def next_stage(current: str) -> str | None:
    """The next open stage after `current` (the default of the stage key)."""
    choices = stage_choices(current)
    if not choices:
        return None
    later = [s for s in choices if OPEN_STAGES.index(s) > OPEN_STAGES.index(current)]
    return later[0] if later else choices[-1]


def stage_field(current: str | None) -> FieldSpec:
    choices = stage_choices(current) if current else [s for s in OPEN_STAGES if s != "new"]
    return FieldSpec(
        "stage",
        "Stage",
        options=tuple((stage, stage) for stage in choices),
        check=lambda stage: _STAGE_HINTS.get(stage, ""),
        primary=True,
    )


def stage_form(db: Database, config: Config, now: Clock, ref: str) -> FormSpec:
    """`s`: move the stage (the next one preselected: `s` Enter). The stages a lead can move to
    depend on where it is, so they arrive with the load; the note can be typed meanwhile."""

    def load() -> FormLoad:
        lead = open_lead(db, ref).row.lead
        default = next_stage(lead.stage)
        if default is None:
            raise InputError(f"{ref} has no other stage to move to")
        title = f"Stage · {ref} {safe(lead.title, 60)} (now {lead.stage})"
        return FormLoad(title=title, values={"stage": default}, fields=(stage_field(lead.stage),))

    return FormSpec(
        f"Stage · {ref}",
        [stage_field(None), FieldSpec("note", "Note", "for the timeline (optional)")],
        {},
        partial(save_stage, db, config, now, ref),
        focus="note",
        enter_saves=True,
        load=load,
    )


def save_stage(db: Database, config: Config, now: Clock, ref: str, values: dict[str, str]) -> Saved:
    at = now()
    result = change_stage(
        db, ref, values["stage"], now=at, config=config, note=values.get("note", "").strip()
    )
    return Saved(pipeline_note(ref, result, config, at), ref)


def save_move(db: Database, config: Config, now: Clock, ref: str, shown: str, stage: str) -> Saved:
    """H / L on the pipeline board: `amtui lead stage` from the stage the board showed (a lead
    moved meanwhile, by another terminal, is refused and left where it is)."""
    at = now()
    result = change_stage(db, ref, stage, now=at, config=config, expected=shown)
    return Saved(pipeline_note(ref, result, config, at), ref)


# --- win, lose, reopen --------------------------------------------------------------------------


def win_dialog(db: Database, config: Config, now: Clock, ref: str) -> ConfirmSpec | PromptSpec:
    """`w`: a lead with a client asks to confirm; one without asks which client (the name is
    checked and completed as it is typed, a new name creates the client)."""
    row = open_lead(db, ref).row
    at = now()
    titles = [draft_from_text(line, now=at, config=config).title for line in config.win_tasks]
    adds = (
        "Adds the starter tasks: " + ", ".join(safe(t, 40) for t in titles)
        if titles
        else "No starter tasks are configured (win_tasks)."
    )
    save = partial(save_win, db, config, now, ref)
    if row.client_name is not None:
        return ConfirmSpec(f"Win {ref} for {safe(row.client_name, 60)}?", adds, partial(save, None))
    names = board.client_choices(db)
    return PromptSpec(
        f"Win {ref}: for which client?",
        detail=adds,
        keys="Enter win · Esc cancel",
        placeholder=CLIENT_PLACEHOLDER,
        check=client_check(names, creates=True),
        suggest=client_suggest(names),
        required="a client is required (a name, or C3)",
    )


def save_win(db: Database, config: Config, now: Clock, ref: str, client: str | None) -> Saved:
    result = win_lead(db, ref, now=now(), config=config, client=client)
    owner = result.client
    note = f"Won {ref} · client {safe(owner.name, 40)} ({owner.ref})"
    if result.created_client:
        note += " (new)"
    if result.tasks:
        note += " · starter tasks " + ", ".join(task.ref for task in result.tasks)
    return Saved(note, ref)


def lose_prompt(db: Database, ref: str) -> PromptSpec:
    """`W`: close as lost; the reason is required. Opens at once; the title follows."""

    def load() -> PromptLoad:
        lead = open_lead(db, ref).row.lead
        return PromptLoad(title=f"Lose {ref} {safe(lead.title, 60)}: why?")

    return PromptSpec(
        f"Lose {ref}: why?",
        keys="Enter close as lost · Esc cancel",
        placeholder="price, timing, chose another agency…",
        required="a reason is required",
        load=load,
    )


def save_lose(db: Database, config: Config, now: Clock, ref: str, reason: str) -> Saved:
    at = now()
    result = lose_lead(db, ref, reason, now=at)
    return Saved(f"{pipeline_note(ref, result, config, at)} ({safe(reason, 60)})", None)


def save_reopen(db: Database, config: Config, now: Clock, ref: str) -> Saved:
    at = now()
    result = reopen_lead(db, ref, now=at, config=config)
    outcome = ", ".join(stage_outcome(View(config, at), result))
    return Saved(f"{ref} reopened: {outcome}", ref)
