"""`amtui client …` and `amtui contact …`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from amtui.cli import completion
from amtui.cli.context import runtime
from amtui.cli.output import (
    Format,
    format_option,
    new_owner_option,
    owner_option,
    print_json,
    print_table,
    say,
)
from amtui.core.validate import refuse_empty

app = typer.Typer(help="Clients (accounts): time zone, owner, KAM scores, relationship stage.")
contacts = typer.Typer(help="Contacts: the people at a client.")

ClientRef = Annotated[
    str,
    typer.Argument(
        help="Client name (any case) or reference, e.g. C3.", autocompletion=completion.client_names
    ),
]
STAGE_HELP = "tactical, operational, functional or strategic."


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Client name (unique, any script).")],
    tz: Annotated[str | None, typer.Option("--tz", help="IANA time zone, e.g. Asia/Tokyo.")] = None,
    owner: str | None = new_owner_option("nobody (everyone's)"),
    attractiveness: Annotated[
        int | None, typer.Option(help="KAM: account attractiveness, 1–5.")
    ] = None,
    relationship: Annotated[
        int | None, typer.Option(help="KAM: relationship strength, 1–5.")
    ] = None,
    stage: Annotated[str, typer.Option(help=f"Relationship stage: {STAGE_HELP}")] = "tactical",
    notes: Annotated[str, typer.Option(help="Free notes.")] = "",
) -> None:
    """Add a client.

    Example: amtui client add "Granel" --tz Europe/Moscow --attractiveness 5 --relationship 3
    """
    from amtui.core.clients import add_client

    refuse_empty({"--tz": tz, "--owner": owner})
    rt = runtime(ctx)
    client = add_client(
        rt.db,
        name,
        now=rt.now,
        timezone=tz,
        owner=owner,
        notes=notes,
        kam_attractiveness=attractiveness,
        kam_relationship=relationship,
        relationship_stage=stage,
        config=rt.config,
    )
    say(f"Added {client.ref}: {client.name}")


@app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include archived clients.")] = False,
    owner: str | None = owner_option(),
    fmt: Format = format_option(),
) -> None:
    """List clients with their open tasks and leads (on a team: yours and nobody's, unless
    --owner says whose).

    Example: amtui client list --format md
    """
    from amtui.cli.serialize import client_json
    from amtui.core.clients import list_clients
    from amtui.core.members import resolve_scope

    rt = runtime(ctx)
    scope = resolve_scope(rt.db, owner, rt.config)
    summaries = list_clients(rt.db, include_archived=all_, scope=scope)
    if fmt is Format.JSON:
        print_json([client_json(s.client, rt.config.timezone, s) for s in summaries])
        return
    print_table(
        ["REF", "NAME", "TZ", "OWNER", "KAM", "STAGE", "TASKS", "LEADS"],
        [
            [
                s.client.ref,
                s.client.name,
                s.client.timezone,
                s.owner,
                s.quadrant,
                s.client.relationship_stage,
                str(s.open_tasks),
                str(s.open_leads),
            ]
            for s in summaries
        ],
        fmt,
    )


@app.command("show")
def show(ctx: typer.Context, reference: ClientRef, fmt: Format = format_option()) -> None:
    """Show a client with contacts, open leads and tasks, and the local time there.

    Example: amtui client show Granel
    """
    from amtui.cli.records import show_client

    show_client(runtime(ctx), reference, fmt)


@app.command("edit")
def edit(
    ctx: typer.Context,
    reference: ClientRef,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="IANA time zone ('none' clears).")] = None,
    owner: Annotated[
        str | None,
        typer.Option(help="The member who owns the account: a handle or name, me, or none."),
    ] = None,
    attractiveness: Annotated[int | None, typer.Option(help="KAM attractiveness, 1–5.")] = None,
    relationship: Annotated[int | None, typer.Option(help="KAM relationship, 1–5.")] = None,
    stage: Annotated[str | None, typer.Option(help=f"Relationship stage: {STAGE_HELP}")] = None,
    notes: Annotated[str | None, typer.Option(help="Replace the notes.")] = None,
    archive: Annotated[
        bool | None, typer.Option("--archive/--unarchive", help="Hide from lists, or show again.")
    ] = None,
    locale: Annotated[
        str | None,
        typer.Option(
            help="How its proposals and invoices write money: ru_RU, de_DE ('none' clears)."
        ),
    ] = None,
) -> None:
    """Change a client's fields.

    Example: amtui client edit C3 --tz America/New_York --stage operational
    """
    from amtui.core.clients import edit_client

    refuse_empty(
        {"--name": name, "--tz": tz, "--owner": owner, "--stage": stage, "--locale": locale},
        clearable=("--tz", "--owner", "--locale"),
    )
    rt = runtime(ctx)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = name
    if tz is not None:
        changes["timezone"] = None if tz.lower() == "none" else tz
    if owner is not None:
        changes["owner"] = owner
    if attractiveness is not None:
        changes["kam_attractiveness"] = attractiveness
    if relationship is not None:
        changes["kam_relationship"] = relationship
    if stage is not None:
        changes["relationship_stage"] = stage
    if notes is not None:
        changes["notes"] = notes
    if archive is not None:
        changes["archived"] = archive
    if locale is not None:
        changes["locale"] = None if locale.lower() == "none" else locale
    client = edit_client(rt.db, reference, now=rt.now, config=rt.config, **changes)
    say(f"Updated {client.ref}: {client.name}")


@contacts.command("add")
def add_contact(
    ctx: typer.Context,
    client: ClientRef,
    name: Annotated[str, typer.Argument(help="The person's name.")],
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number.")] = None,
    role: Annotated[str | None, typer.Option(help="Role, e.g. marketing director.")] = None,
) -> None:
    """Add a contact person to a client.

    Example: amtui contact add Granel "Anna Petrova" --email anna@granel.example --role CMO
    """
    from amtui.core.clients import add_contact as add

    refuse_empty({"--email": email, "--phone": phone, "--role": role})
    rt = runtime(ctx)
    contact, found = add(rt.db, client, name, now=rt.now, email=email, phone=phone, role=role)
    say(f"Added {contact.name} to {found.name} ({found.ref})")


@contacts.command("list")
def list_contacts(
    ctx: typer.Context,
    client: Annotated[
        str | None,
        typer.Argument(
            help="Only this client (name or C3).", autocompletion=completion.client_names
        ),
    ] = None,
    fmt: Format = format_option(),
) -> None:
    """List contacts, of one client or of all.

    Example: amtui contact list Granel
    """
    from amtui.cli.serialize import contact_json
    from amtui.core.clients import list_contacts as list_all

    rt = runtime(ctx)
    pairs = list_all(rt.db, client)
    if fmt is Format.JSON:
        print_json([contact_json(contact, owner) for contact, owner in pairs])
        return
    print_table(
        ["CLIENT", "NAME", "ROLE", "EMAIL", "PHONE"],
        [[f"{o.name} ({o.ref})", c.name, c.role, c.email, c.phone] for c, o in pairs],
        fmt,
    )


@contacts.command("import")
def import_contacts(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A vCard file (.vcf: 2.1, 3.0 or 4.0).")],
    client: Annotated[
        str | None,
        typer.Option(help="Put every new contact at this client (name or C3; created if new)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would be added; write nothing.")
    ] = False,
) -> None:
    """Import contacts from a vCard file. A person already known by email or phone adds
    nothing (but the fields they lacked); others go to --client, else to the client their
    ORG names (created if new), else to the client of a colleague at the same domain.
    Exit 1 when nothing new came in.

    Example: amtui contact import ~/phone-contacts.vcf --client Granel --dry-run
    """
    from pathlib import Path

    from amtui.core.intake import Tally
    from amtui.core.intake_store import import_contact
    from amtui.core.text import one_line
    from amtui.io.vcard import read_vcards

    rt = runtime(ctx)
    cards = read_vcards(Path(file).expanduser())
    tally = Tally(kinds=("new contact", "new contacts"), mail=False)
    for card in cards:
        outcome = import_contact(rt.db, card, now=rt.now, client=client, dry_run=dry_run)
        tally.count(outcome.kind)
        if outcome.kind != "seen":
            say(one_line(outcome.describe(dry_run=dry_run)))
    say(tally.summary(dry_run=dry_run))
    if tally.new == 0:
        raise typer.Exit(1)


@contacts.command("export")
def export_contacts(
    ctx: typer.Context,
    client: Annotated[
        str | None,
        typer.Argument(
            help="Only this client (name or C3).", autocompletion=completion.client_names
        ),
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Export contacts as vCard 3.0 (ORG is the client), for a phone or a mail program.

    Example: amtui contact export Granel -o granel.vcf
    """
    from amtui.core.clients import list_contacts as list_all
    from amtui.io.vcard import write_vcards

    rt = runtime(ctx)
    pairs = list_all(rt.db, client)
    text = write_vcards(
        {
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "role": contact.role,
            "organization": owner.name,
        }
        for contact, owner in pairs
    )
    if output is None:
        sys.stdout.write(text)
        return
    from pathlib import Path

    from amtui.core.errors import InputError

    try:
        Path(output).expanduser().write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise InputError(f"cannot write {output}: {error.strerror or error}") from None
    say(f"Exported {len(pairs)} contact{'s' if len(pairs) != 1 else ''} to {output}")
