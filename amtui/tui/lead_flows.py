"""The lead workflow keys as dialogs: log, stage, win, lose, snooze, and editing a reminder.

Each flow reads what it needs in a thread (the lead's stage, its client, the pending step),
opens a form or a one-line prompt, and hands the write to `Operations.write`, so every change
is a core call in a worker and its toast comes back through `Operations.Finished`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from amtui.core import board
from amtui.core.errors import AmtuiError
from amtui.core.lead_queries import get_lead_details
from amtui.core.models import CLOSED_STAGES
from amtui.core.sla import response_owed
from amtui.tui import workflow
from amtui.tui.render import safe
from amtui.tui.screens.confirm import ConfirmScreen, PromptScreen
from amtui.tui.screens.forms import FormScreen

if TYPE_CHECKING:
    from amtui.tui.operations import Operations

T = TypeVar("T")

SNOOZE_DEFAULT = "+2h"


class LeadFlows:
    """Dialogs for the lead workflow; `ops` runs the writes."""

    def __init__(self, ops: Operations) -> None:
        self.ops = ops
        self.app = ops.app

    def _start(self, flow: Callable[[], object]) -> None:
        self.app.run_worker(flow(), group="form", exclusive=True)  # type: ignore[arg-type]

    async def _read(self, read: Callable[[], T]) -> T | None:
        """Run a read in a thread; None (after a toast saying why) when it fails."""
        try:
            return await asyncio.to_thread(read)
        except AmtuiError as error:
            self.app.notify(safe(str(error), 300), severity="warning", markup=False)
            return None

    async def _open_lead(self, ref: str) -> tuple[str, str] | None:
        """(title, stage) of an open lead, or None with a toast when it is closed or gone."""
        row = await self._read(lambda: get_lead_details(self.app.db, ref).row)
        if row is None:
            return None
        if row.lead.stage in CLOSED_STAGES:
            self.app.notify(
                f"{ref} is {row.lead.stage}; reopen it first (o in its detail view)",
                severity="warning",
                markup=False,
            )
            return None
        return safe(row.lead.title, 60), row.lead.stage

    # --- respond / answer ------------------------------------------------------------------

    def respond(self, ref: str, verb: str) -> None:
        app = self.app
        self.ops.write(verb, partial(workflow.respond, app.db, app.config, app.now, ref, verb))

    def respond_owed(self, ref: str) -> None:
        """The palette's `lead: respond`: whichever of response and answer is owed."""

        async def flow() -> None:
            rule = self.app.config.response_rule
            lead = await self._read(lambda: get_lead_details(self.app.db, ref).row.lead)
            if lead is None:
                return
            verb = response_owed(lead, rule)
            if verb is None:
                self.app.notify(
                    f"{ref} owes nothing: it was responded to and answered", markup=False
                )
                return
            self.respond(ref, verb)

        self._start(flow)

    # --- log and stage -----------------------------------------------------------------------

    def log(self, ref: str) -> None:
        async def flow() -> None:
            app = self.app
            lead = await self._open_lead(ref)
            if lead is None:
                return
            self.ops.form(
                FormScreen(
                    f"Log contact · {ref} {lead[0]}",
                    workflow.log_fields(app.config, app.now),
                    {"kind": "email-out", "awaits": "no"},
                    partial(workflow.save_log, app.db, app.config, app.now, ref),
                    focus="text",
                    enter_saves=True,
                )
            )

        self._start(flow)

    def stage(self, ref: str) -> None:
        async def flow() -> None:
            app = self.app
            lead = await self._open_lead(ref)
            if lead is None:
                return
            title, current = lead
            default = workflow.next_stage(current)
            if default is None:
                app.notify(f"{ref} has no other stage to move to", markup=False)
                return
            self.ops.form(
                FormScreen(
                    f"Stage · {ref} {title} (now {current})",
                    workflow.stage_fields(current),
                    {"stage": default},
                    partial(workflow.save_stage, app.db, app.config, app.now, ref),
                    focus="note",
                    enter_saves=True,
                )
            )

        self._start(flow)

    # --- win, lose, reopen -------------------------------------------------------------------

    def win(self, ref: str) -> None:
        async def flow() -> None:
            app = self.app
            question = await self._read(
                lambda: workflow.win_question(app.db, app.config, app.now, ref)
            )
            if question is None:
                return
            client, adds = question
            save = partial(workflow.save_win, app.db, app.config, app.now, ref)
            if client is not None:

                def confirmed(yes: bool | None) -> None:
                    if yes:
                        self.ops.write("win", partial(save, None))

                app.push_screen(ConfirmScreen(f"Win {ref} for {client}?", adds), confirmed)
                return
            names = await self._read(lambda: board.client_names(app.db)) or []

            def named(text: str | None) -> None:
                if text is not None and text.strip():
                    self.ops.write("win", partial(save, text.strip()))

            app.push_screen(
                PromptScreen(
                    f"Win {ref}: for which client?",
                    detail=adds,
                    suggestions=[name for name in names if safe(name) == name],
                    keys="Enter win · Esc cancel",
                    placeholder="name or C3 (a new name creates the client)",
                    required="a client is required (a name, or C3)",
                ),
                named,
            )

        self._start(flow)

    def lose(self, ref: str) -> None:
        async def flow() -> None:
            app = self.app
            lead = await self._open_lead(ref)
            if lead is None:
                return

            def reason(text: str | None) -> None:
                if text is not None and text.strip():
                    self.ops.write(
                        "lose", partial(workflow.save_lose, app.db, app.now, ref, text.strip())
                    )

            app.push_screen(
                PromptScreen(
                    f"Lose {ref} {lead[0]}: why?",
                    keys="Enter close as lost · Esc cancel",
                    placeholder="price, timing, chose another agency…",
                    required="a reason is required",
                ),
                reason,
            )

        self._start(flow)

    def reopen(self, ref: str) -> None:
        app = self.app
        self.ops.write("reopen", partial(workflow.save_reopen, app.db, app.config, app.now, ref))

    # --- reminders ---------------------------------------------------------------------------

    def snooze(self, ref: str) -> None:
        """Snooze a reminder (or a lead's pending follow-up step): `until`, `+2h` by default."""

        async def flow() -> None:
            app = self.app
            found = await self._read(lambda: workflow.snooze_target(app.db, app.config, ref))
            if found is None:
                return
            target, due = found

            def until(text: str | None) -> None:
                if text is not None and text.strip():
                    save = partial(workflow.save_snooze, app.db, app.config, app.now, target, text)
                    self.ops.write("snooze", save)

            app.push_screen(
                PromptScreen(
                    f"Snooze {target} until",
                    SNOOZE_DEFAULT,
                    keys="Enter snooze · Esc cancel",
                    check=workflow.snooze_check(app.config, app.now, due),
                    required="when? +2h, tomorrow 9am, fri 10:00",
                ),
                until,
            )

        self._start(flow)

    def edit_reminder(self, ref: str) -> None:
        async def flow() -> None:
            app = self.app
            loaded = await self._read(lambda: workflow.reminder_values(app.db, app.config, ref))
            if loaded is None:
                return
            kind, values = loaded
            save = partial(
                workflow.save_reminder_edit, app.db, app.config, app.now, ref, dict(values)
            )
            fields = workflow.reminder_fields(app.config, app.now, kind)
            self.ops.form(FormScreen(f"Edit {ref}", fields, values, save))

        self._start(flow)
