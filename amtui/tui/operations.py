"""What the keys do to the data: every change goes through a core service, in a worker.

The screens turn keys into calls here (`run_verb("done", "T12")`, `new_task(column=…)`); this
module opens the right form or confirmation, runs the core service in a thread and posts a
typed result to the app, which notifies the user and reloads what is on screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message

from amtui.core import board, tasks
from amtui.core.errors import AmtuiError
from amtui.core.refs import Kind
from amtui.tui import edits, workflow
from amtui.tui.data import ALL
from amtui.tui.lead_flows import LeadFlows
from amtui.tui.render import safe
from amtui.tui.screens.confirm import ConfirmScreen, PromptScreen
from amtui.tui.screens.forms import FormScreen, Saved

if TYPE_CHECKING:
    from amtui.tui.app import AmtuiApp

Write = Callable[[], Saved]


class Operations:
    """The app's verbs; constructed by the app with itself as the target of results."""

    @dataclass
    class Finished(Message):
        """A change was written: tell the user and select `saved.focus` after reloading."""

        saved: Saved
        closes: str | None = None  # a deleted record: close its detail view
        parts: frozenset[str] = ALL  # which regions of the main screen to reload

    @dataclass
    class Failed(Message):
        error: str

    def __init__(self, app: AmtuiApp) -> None:
        self.app = app
        self.leads = LeadFlows(self)

    # --- running writes ------------------------------------------------------------------

    def write(
        self,
        label: str,
        action: Write,
        *,
        closes: str | None = None,
        parts: frozenset[str] = ALL,
    ) -> None:
        """Run `action` (a core service call) in a thread; the result comes back as a message.

        Not exclusive, unlike the loads: an exclusive worker would drop the first of two
        quick `L` presses. Each write is its own `BEGIN IMMEDIATE` transaction.
        """
        self.app.run_worker(
            partial(self._write, action, closes, parts),
            name=label,
            group="write",
            thread=True,
            exit_on_error=False,
        )

    def _write(self, action: Write, closes: str | None, parts: frozenset[str]) -> None:
        try:
            saved = action()
        except AmtuiError as error:
            self.app.post_message(self.Failed(str(error)))
        except Exception as error:  # a bug: say so instead of failing silently in a thread
            self.app.log.error(f"write failed: {error!r}")
            self.app.post_message(self.Failed(f"unexpected error: {type(error).__name__}: {error}"))
        else:
            self.app.absorb_own_write()
            self.app.post_message(self.Finished(saved, closes, parts))

    def form(self, screen: FormScreen) -> None:
        def done(saved: Saved | None) -> None:
            if saved is not None:
                self.app.post_message(self.Finished(saved))

        screen.after_save = self.app.absorb_own_write

        self.app.push_screen(screen, done)

    # --- verbs -------------------------------------------------------------------------------

    def run_verb(self, verb: str, ref: str) -> None:
        """`done`, `toggle`, `edit`, `delete`, `subtask`, `move_*` on a task or reminder, and
        the lead workflow: `respond`, `answer`, `log`, `stage`, `win`, `lose`, `reopen`,
        `snooze` (a reminder, or a lead's pending follow-up step)."""
        app, kind = self.app, ref[0]
        now, config, db = app.now, app.config, app.db
        flows = self.leads
        if verb == "edit":
            self.edit(ref)
        elif verb == "subtask":
            self.new_task(parent=ref)
        elif verb == "delete":
            self.delete(ref)
        elif verb in ("respond", "answer"):
            flows.respond(ref, verb)
        elif verb == "log":
            flows.log(ref)
        elif verb == "stage":
            flows.stage(ref)
        elif verb == "win":
            flows.win(ref)
        elif verb == "lose":
            flows.lose(ref)
        elif verb == "reopen":
            flows.reopen(ref)
        elif verb == "snooze":
            flows.snooze(ref)
        elif verb in ("done", "toggle") and kind == Kind.REMINDER.value:
            self.write(verb, partial(workflow.complete, db, config, now, ref))
        elif verb in ("done", "toggle"):
            self.write(verb, partial(edits.toggle_task, db, ref, now, config, verb))
        elif verb in ("move_left", "move_right"):
            steps = -1 if verb == "move_left" else 1
            self.write(
                verb,
                lambda: edits.moved(
                    tasks.shift_task(db, ref, steps, now=now(), config=config), ref
                ),
                parts=frozenset({"board", "agenda"}),  # the inbox cannot change
            )
        elif verb in ("move_up", "move_down"):
            offset = -1 if verb == "move_up" else 1
            self.write(
                verb,
                lambda: _note(tasks.reorder_task(db, ref, offset, now=now()), "", ref),
                parts=frozenset({"board"}),
            )

    def on_selected(self, verb: str) -> None:
        """A palette command (`lead: log`, `reminder: snooze`) on the selected record."""
        ref = self.app.selected_ref()
        wanted = "LR" if verb == "snooze" else "L"
        if ref is None or ref[0] not in wanted:
            what = "a reminder or a lead" if verb == "snooze" else "a lead"
            self.app.notify(f"Select {what} first", severity="warning", markup=False)
        elif verb == "respond":
            self.leads.respond_owed(ref)
        else:
            self.run_verb(verb, ref)

    def delete(self, ref: str) -> None:
        self.app.run_worker(self._delete(ref), group="confirm", exclusive=True)

    async def _delete(self, ref: str) -> None:
        db = self.app.db
        plan = workflow.reminder_delete_plan if ref[0] == Kind.REMINDER.value else edits.delete_plan
        try:
            question, detail, action = await asyncio.to_thread(plan, db, ref)
        except AmtuiError as error:
            self.app.notify(safe(str(error), 300), severity="warning", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.write("delete", action, closes=ref)

        self.app.push_screen(ConfirmScreen(question, detail), answered)

    # --- forms ---------------------------------------------------------------------------------

    def new_task(self, *, column: str | None = None, parent: str | None = None) -> None:
        self.app.run_worker(self._task_form(None, column, parent), group="form", exclusive=True)

    def new_lead(self) -> None:
        self.app.run_worker(self._lead_form(None), group="form", exclusive=True)

    def new_reminder(self, about: str | None = None) -> None:
        about = about or self.app.selected_ref()
        app = self.app
        fields = edits.reminder_fields(app.config, app.now)
        values = {"about": about if about and about[0] in "TLC" else ""}
        self.form(
            FormScreen(
                "New reminder",
                fields,
                values,
                partial(edits.save_reminder, app.db, app.config, app.now),
            )
        )

    def edit(self, ref: str) -> None:
        if ref[0] == Kind.TASK.value:
            self.app.run_worker(self._task_form(ref, None, None), group="form", exclusive=True)
        elif ref[0] == Kind.LEAD.value:
            self.app.run_worker(self._lead_form(ref), group="form", exclusive=True)
        elif ref[0] == Kind.REMINDER.value:
            self.leads.edit_reminder(ref)

    async def _task_form(self, ref: str | None, column: str | None, parent: str | None) -> None:
        app = self.app
        try:
            clients = await asyncio.to_thread(board.client_names, app.db)
            values = (
                await asyncio.to_thread(edits.task_values, app.db, ref, app.config)
                if ref
                else {"column": column or app.config.new_task_column, "priority": "normal"}
            )
        except AmtuiError as error:
            app.notify(safe(str(error), 300), severity="warning", markup=False)
            return
        fields = edits.task_fields(app.config, app.now, clients, subtask=parent is not None)
        title = f"Edit {ref}" if ref else (f"New subtask of {parent}" if parent else "New task")
        save = partial(edits.save_task, app.db, app.config, app.now, ref, parent, dict(values))
        self.form(FormScreen(title, fields, values, save))

    async def _lead_form(self, ref: str | None) -> None:
        app = self.app
        try:
            clients = await asyncio.to_thread(board.client_names, app.db)
            values = (
                await asyncio.to_thread(edits.lead_values, app.db, ref)
                if ref
                else {"channel": "email"}
            )
        except AmtuiError as error:
            app.notify(safe(str(error), 300), severity="warning", markup=False)
            return
        fields = edits.lead_fields(app.config, clients)
        save = partial(edits.save_lead, app.db, app.config, app.now, ref, dict(values))
        self.form(FormScreen(f"Edit {ref}" if ref else "New lead", fields, values, save))

    # --- filters and navigation --------------------------------------------------------------

    def prompt_text_filter(self, region: str, current: str) -> None:
        def apply(text: str | None) -> None:
            if text is not None:
                self.app.main_screen.set_text_filter(region, text)

        self.app.push_screen(PromptScreen(f"Filter the {region} (any words)", current), apply)

    def prompt_client_filter(self, current: str) -> None:
        self.app.run_worker(self._client_filter(current), group="form", exclusive=True)

    async def _client_filter(self, current: str) -> None:
        app = self.app
        names = await asyncio.to_thread(board.client_names, app.db)
        suggestions = [name for name in names if safe(name) == name]

        async def apply(text: str | None) -> None:
            if text is None:
                return
            if not text.strip():
                app.main_screen.set_client(None)
                return
            try:
                choice = await asyncio.to_thread(board.find_client_choice, app.db, text)
            except AmtuiError as error:
                app.notify(safe(str(error), 300), severity="warning", markup=False)
                return
            app.main_screen.set_client(choice)

        def on_result(text: str | None) -> None:
            app.run_worker(apply(text), group="form")

        app.push_screen(
            PromptScreen("Show one client (name or C3)", current, suggestions), on_result
        )

    def open_record(self, ref: str) -> None:
        from amtui.tui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(ref))


def _note(_result: object, note: str, focus: str | None) -> Saved:
    return Saved(note, focus)
