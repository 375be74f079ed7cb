"""The action layer: what each verb of the registry does, in Textual terms.

`Actions.run(name, target)` looks the verb up in `logic.verbs` and calls its handler here.
A handler either opens a dialog (built from a spec in `amtui.tui.logic`) or runs a write: a
core call in a worker thread whose result comes back to the app as `Finished` (a note for a
toast, the record to select, which regions to reload) or `Failed`.

Dialogs open at once, in the handler of the key that asked for them; the app holds the keys
typed meanwhile and hands them to the dialog when it has the focus, so nothing typed after
`l` or `c` goes astray. A dialog that first needs the database to know what to ask (delete,
win) holds the keys while it reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from textual.message import Message
from textual.screen import Screen

from amtui.core import board
from amtui.core.errors import AmtuiError
from amtui.core.lookup import ClientName
from amtui.core.models import Client
from amtui.core.pipeline_rules import plan_column_move
from amtui.core.refs import Kind
from amtui.core.vocabulary import Stage
from amtui.tui.logic import (
    client_forms,
    invoice_forms,
    lead_forms,
    proposal_forms,
    reminder_forms,
    task_forms,
    team,
)
from amtui.tui.logic.clients import client_check, client_suggest, pick_client
from amtui.tui.logic.data import ALL
from amtui.tui.logic.fields import ConfirmSpec, FormSpec, PromptLoad, PromptSpec, Saved
from amtui.tui.logic.text import safe
from amtui.tui.logic.verbs import Target, acts_on, verb
from amtui.tui.screens.confirm import ConfirmScreen, PromptScreen
from amtui.tui.screens.forms import FormScreen

if TYPE_CHECKING:
    from amtui.tui.app import AmtuiApp

T = TypeVar("T")
Write = Callable[[], Saved]

#: Which regions a write can change (the inbox cannot change when a card moves).
BOARD_AND_AGENDA = frozenset({"board", "agenda"})
NOUNS = {
    "T": "a task",
    "L": "a lead",
    "R": "a reminder",
    "C": "a client",
    "P": "a proposal",
    "I": "an invoice",
}


class Actions:
    """The handlers of the app's verbs; the app builds one with itself as the target."""

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

    # --- dispatch -----------------------------------------------------------------------------

    def run(self, name: str, target: Target) -> None:
        """Run verb `name` on `target` (a key, the palette, a click)."""
        item = verb(name)
        if not acts_on(item, target.ref):
            wanted = " or ".join(NOUNS[kind] for kind in item.kinds)
            self.app.notify(f"Select {wanted} first", severity="warning", markup=False)
            return
        handler: Callable[[Target], None] = getattr(self, item.handler)
        handler(target)

    # --- plumbing -----------------------------------------------------------------------------

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

    def form(self, spec: FormSpec, *, opens: bool = False) -> None:
        """Open a form now; its save reports through `Finished` (and, with `opens`, opens the
        detail view of what it made: a new invoice, where its lines are added)."""

        def done(saved: Saved | None) -> None:
            if saved is not None:
                self.app.post_message(self.Finished(saved))
                if opens and saved.focus:
                    self.open(Target(saved.focus, "form"))

        screen = FormScreen(spec)
        screen.after_save = self.app.absorb_own_write
        self.app.hold_keys()
        self.app.push_screen(screen, done)

    def prompt(self, spec: PromptSpec, apply: Callable[[str], None]) -> None:
        """Open a one-line prompt now; `apply(text)` runs on Enter (not on Esc)."""

        def answered(text: str | None) -> None:
            if text is not None:
                apply(text)

        self.app.hold_keys()
        self.app.push_screen(PromptScreen(spec), answered)

    def confirm(self, spec: ConfirmSpec, *, closes: str | None = None, label: str = "") -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.write(label or "confirmed", spec.yes, closes=closes)

        self.app.hold_keys()
        self.app.push_screen(ConfirmScreen(spec), answered)

    def read_then(self, read: Callable[[], T], then: Callable[[T], None]) -> None:
        """Read in a thread, then open what the result calls for (the keys typed meanwhile
        are held for it); a failed read is a toast, and the held keys are dropped."""
        app = self.app
        app.hold_keys()

        async def flow() -> None:
            try:
                found = await asyncio.to_thread(read)
            except AmtuiError as error:
                app.drop_keys()
                app.notify(safe(str(error), 300), severity="warning", markup=False)
                return
            then(found)

        app.run_worker(flow(), group="read", exclusive=True)

    # --- records --------------------------------------------------------------------------------

    def open(self, target: Target) -> None:
        from amtui.tui.screens.detail import DetailScreen

        assert target.ref is not None
        self.app.push_screen(DetailScreen(target.ref))

    def open_record(self, ref: str) -> None:
        """Open `ref`'s detail view (the palette's `T12`, a search hit)."""
        self.open(Target(ref, "palette"))

    def client_view(self, target: Target) -> None:
        """`C`: the view of the record's client (back to it when it is the view underneath,
        as when an invoice was opened from it); one line when the record has no client."""
        from amtui.core.clients import client_of
        from amtui.tui.screens.detail import DetailScreen

        app, ref = self.app, _ref(target)

        def show(client: Client | None) -> None:
            if client is None:
                app.drop_keys()
                app.notify(f"{ref} has no client yet", severity="warning", markup=False)
                return
            stack = app.screen_stack
            below = stack[-2] if len(stack) > 1 else None
            if isinstance(below, DetailScreen) and below.ref == client.ref:
                app.pop_screen()
            else:
                self.open(Target(client.ref, target.place))
            app.release_keys()

        self.read_then(partial(client_of, app.db, ref), show)

    def new_lead(self, target: Target) -> None:
        app = self.app
        self.form(lead_forms.lead_form(app.db, app.config, app.now))

    def new_task(self, target: Target) -> None:
        app = self.app
        self.form(task_forms.task_form(app.db, app.config, app.now, column=target.column))

    def new_reminder(self, target: Target) -> None:
        app = self.app
        self.form(reminder_forms.new_reminder_form(app.db, app.config, app.now, target.ref))

    def subtask(self, target: Target) -> None:
        app = self.app
        self.form(task_forms.task_form(app.db, app.config, app.now, parent=target.ref))

    def edit(self, target: Target) -> None:
        app, ref = self.app, _ref(target)
        if ref[0] == Kind.TASK.value:
            self.form(task_forms.task_form(app.db, app.config, app.now, ref=ref))
        elif ref[0] == Kind.LEAD.value:
            self.form(lead_forms.lead_form(app.db, app.config, app.now, ref))
        elif ref[0] == Kind.PROPOSAL.value:
            self.form(proposal_forms.edit_form(app.db, app.config, app.now, ref))
        elif ref[0] == Kind.INVOICE.value:
            self.form(invoice_forms.edit_form(app.db, app.config, app.now, ref))
        elif ref[0] == Kind.CLIENT.value:
            self.form(client_forms.client_form(app.db, app.config, app.now, ref))
        else:
            self.form(reminder_forms.edit_reminder_form(app.db, app.config, app.now, ref))

    def new_proposal(self, target: Target) -> None:
        """The lead's next version, then its detail view (where `a` adds lines)."""
        app, ref = self.app, _ref(target)

        def opened(saved: Saved) -> None:
            app.post_message(self.Finished(saved))
            if saved.focus:
                self.open(Target(saved.focus, target.place))
            app.release_keys()

        self.read_then(
            partial(proposal_forms.new_version, app.db, app.config, app.now, ref), opened
        )

    def proposal_line(self, target: Target) -> None:
        app = self.app
        self.form(proposal_forms.line_form(app.db, app.config, app.now, _ref(target)))

    def send_proposal(self, target: Target) -> None:
        app = self.app
        self.write("send", partial(proposal_forms.send, app.db, app.config, app.now, _ref(target)))

    def delete(self, target: Target) -> None:
        app, ref = self.app, _ref(target)
        if ref[0] == Kind.INVOICE.value:
            question = partial(invoice_forms.delete_question, app.db, app.config, app.now, ref)
            self.read_then(question, partial(self.confirm, closes=ref, label="delete"))
            return
        questions = {
            Kind.TASK.value: task_forms.delete_task_question,
            Kind.LEAD.value: lead_forms.delete_lead_question,
            Kind.REMINDER.value: reminder_forms.delete_reminder_question,
        }
        delete_question = questions[ref[0]]
        ask = partial(self.confirm, closes=ref, label="delete")
        self.read_then(lambda: delete_question(app.db, app.now, ref), ask)

    def done(self, target: Target) -> None:
        app, ref = self.app, _ref(target)
        if ref[0] == Kind.REMINDER.value:
            self.write("done", partial(reminder_forms.complete, app.db, app.config, app.now, ref))
        else:
            action = partial(task_forms.toggle_task, app.db, app.config, app.now, ref, reopen=False)
            self.write("done", action)

    def undo(self, target: Target) -> None:
        from amtui.tui.logic.history import undo_latest

        app = self.app
        self.write("undo", partial(undo_latest, app.db, app.now))

    def toggle(self, target: Target) -> None:
        app, ref = self.app, _ref(target)
        action = partial(task_forms.toggle_task, app.db, app.config, app.now, ref, reopen=True)
        self.write("toggle", action)

    def _shift(self, target: Target, steps: int) -> None:
        app, ref = self.app, _ref(target)
        action = partial(task_forms.shift_task, app.db, app.config, app.now, ref, steps)
        self.write("move", action, parts=BOARD_AND_AGENDA)

    def move_left(self, target: Target) -> None:
        self._move(target, -1)

    def move_right(self, target: Target) -> None:
        self._move(target, 1)

    def _move(self, target: Target, step: int) -> None:
        """H / L: a card to the next column of the board, a lead to the next stage of the
        pipeline board."""
        if _ref(target)[0] == Kind.LEAD.value:
            self._move_lead(target, step)
        else:
            self._shift(target, step)

    def _move_lead(self, target: Target, step: int) -> None:
        """A lead one column along the pipeline board, by `amtui lead stage`'s rules: an open
        stage moves it (from the stage the board showed: refused if it moved meanwhile);
        won asks what `w` asks, and a cancelled question leaves the lead as it was."""
        app, ref = self.app, _ref(target)
        shown = target.column or ""
        try:
            stage = plan_column_move(ref, shown, step)
        except AmtuiError as error:
            app.notify(safe(str(error), 300), severity="warning", markup=False)
            return
        if stage == Stage.WON.value:
            self.win(target)
            return
        save = partial(lead_forms.save_move, app.db, app.config, app.now, ref, shown, stage)
        self.write("stage", save)

    def _reorder(self, target: Target, offset: int) -> None:
        app, ref = self.app, _ref(target)
        action = partial(task_forms.reorder_task, app.db, app.now, ref, offset)
        self.write("reorder", action, parts=frozenset({"board"}))

    def move_up(self, target: Target) -> None:
        self._reorder(target, -1)

    def move_down(self, target: Target) -> None:
        self._reorder(target, 1)

    # --- invoices ---------------------------------------------------------------------------------

    def new_invoice(self, target: Target) -> None:
        """A draft of the client (lead, proposal), then its detail view, where `a` adds lines."""
        app = self.app
        spec = invoice_forms.new_invoice_form(app.db, app.config, app.now, _ref(target))
        self.form(spec, opens=True)

    def invoice_line(self, target: Target) -> None:
        app = self.app
        self.form(invoice_forms.line_form(app.db, app.config, app.now, _ref(target)))

    def remove_invoice_line(self, target: Target) -> None:
        app, ref = self.app, _ref(target)

        def apply(text: str) -> None:
            save = partial(invoice_forms.save_remove_line, app.db, app.config, app.now, ref, text)
            self.write("remove line", save)

        self.prompt(invoice_forms.remove_line_prompt(app.db, app.config, app.now, ref), apply)

    def issue_invoice(self, target: Target) -> None:
        app = self.app
        self.form(invoice_forms.issue_form(app.db, app.config, app.now, _ref(target)))

    def pay_invoice(self, target: Target) -> None:
        app = self.app
        self.form(invoice_forms.payment_form(app.db, app.config, app.now, _ref(target)))

    def void_invoice(self, target: Target) -> None:
        """Why, then `y` to confirm (what core would refuse is said before asking)."""
        app, ref = self.app, _ref(target)

        def ask(reason: str) -> None:
            question = partial(
                invoice_forms.void_question, app.db, app.config, app.now, ref, reason.strip()
            )
            self.read_then(question, partial(self.confirm, label="void"))

        self.prompt(invoice_forms.void_prompt(ref), ask)

    # --- the lead workflow ------------------------------------------------------------------------

    def _respond(self, target: Target, verb_name: str) -> None:
        app, ref = self.app, _ref(target)
        action = partial(lead_forms.respond, app.db, app.config, app.now, ref, verb_name)
        self.write(verb_name, action)

    def respond(self, target: Target) -> None:
        self._respond(target, "respond")

    def answer(self, target: Target) -> None:
        self._respond(target, "answer")

    def respond_owed(self, target: Target) -> None:
        self._respond(target, "owed")

    def log(self, target: Target) -> None:
        app = self.app
        self.form(lead_forms.log_form(app.db, app.config, app.now, _ref(target)))

    def stage(self, target: Target) -> None:
        app = self.app
        self.form(lead_forms.stage_form(app.db, app.config, app.now, _ref(target)))

    def win(self, target: Target) -> None:
        app, ref = self.app, _ref(target)
        save = partial(lead_forms.save_win, app.db, app.config, app.now, ref)

        def ask(dialog: ConfirmSpec | PromptSpec) -> None:
            if isinstance(dialog, ConfirmSpec):
                self.confirm(dialog, label="win")
            else:
                self.prompt(dialog, lambda text: self.write("win", partial(save, text.strip())))

        self.read_then(lambda: lead_forms.win_dialog(app.db, app.config, app.now, ref), ask)

    def lose(self, target: Target) -> None:
        app, ref = self.app, _ref(target)

        def apply(reason: str) -> None:
            save = partial(lead_forms.save_lose, app.db, app.config, app.now, ref, reason.strip())
            self.write("lose", save)

        self.prompt(lead_forms.lose_prompt(app.db, ref), apply)

    def reopen(self, target: Target) -> None:
        app, ref = self.app, _ref(target)
        self.write("reopen", partial(lead_forms.save_reopen, app.db, app.config, app.now, ref))

    def snooze(self, target: Target) -> None:
        app, ref = self.app, _ref(target)

        def apply(until: str) -> None:
            save = partial(reminder_forms.save_snooze, app.db, app.config, app.now, ref, until)
            self.write("snooze", save)

        self.prompt(reminder_forms.snooze_prompt(app.db, app.config, app.now, ref), apply)

    def step_done(self, target: Target) -> None:
        app, ref = self.app, _ref(target)
        self.write("step done", partial(reminder_forms.complete, app.db, app.config, app.now, ref))

    # --- the team ------------------------------------------------------------------------------

    def take(self, target: Target) -> None:
        app = self.app
        self.write("take", partial(team.save_take, app.db, app.config, app.now, _ref(target)))

    def assign(self, target: Target) -> None:
        app, ref = self.app, _ref(target)
        spec, members = team.assign_prompt(app.db, ref)

        def apply(who: str) -> None:
            save = partial(team.save_assign, app.db, app.config, app.now, ref, members, who)
            self.write("assign", save)

        self.prompt(spec, apply)

    def owner_toggle(self, target: Target) -> None:
        main = self.app.main_screen
        main.set_owner(team.toggled(main.filters.owner))

    def owner_pick(self, target: Target) -> None:
        main = self.app.main_screen
        spec, members = team.owner_prompt(self.app.db, main.filters.owner)

        def apply(text: str) -> None:
            try:
                main.set_owner(team.owner_choice(members, text))
            except AmtuiError as error:
                self.app.notify(safe(str(error), 300), severity="warning", markup=False)

        self.prompt(spec, apply)

    # --- the screen -------------------------------------------------------------------------------

    def filter(self, target: Target) -> None:
        main = self.app.main_screen
        region = target.place

        def apply(text: str) -> None:
            main.set_text_filter(region, text)

        current = main.filters.text.get(region, "")
        self.prompt(PromptSpec(f"Filter the {region} (any words)", current), apply)

    def client_filter(self, target: Target) -> None:
        """`c`: the prompt opens at once; the client names load behind it, and from then on
        the hint says which client Enter picks and the suggestion completes its name (the
        core matcher decides all three). Enter before they are in waits for them."""
        app = self.app
        main = app.main_screen
        names: list[ClientName] = []

        def load() -> PromptLoad:
            names[:] = board.client_choices(app.db)
            return PromptLoad(
                check=client_check(names, creates=False), suggest=client_suggest(names)
            )

        def apply(text: str) -> None:
            if not text.strip():
                main.set_client(None)
                return
            try:
                main.set_client(pick_client(names, text))
            except AmtuiError as error:
                app.notify(safe(str(error), 300), severity="warning", markup=False)

        current = main.filters.client.name if main.filters.client else ""
        spec = PromptSpec(
            "Show one client (name, part of it, or C3)",
            safe(current),
            placeholder="kettle, blue harbor, C3 — empty: every client",
            load=load,
        )
        self.prompt(spec, apply)

    def clear_filters(self, target: Target) -> None:
        self.app.main_screen.clear_filters()

    def sort_column(self, target: Target) -> None:
        main = self.app.main_screen
        column = target.column or main.board.current_column.column_name
        main.cycle_sort(column)

    def view_inbox(self, target: Target) -> None:
        self.app.main_screen.focus_region(0)

    def view_board(self, target: Target) -> None:
        self.app.main_screen.focus_region(1)

    def view_agenda(self, target: Target) -> None:
        self.app.main_screen.focus_region(2)

    def view_pipeline(self, target: Target) -> None:
        from amtui.tui.screens.pipeline import PipelineScreen

        self._show_view(PipelineScreen())

    def view_accounts(self, target: Target) -> None:
        from amtui.tui.screens.money import MoneyScreen

        self._show_view(MoneyScreen())

    def _show_view(self, screen: Screen[None]) -> None:
        """Open a money view; from the other one (its Tab) it takes that one's place, so Esc
        always goes back to where you were before either."""
        from amtui.tui.screens.money import MoneyScreen
        from amtui.tui.screens.pipeline import PipelineScreen

        if isinstance(self.app.screen, MoneyScreen | PipelineScreen):
            self.app.switch_screen(screen)
        else:
            self.app.push_screen(screen)

    def refresh(self, target: Target) -> None:
        self.app.main_screen.reload()

    def intake(self, target: Target) -> None:
        self.app.action_run_intake()


def _ref(target: Target) -> str:
    assert target.ref is not None, "the registry's kinds let no record-less target through"
    return target.ref
