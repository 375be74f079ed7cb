"""`take` and `assign`, the same two commands on the lead and task nouns (team mode)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from amtui.cli.context import runtime
from amtui.cli.output import say

if TYPE_CHECKING:
    from amtui.core.refs import Kind


def owner_commands(typer_app: typer.Typer, kind: Kind, ref_type: Any, example: str) -> None:
    """Add `take` and `assign` to a noun's app (`amtui lead take L7`, `amtui task assign T12
    anna`): the same two commands for leads and tasks."""
    noun = kind.noun

    def take(ctx: typer.Context, reference: str) -> None:
        from amtui.core.members import take as take_it

        rt = runtime(ctx)
        change = take_it(rt.db, _ref(reference, kind), now=rt.now, config=rt.config)
        say(f"{change.ref} is yours now: {change.title}")

    def assign(ctx: typer.Context, reference: str, member: str) -> None:
        from amtui.core.members import assign as assign_it

        rt = runtime(ctx)
        change = assign_it(rt.db, _ref(reference, kind), member, now=rt.now, config=rt.config)
        was = f" (was {change.previous.handle})" if change.previous else ""
        say(f"{change.ref} is {change.owner.handle}'s now{was}: {change.title}")

    take.__doc__ = (
        f"Take a {noun} nobody owns yet: it becomes yours (`me` in the config). One someone "
        f"else took first is refused (exit 1), even a moment ago on another machine.\n\n"
        f"Example: amtui {noun} take {example}"
    )
    assign.__doc__ = (
        f"Hand a {noun} to a member, whoever had it; its timeline says who had it before.\n\n"
        f"Example: amtui {noun} assign {example} anna"
    )
    # Real objects, not the strings `from __future__ import annotations` would leave.
    member_type = Annotated[str, typer.Argument(help="Who gets it: a member's handle, or me.")]
    take.__annotations__ = {"ctx": typer.Context, "reference": ref_type, "return": None}
    assign.__annotations__ = {**take.__annotations__, "member": member_type}
    typer_app.command("take")(take)
    typer_app.command("assign")(assign)


def _ref(reference: str, kind: Kind) -> str:
    from amtui.core.refs import parse_ref

    return str(parse_ref(reference, kind))
