"""`amtui lead …`: the lead inbox from the shell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from amtui.cli import completion
from amtui.cli.context import runtime
from amtui.cli.output import (
    Cell,
    Format,
    confirm,
    format_option,
    limit_option,
    new_owner_option,
    owner_option,
    print_json,
    print_table,
    say,
    undo_hint,
)
from amtui.cli.owners import owner_commands
from amtui.core import vocabulary
from amtui.core.refs import Kind
from amtui.core.validate import refuse_empty

if TYPE_CHECKING:
    from amtui.cli.context import Runtime
    from amtui.core.pipeline import StageResult

app = typer.Typer(help="Leads: enquiries from clients and partner agencies, from any channel.")

Ref = Annotated[
    str,
    typer.Argument(
        help="Lead reference, e.g. L7 (or just 7).",
        autocompletion=completion.lead_references,
    ),
]
CHANNELS = completion.choices(*vocabulary.CHANNELS)
SOURCES = completion.choices(*vocabulary.SOURCES)
CHANNEL_HELP = "email, phone, social, messenger, web-brief, meeting, referral or other."


@app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What the lead is about.")],
    source: Annotated[
        str, typer.Option(help="client or partner.", autocompletion=SOURCES)
    ] = "client",
    partner: Annotated[
        str | None,
        typer.Option(help="Partner agency that passed it on (implies --source partner)."),
    ] = None,
    channel: Annotated[str, typer.Option(help=CHANNEL_HELP, autocompletion=CHANNELS)] = "email",
    contact: Annotated[str | None, typer.Option(help="Contact person's name.")] = None,
    email: Annotated[str | None, typer.Option(help="Contact email.")] = None,
    phone: Annotated[str | None, typer.Option(help="Contact phone.")] = None,
    client: Annotated[
        str | None,
        typer.Option(
            help="Client name or C3 (created if new).", autocompletion=completion.client_names
        ),
    ] = None,
    value: Annotated[str | None, typer.Option(help="Expected value, e.g. 12000 or 12k.")] = None,
    currency: Annotated[str | None, typer.Option(help="Currency code, e.g. EUR.")] = None,
    received: Annotated[
        str | None, typer.Option(help="When it arrived (default: now), e.g. 'today 09:10'.")
    ] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Client's IANA time zone.")] = None,
    brief: Annotated[
        list[str] | None, typer.Option(help="A brief answer as 'Question=answer' (repeatable).")
    ] = None,
    external_id: Annotated[
        str | None, typer.Option(help="Id from the source (e.g. email Message-ID): no duplicates.")
    ] = None,
    notes: Annotated[str, typer.Option(help="Free notes.")] = "",
    owner: str | None = new_owner_option("nobody's yet, everyone's to triage"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the reference.")] = False,
) -> None:
    """Record an incoming lead; its first-response clock starts when it was received.

    Example: amtui lead add "Landing page for spring sale" --partner "Studio North" --channel phone
    """
    from amtui.core.describe_leads import lead_origin
    from amtui.core.display import format_when
    from amtui.core.leads import LeadDraft, add_lead, parse_brief

    refuse_empty(
        {
            "--partner": partner,
            "--contact": contact,
            "--email": email,
            "--phone": phone,
            "--client": client,
            "--currency": currency,
            "--received": received,
            "--tz": tz,
            "--external-id": external_id,
            "--owner": owner,
        }
    )
    rt = runtime(ctx)
    draft = LeadDraft(
        title=title,
        source=source,
        partner=partner,
        channel=channel,
        contact_name=contact,
        contact_email=email,
        contact_phone=phone,
        client=client,
        value=value,
        currency=currency,
        received=received,
        timezone=tz,
        brief=parse_brief(brief or []),
        external_id=external_id,
        notes=notes,
        owner=owner,
    )
    result = add_lead(rt.db, draft, now=rt.now, config=rt.config)
    lead = result.lead
    if quiet:
        print(lead.ref)
        return

    respond_by = rt.config.response_rule.due(lead.received_at)
    say(
        f"Added {lead.ref}: {lead.title} · {lead_origin(lead)} · "
        f"first response due {format_when(respond_by, rt.config.timezone, rt.now)}"
    )
    if result.created_client and result.client is not None:
        say(f"New client {result.client.name} ({result.client.ref}) was created.")


@app.command("list")
def list_(
    ctx: typer.Context,
    stage: Annotated[str | None, typer.Option(help="Only this stage (e.g. proposal-sent).")] = None,
    waiting: Annotated[
        bool, typer.Option("--waiting", help="Only leads waiting for a first response.")
    ] = False,
    client: Annotated[
        str | None,
        typer.Option(help="Only this client (name or C3).", autocompletion=completion.client_names),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="client or partner.", autocompletion=SOURCES)
    ] = None,
    channel: Annotated[str | None, typer.Option(help=CHANNEL_HELP, autocompletion=CHANNELS)] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include won and lost leads.")] = False,
    owner: str | None = owner_option(),
    limit: int = limit_option(),
    fmt: Format = format_option(),
) -> None:
    """List leads, most urgent first (waiting for a first response, oldest first).

    Example: amtui lead list --waiting --format json
    """

    from amtui.cli.output import toned
    from amtui.cli.serialize import lead_json, lead_value
    from amtui.core.describe_leads import next_action
    from amtui.core.display import format_span
    from amtui.core.lead_queries import list_leads
    from amtui.core.members import resolve_scope

    rt = runtime(ctx)
    scope = resolve_scope(rt.db, owner, rt.config)
    rows = list_leads(
        rt.db,
        stage=stage,
        waiting=waiting,
        client=client,
        source=source,
        channel=channel,
        include_closed=all_,
        limit=limit or None,
        rule=rt.config.response_rule,
        scope=scope,
    )
    tz, rule = rt.config.timezone, rt.config.response_rule
    if fmt is Format.JSON:
        print_json([lead_json(row, tz, rule) for row in rows])
        return
    table = []
    team = any(row.owner for row in rows) or not scope.everyone
    for row in rows:
        lead = row.lead
        response: Cell | str = ""
        if row.next_action is not None:
            response = toned([next_action(rt.view, row.next_action)])
        table.append(
            [
                lead.ref,
                lead.stage,
                lead.title,
                lead.partner or lead.source,
                lead.channel,
                row.client_name,
                lead_value(row),
                format_span(rt.now - lead.received_at),
                response,
                *([row.owner or "-"] if team else []),
            ]
        )
    headers = [
        "REF",
        "STAGE",
        "TITLE",
        "FROM",
        "CHANNEL",
        "CLIENT",
        "VALUE",
        "AGE",
        "NEXT DEADLINE",
        *(["OWNER"] if team else []),
    ]
    print_table(headers, table, fmt)


@app.command("show")
def show(ctx: typer.Context, reference: Ref, fmt: Format = format_option()) -> None:
    """Show a lead: every field, its brief, tasks, reminders and timeline.

    Example: amtui lead show L7
    """
    from amtui.cli.records import show_lead

    show_lead(runtime(ctx), reference, fmt)


@app.command("edit")
def edit(
    ctx: typer.Context,
    reference: Ref,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    source: Annotated[str | None, typer.Option(help="client or partner.")] = None,
    partner: Annotated[str | None, typer.Option(help="Partner agency name.")] = None,
    channel: Annotated[str | None, typer.Option(help=CHANNEL_HELP, autocompletion=CHANNELS)] = None,
    contact: Annotated[str | None, typer.Option(help="Contact person's name.")] = None,
    email: Annotated[str | None, typer.Option(help="Contact email.")] = None,
    phone: Annotated[str | None, typer.Option(help="Contact phone.")] = None,
    client: Annotated[
        str | None,
        typer.Option(
            help="Client name or C3 ('none' unlinks).", autocompletion=completion.client_names
        ),
    ] = None,
    value: Annotated[str | None, typer.Option(help="Expected value ('none' clears).")] = None,
    currency: Annotated[str | None, typer.Option(help="Currency code.")] = None,
    received: Annotated[str | None, typer.Option(help="When it arrived.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="IANA time zone ('none' clears).")] = None,
    brief: Annotated[
        list[str] | None, typer.Option(help="Add a brief answer 'Question=answer' (repeatable).")
    ] = None,
    notes: Annotated[str | None, typer.Option(help="Replace the notes.")] = None,
) -> None:
    """Change a lead's fields (stage changes come with the lead workflow).

    Example: amtui lead edit L7 --value 15k --currency EUR --tz America/New_York
    """
    from amtui.core.leads import edit_lead, parse_brief

    refuse_empty(
        {
            "--title": title,
            "--source": source,
            "--partner": partner,
            "--channel": channel,
            "--contact": contact,
            "--email": email,
            "--phone": phone,
            "--client": client,
            "--value": value,
            "--currency": currency,
            "--received": received,
            "--tz": tz,
        },
        clearable=("--partner", "--contact", "--email", "--phone", "--client", "--value", "--tz"),
    )
    rt = runtime(ctx)
    changes: dict[str, object] = {}
    for name, raw in (
        ("title", title),
        ("source", source),
        ("partner", partner),
        ("channel", channel),
        ("contact_name", contact),
        ("contact_email", email),
        ("contact_phone", phone),
        ("client", client),
        ("value", value),
        ("currency", currency),
        ("received", received),
        ("timezone", tz),
        ("notes", notes),
    ):
        if raw is not None:
            clearable = name not in ("title", "source", "channel", "received", "notes")
            changes[name] = None if clearable and raw.lower() == "none" else raw
    result = edit_lead(
        rt.db,
        reference,
        now=rt.now,
        config=rt.config,
        add_brief=parse_brief(brief or []),
        **changes,
    )
    lead = result.lead
    if result.changed:
        say(f"Updated {lead.ref}: {', '.join(result.changed)}")
    else:
        say(f"{lead.ref} already looked like that; nothing changed")
    if result.created_client and result.client is not None:
        say(f"New client {result.client.name} ({result.client.ref}) was created.")


@app.command("rm")
def remove(
    ctx: typer.Context,
    reference: Ref,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a lead with its reminders and timeline (its tasks stay, unlinked).

    Example: amtui lead rm L7 --yes
    """
    from amtui.core.lead_queries import get_lead_details
    from amtui.core.leads import delete_lead
    from amtui.core.refs import Kind, parse_ref

    rt = runtime(ctx)
    name = str(parse_ref(reference, Kind.LEAD))
    title = get_lead_details(rt.db, reference).row.lead.title
    confirm(f"Delete {name} {title!r}?", yes=yes)
    delete_lead(rt.db, reference, now=rt.now)
    say(f"Deleted {name}: {title}")
    undo_hint()


