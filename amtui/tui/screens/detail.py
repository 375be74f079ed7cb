"""The detail view of one record (modal): every field, subtasks, reminders and the timeline;
for a lead also both deadlines and the follow-up ladder, with the workflow keys.

It reads its record through core (`get_task_details` and friends) and reloads it in a worker
when the app sees a change, so a subtask ticked here or a note added from the shell shows at
once.

Opening it (`enter`, issue 9): the first read begins in a thread as the view is built, and the
view waits for it, a bounded time (`FIRST_READ_WAIT`), before its first frame, as the main
screen's first frame does (`screens.main.EARLY_READ_WAIT`). The record is nearly always in by
then (a few ms of SQL at 100 000 records), so the first frame shows it: one layout and one
render of the dialog and the dimmed screen beneath it, where an empty frame first cost a
second (bench/RESULTS.md, `s7detail`). A read that takes longer (a locked database) is left to
the worker, and the dialog shows at once without it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from amtui.core.clients import ClientDetails, get_client_details
from amtui.core.config import Config
from amtui.core.dates import local_today
from amtui.core.db import Database
from amtui.core.describe import (
    View,
    client_fields,
    reminder_fields,
    reminder_title,
    task_fields,
)
from amtui.core.describe_leads import lead_fields
from amtui.core.describe_money import invoice_fields, invoice_title, proposal_fields
from amtui.core.errors import AmtuiError
from amtui.core.followups import ladder_state
from amtui.core.invoice_queries import get_invoice
from amtui.core.lead_queries import LeadDetails, get_lead_details
from amtui.core.models import CLOSED_STAGES
from amtui.core.proposals import get_proposal
from amtui.core.refs import Kind, parse_ref
from amtui.core.reminders import get_reminder
from amtui.core.sla import response_owed
from amtui.core.task_queries import TaskDetails, get_task_details
from amtui.tui.keys import verb_bindings
from amtui.tui.logic.money import (
    ClientMoneyView,
    client_money_lines,
    client_record_lines,
    invoice_lines,
    load_client_money,
    proposal_lines,
)
from amtui.tui.logic.text import safe
from amtui.tui.logic.verbs import Facts, Target, applies, verb
from amtui.tui.render import phrase
from amtui.tui.screens.backdrop import DimmedScreen
from amtui.tui.widgets import detail as parts
from amtui.tui.widgets.footer import FittedFooter

if TYPE_CHECKING:
    from datetime import datetime

    from amtui.tui.app import AmtuiApp

#: How long opening a record waits for its first read before drawing the dialog without it
#: (seconds): longer than the read takes at 100 000 records on a busy machine, and about what
#: an empty frame and the layout after it cost there.
FIRST_READ_WAIT = 0.1


@dataclass(frozen=True)
class ClientRecord:
    """A client's details and its money (what the client view shows)."""

    details: ClientDetails
    money: ClientMoneyView


def read_record(db: Database, ref: str, config: Config, now: datetime) -> Any:
    """What the detail view of `ref` shows (raises AmtuiError: not found, storage)."""
    kind = ref[0]
    if kind == Kind.TASK.value:
        return get_task_details(db, ref)
    if kind == Kind.LEAD.value:
        return get_lead_details(db, ref)
    if kind == Kind.CLIENT.value:
        details = get_client_details(db, ref)
        money = load_client_money(db, details.client.id or 0, config=config, now=now)
        return ClientRecord(details, money)
    if kind == Kind.PROPOSAL.value:
        return get_proposal(db, ref)
    if kind == Kind.INVOICE.value:
        return get_invoice(db, ref, today=local_today(now, config.timezone), config=config)
    return get_reminder(db, ref)


def in_thread(read: Callable[[], Any], *, name: str) -> Future[Any]:
    """Run `read` in a new daemon thread; its result (or exception) in the future."""
    result: Future[Any] = Future()

    def run() -> None:
        try:
            value = read()
        except BaseException as error:  # handed to whoever takes the result
            result.set_exception(error)
        else:
            result.set_result(value)

    threading.Thread(target=run, name=name, daemon=True).start()
    return result


