"""Team mode in the app, without Textual: whose records the screen shows, take and assign.

The screen keeps `Filters.owner`: None for the default (the member running amtui once the
team has members and `me` is set; everyone's otherwise), `all`, `none` or a member's handle.
`o` flips between mine and the team's; `O` asks for one member. `t` takes the selected lead or
task, `A` hands it to someone: the same core calls as `amtui lead take` / `assign`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import AmtuiError, InputError, NotFoundError
from amtui.core.members import (
    EVERYONE,
    EVERYONE_WORDS,
    NOBODY_WORDS,
    Scope,
    assign,
    describe_member,
    has_members,
    list_members,
    scope_in,
    take,
)
from amtui.core.models import Member
from amtui.core.text import fold
from amtui.tui.logic.text import safe

if TYPE_CHECKING:
    # The forms' module (with quick-add's parser, `core.drafts`) is imported by the prompts
    # and writes below, not with this module: the app's first read imports this module for
    # `screen_scope` before Textual, and the first frame needs no form (bench/RESULTS.md,
    # `s7start`); the app imports the forms after the first frame (`app.DEFERRED`).
    from amtui.tui.logic.fields import Check, Clock, PromptLoad, PromptSpec, Saved

#: What `O` reads besides members (core's `--owner` words): the `Filters.owner` each one
#: stands for, and what the prompt says it means.
WORDS: dict[str, tuple[str | None, str]] = {
    "me": (None, "your records"),
    **dict.fromkeys(EVERYONE_WORDS, ("all", "everyone's records")),
    **dict.fromkeys(NOBODY_WORDS, ("none", "only what nobody owns yet")),
}


def screen_scope(db: Database, owner: str | None, config: Config) -> tuple[Scope, str | None]:
    """The scope the screen loads with, and what the top bar says about it (None on one
    person's database). The default never fails: a `me` that names nobody in this database
    shows everyone's records (the CLI refuses it; the app stays usable)."""
    with db.read() as tx:
        team = has_members(tx)
        if owner is None:
            try:
                scope = scope_in(tx, None, config)
            except AmtuiError:
                scope = EVERYONE
        else:
            scope = scope_in(tx, owner, config)
    return scope, scope_text(scope, team)


def toggled(owner: str | None) -> str | None:
    """`o`: from mine (or one member's) to the team's, and back to mine."""
    return None if owner == "all" else "all"


def scope_text(scope: Scope, team: bool) -> str | None:
    """What the top bar says about whose records are shown; None on one person's database."""
    if not team and scope.everyone:
        return None
    return {"mine": "mine", "team": "whole team"}.get(scope.label, scope.label)


# --- picking a member ----------------------------------------------------------------------------


def member_check(members: list[Member], *, words: bool) -> Check:
    """What Enter would pick: a member by handle or full name (or `all`/`none`/`me`)."""

    def check(text: str) -> str:
        wanted = fold(text)
        if not wanted:
            return "empty: your records" if words else "give a handle or a name"
        if words and wanted in WORDS:
            return f"→ {WORDS[wanted][1]}"
        found = pick(members, text)
        return f"→ {describe_member(found)}"

    return check


def pick(members: list[Member], text: str) -> Member:
    """The member a handle, a full name or the start of either names (only one may match)."""
    wanted = fold(text)
    exact = [m for m in members if wanted in (m.handle, fold(m.name))]
    if exact:
        return exact[0]
    starts = [m for m in members if m.handle.startswith(wanted) or fold(m.name).startswith(wanted)]
    if len(starts) == 1:
        return starts[0]
    if starts:
        raise InputError(f"{len(starts)} members start so: " + ", ".join(m.handle for m in starts))
    raise NotFoundError(f"no member {safe(text.strip(), 40)!r}")


def member_suggest(members: list[Member]) -> Callable[[str], str | None]:
    """The inline completion: the one handle the text begins."""

    def suggest(text: str) -> str | None:
        wanted = fold(text)
        if not wanted:
            return None
        handles = [m.handle for m in members if m.handle.startswith(wanted)]
        return handles[0] if len(handles) == 1 else None

    return suggest


def owner_prompt(db: Database, current: str | None) -> tuple[PromptSpec, list[Member]]:
    """`O`: show one member's records (or all, none, mine); the members load behind it."""
    from amtui.tui.logic.fields import PromptLoad, PromptSpec

    members: list[Member] = []

    def load() -> PromptLoad:
        members[:] = list_members(db)
        handles = ", ".join(m.handle for m in members) or "no members yet"
        return PromptLoad(
            detail=f"Members: {safe(handles, 200)}",
            check=member_check(members, words=True),
            suggest=member_suggest(members),
        )

    spec = PromptSpec(
        "Show whose records (a member, all, none; empty: yours)",
        "" if current in (None, *WORDS) else str(current),
        keys="Enter shows them (empty: yours) · Esc cancel",
        placeholder="anna, ben, all, none",
        load=load,
    )
    return spec, members


def owner_choice(members: list[Member], text: str) -> str | None:
    """The `Filters.owner` an answer to `owner_prompt` stands for."""
    wanted = fold(text)
    if not wanted:
        return None
    if wanted in WORDS:
        return WORDS[wanted][0]
    return pick(members, text).handle


def assign_prompt(db: Database, ref: str) -> tuple[PromptSpec, list[Member]]:
    """`A`: hand the selected lead or task to a member."""
    from amtui.tui.logic.fields import PromptLoad, PromptSpec

    members: list[Member] = []

    def load() -> PromptLoad:
        members[:] = list_members(db)
        if not members:
            return PromptLoad(detail="No members yet: add them with `amtui member add`")
        return PromptLoad(
            detail="Members: " + safe(", ".join(m.handle for m in members), 200),
            check=member_check(members, words=False),
            suggest=member_suggest(members),
        )

    spec = PromptSpec(
        f"Hand {ref} to",
        keys="Enter hands it over · Esc cancel",
        placeholder="a member's handle or name, or me",
        required="give a member",
        load=load,
    )
    return spec, members


# --- writes -----------------------------------------------------------------------------------


def save_take(db: Database, config: Config, now: Clock, ref: str) -> Saved:
    from amtui.tui.logic.fields import Saved

    change = take(db, ref, now=now(), config=config)
    return Saved(f"{ref} is yours now: {safe(change.title, 60)}", ref)


def save_assign(
    db: Database, config: Config, now: Clock, ref: str, members: list[Member], who: str
) -> Saved:
    from amtui.tui.logic.fields import Saved

    handle = "me" if fold(who) == "me" else pick(members, who).handle
    change = assign(db, ref, handle, now=now(), config=config)
    was = f" (was {change.previous.handle})" if change.previous else ""
    return Saved(f"{ref} is {change.owner.handle}'s now{was}: {safe(change.title, 60)}", ref)