def _report_stage(rt: Runtime, result: StageResult) -> None:
    from amtui.core.describe_leads import stage_outcome

    lead = result.lead
    say(f"{lead.ref} [{lead.stage}] {lead.title}: {', '.join(stage_outcome(rt.view, result))}")


@app.command("respond")
def respond(
    ctx: typer.Context,
    reference: Ref,
    note: Annotated[str | None, typer.Option(help="What was said.")] = None,
    answered: Annotated[
        bool, typer.Option("--answered", help="The first response was already the full answer.")
    ] = False,
    answer_by: Annotated[
        str | None,
        typer.Option(help="When you promised the full answer, e.g. 'tomorrow 12:00 client'."),
    ] = None,
) -> None:
    """Record the first response to a lead (new → contacted); run it again once the
    substantive answer has gone out.

    Example: amtui lead respond L7 --note "Estimate follows" --answer-by "tomorrow 12:00"
    """
    from amtui.core.pipeline import respond_lead

    rt = runtime(ctx)
    _report_stage(
        rt,
        respond_lead(
            rt.db,
            reference,
            now=rt.now,
            config=rt.config,
            note=note,
            answered=answered,
            answer_by=answer_by,
        ),
    )


@app.command("stage")
def stage(
    ctx: typer.Context,
    reference: Ref,
    to: Annotated[
        str,
        typer.Argument(
            help="contacted, briefed, proposal-sent or negotiating.",
            autocompletion=completion.choices(*vocabulary.OPEN_STAGES[1:]),
        ),
    ],
    note: Annotated[str | None, typer.Option(help="A note for the timeline.")] = None,
) -> None:
    """Move a lead along the pipeline; proposal-sent starts the follow-up ladder.

    Example: amtui lead stage L7 proposal-sent --note "Sent v1, 4 500 EUR"
    """
    from amtui.core.pipeline import change_stage

    rt = runtime(ctx)
    _report_stage(rt, change_stage(rt.db, reference, to, now=rt.now, config=rt.config, note=note))