class DetailScreen(DimmedScreen[None]):
    """One record; Esc closes, `e` edits, `a` adds a subtask; on a lead `r` `l` `s` `w` `W`
    `o` run the workflow and `z` / `x` snooze or do its pending follow-up step."""

    BINDING_GROUP_TITLE = "Detail"
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="detail.close"),
        *verb_bindings("detail"),
        # A modal screen hides the app's own keys: help is offered here too (the same id, so
        # one `[keys]` entry moves both).
        Binding("question_mark", "app.toggle_help", "Help", key_display="?", id="app.help"),
    ]

    @dataclass
    class Loaded(Message):
        record: Any

    @dataclass
    class LoadFailed(Message):
        error: str

    def __init__(self, ref: str) -> None:
        super().__init__(classes="detail-screen")
        self.ref = str(parse_ref(ref))
        self.kind = self.ref[0]
        self.record: Any = None
        self._first_read: Future[Any] | None = None

    @property
    def amtui(self) -> AmtuiApp:
        return cast("AmtuiApp", self.app)

    def compose(self) -> ComposeResult:
        if self._first_read is None:
            # The read's SQL (which runs without the GIL) overlaps the mounting and styling
            # of the view; `on_mount` waits for it.
            self._first_read = in_thread(self._reader(), name=f"amtui read {self.ref}")
        with Vertical(classes="dialog", id="detail"), VerticalScroll(id="detail-body"):
            yield Static(Content(self.ref), id="detail-head")
            yield parts.FieldTable(id="detail-fields")
            if self.kind == Kind.TASK.value:
                yield Static("", id="subtasks-title", markup=False)
                yield parts.SubtaskList(id="subtasks")
            yield Static("", id="detail-related", markup=False)
            if self.kind == Kind.CLIENT.value:
                yield parts.RecordList(id="detail-records")
            yield Static("", id="timeline-title", markup=False)
            yield parts.FieldTable(id="timeline")
        yield FittedFooter()

    def on_mount(self) -> None:
        if self.kind == Kind.TASK.value:
            self.query_one(parts.SubtaskList).focus()
        # Begun as the view was built (`compose`): shown in the first frame if it is in.
        first = self._first_read
        assert first is not None
        if wait([first], FIRST_READ_WAIT).done:
            error = first.exception()
            if error is None:
                self.show(first.result())
                return
            if isinstance(error, AmtuiError):
                self.fail(str(error))
                return
        self._load(first)  # still out (or a bug, which the worker reports as before)

    def reload(self) -> None:
        self._load(self._reader())

    def _reader(self) -> Callable[[], Any]:
        """The read of this record, with what it needs taken from the app now (to run in a
        thread)."""
        app = self.amtui
        return partial(read_record, app.db, self.ref, app.config, app.now())

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load(self, read: Future[Any] | Callable[[], Any]) -> None:
        """`read`: the first read, still out, or a new read to make."""
        try:
            record = read.result() if isinstance(read, Future) else read()
        except AmtuiError as error:
            self.post_message(self.LoadFailed(str(error)))
            return
        self.post_message(self.Loaded(record))

    def on_detail_screen_load_failed(self, message: LoadFailed) -> None:
        self.fail(message.error)

    def fail(self, error: str) -> None:
        """The record could not be read (deleted meanwhile, the database locked): say so and
        close."""
        self.notify(safe(error, 300), severity="warning", markup=False)
        self.dismiss(None)

    def on_detail_screen_loaded(self, message: Loaded) -> None:
        self.show(message.record)

    def show(self, record: Any) -> None:
        """Every field in core's words (`amtui show` says the same), styled by tone."""
        self.record = record
        now, config = self.amtui.now(), self.amtui.config
        view = View(config, now)
        related: list[Content] = []
        if self.kind == Kind.TASK.value:
            assert isinstance(record, TaskDetails)
            title, body = record.row.task.title, task_fields(view, record)
            row = record.row
            self.query_one("#subtasks-title", Static).update(
                Content.styled(
                    f"Subtasks {row.subtasks_done}/{row.subtasks_total}", "bold underline"
                )
            )
            self.query_one(parts.SubtaskList).show_rows(record.subtasks, now=now, config=config)
            related.append(parts.reminders(record.reminders, view))
        elif self.kind == Kind.LEAD.value:
            assert isinstance(record, LeadDetails)
            title, body = record.row.lead.title, lead_fields(view, record)
            related.append(parts.brief(record.row.lead.brief or []))
            related.append(parts.section("Tasks", parts.task_lines(record.tasks, view)))
            related.append(parts.reminders(record.reminders, view))
        elif self.kind == Kind.CLIENT.value:
            assert isinstance(record, ClientRecord)
            client = record.details
            title, body = client.client.name, client_fields(view, client)
            money = client_money_lines(record.money)
            related.append(parts.section("Money", [phrase(line) for line in money]))
            records = parts.RecordList
            lines = client_record_lines(client, record.money, view)
            self.query_one(records).show_lines([(line.key, phrase(line.parts)) for line in lines])
            if lines and not isinstance(self.focused, records):
                self.query_one(records).focus()
        elif self.kind == Kind.PROPOSAL.value:
            title, body = record.proposal.title, proposal_fields(view, record)
            related.append(parts.section("Lines", [phrase(p) for p in proposal_lines(record)]))
        elif self.kind == Kind.INVOICE.value:
            title, body = invoice_title(record), invoice_fields(view, record)
            related.append(parts.section("Lines", [phrase(p) for p in invoice_lines(record)]))
        else:
            title, body = reminder_title(record.reminder), reminder_fields(view, record)
        activities = getattr(
            record.details if isinstance(record, ClientRecord) else record, "activities", []
        )
        self.query_one("#timeline-title", Static).update(
            Content.styled(f"Timeline ({len(activities)})", "bold underline") if activities else ""
        )
        self.query_one("#timeline", parts.FieldTable).show_rows(parts.timeline(activities, config))
        self.query_one("#detail-head", Static).update(parts.head(self.ref, title))
        self.query_one("#detail-fields", parts.FieldTable).show(body)
        self.query_one("#detail-related", Static).update(
            Content("\n").join([part for part in related if part.plain])
        )
        self.refresh_bindings()

    # --- keys ------------------------------------------------------------------------------

    def facts(self) -> Facts:
        """What the loaded record says about which verbs apply (nothing before it loads)."""
        record, config = self.record, self.amtui.config
        if record is None:
            return Facts(None)
        if isinstance(record, LeadDetails):
            lead = record.row.lead
            pending = ladder_state(lead, record.reminders, config).pending
            return Facts(
                self.ref,
                closed=lead.stage in CLOSED_STAGES,
                owed=response_owed(lead, config.response_rule),
                pending_step=pending is not None,
                team=self.amtui.team_mode,
                owner=record.row.owner,
            )
        if isinstance(record, TaskDetails):
            task = record.row.task
            return Facts(
                self.ref,
                done=task.done_at is not None,
                card=task.parent_id is None,
                team=self.amtui.team_mode,
                owner=record.row.owner,
            )
        if self.kind == Kind.REMINDER.value:
            return Facts(self.ref, done=record.reminder.done_at is not None)
        if self.kind == Kind.PROPOSAL.value:
            return Facts(self.ref, done=record.proposal.status != "draft")
        if self.kind == Kind.INVOICE.value:
            invoice = record.invoice
            return Facts(
                self.ref,
                done=invoice.status != "draft",
                closed=invoice.status == "void",
                owing=invoice.status == "issued" and record.state.outstanding_minor > 0,
            )
        return Facts(self.ref)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "verb" or not parameters:
            return True
        return applies(verb(str(parameters[0])), self.facts())

    def action_close(self) -> None:
        self.dismiss(None)

    def action_verb(self, name: str) -> None:
        if applies(verb(name), self.facts()):
            self.amtui.actions.run(name, Target(self.ref, "detail"))