@app.command("log")
def log(
    ctx: typer.Context,
    reference: Ref,
    kind: Annotated[
        str,
        typer.Argument(
            help="email-out, email-in, call (a conversation), call-out (no answer), meeting, note."
        ),
    ],
    text: Annotated[str, typer.Argument(help="What happened.")] = "",
    awaits_reply: Annotated[
        bool,
        typer.Option("--awaits-reply", help="An email-out that needs an answer: start the ladder."),
    ] = False,
    at: Annotated[str | None, typer.Option(help="When it happened (default: now).")] = None,
) -> None:
    """Log contact with a lead. A reply from the client (email-in, call, meeting) stops the
    follow-up ladder.

    Example: amtui lead log L7 email-in "Looks good, let's talk on Monday"
    """
    from amtui.core.pipeline import log_lead

    rt = runtime(ctx)
    _report_stage(
        rt,
        log_lead(
            rt.db,
            reference,
            kind,
            text,
            now=rt.now,
            config=rt.config,
            awaits_reply=awaits_reply,
            at=at,
        ),
    )


@app.command("win")
def win(
    ctx: typer.Context,
    reference: Ref,
    client: Annotated[
        str | None,
        typer.Option(
            help="Client to link (name or C3; created if new).",
            autocompletion=completion.client_names,
        ),
    ] = None,
) -> None:
    """Close a lead as won: link or create the client and add the starter tasks.

    Example: amtui lead win L7 --client "Blue Harbor Hotels"
    """
    from amtui.core.pipeline import win_lead

    rt = runtime(ctx)
    result = win_lead(rt.db, reference, now=rt.now, config=rt.config, client=client)
    lead = result.lead
    say(f"Won {lead.ref}: {lead.title} · client {result.client.name} ({result.client.ref})")
    if result.created_client:
        say(f"New client {result.client.name} ({result.client.ref}) was created.")
    for task in result.tasks:
        say(f"  added {task.ref}: {task.title}")


@app.command("lose")
def lose(
    ctx: typer.Context,
    reference: Ref,
    reason: Annotated[str, typer.Option(help="Why: price, timing, chose another agency…")],
) -> None:
    """Close a lead as lost, with the reason.

    Example: amtui lead lose L7 --reason "chose a cheaper agency"
    """
    from amtui.core.pipeline import lose_lead

    rt = runtime(ctx)
    _report_stage(rt, lose_lead(rt.db, reference, reason, now=rt.now))


@app.command("reopen")
def reopen(ctx: typer.Context, reference: Ref) -> None:
    """Undo a win or a loss: the lead goes back to the stage it was closed from.

    Example: amtui lead reopen L7
    """
    from amtui.core.pipeline import reopen_lead

    rt = runtime(ctx)
    _report_stage(rt, reopen_lead(rt.db, reference, now=rt.now, config=rt.config))


owner_commands(app, Kind.LEAD, Ref, "L7")
