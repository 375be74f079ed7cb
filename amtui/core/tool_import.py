"""Records from the tools people leave (Taskwarrior, a CRM's lead export, a task tracker's CSV).

The parsers in `amtui.io` turn each tool's export into `ImportedTask` / `ImportedLead` values;
`ToolImport` writes them with intake's machinery (`amtui.core.intake_store.Intake`): each item
whole or not at all in a savepoint of a short batch, its key (`taskwarrior:<uuid>`,
`kommo:<id>`, `asana:<task id>`) remembered in `intake_item` in the same transaction, so
importing the same export again adds nothing, even for a record deleted since. A dry run
makes the same decisions and writes nothing.

A task keeps its tool's times (created, finished) and lands on the board: open ones in the
configured new-task column (or the column its tracker section names), finished ones in the
done column. A lead keeps its CRM's creation time; one the CRM already worked is imported as
answered (no 15-minute alarm for last year's enquiries), a won or lost one as closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from amtui.core.errors import InputError
from amtui.core.intake_store import Intake, Outcome
from amtui.core.models import save
from amtui.core.vocabulary import CLOSED_STAGES, STAGES, Stage


@dataclass(frozen=True)
class ImportedTask:
    key: str  # unique in its tool: `taskwarrior:<uuid>`
    title: str
    origin: str  # where it was read (a file name), kept with the key
    notes: str = ""
    client: str | None = None
    tags: Sequence[str] = ()
    due: date | datetime | None = None
    priority: str | None = None  # low, normal, high or urgent
    assignee: str | None = None
    column: str | None = None  # a board column, when the tool's section names one
    created: datetime | None = None
    done: datetime | None = None
    recur: str | None = None  # an amtui repeat rule (`+1w`)
    note: str = ""  # what the import changed, for the report


@dataclass(frozen=True)
class ImportedLead:
    key: str  # `kommo:<id>`
    title: str
    origin: str
    received: datetime | None = None
    stage: str = Stage.NEW.value  # an amtui stage
    lost_reason: str | None = None
    closed: datetime | None = None
    value: str | None = None  # as written ("12 000"); read by the lead rules
    currency: str | None = None
    client: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    notes: str = ""
    brief: Sequence[tuple[str, str]] = field(default_factory=tuple)


class ToolImport(Intake):
    """One import run from another tool (see the module docstring). Use as a context manager."""

    ACTION = "import"

    def receive_task(self, item: ImportedTask) -> Outcome:
        """A task from another tool: a card with its times, tags and notes."""
        from amtui.core.drafts import TaskDraft
        from amtui.core.tasks import create_task

        if item.key in self.seen:
            return Outcome("seen", item.title)
        created = item.created or self.now
        column = item.column
        if item.done is not None:
            column = self.config.done_column
        draft = TaskDraft(
            title=item.title,
            notes=item.notes,
            client=item.client,
            column=column,
            due=item.due,
            priority=item.priority,
            tags=item.tags,
            assignee=item.assignee,
            recur=item.recur,
        )
        with self._transaction() as tx:
            if self._taken(tx, item.key):
                return Outcome("seen", item.title)
            try:
                if self.dry_run:
                    _check_task(draft)
                    self.seen.add(item.key)
                    return Outcome("task", item.title, None, item.note)
                result = create_task(tx, draft, now=created, config=self.config)
            except InputError as error:
                return Outcome("skipped", item.title, note=str(error))
            task = result.task
            if item.done is not None:
                task.done_at = max(item.done, created)
                task.updated_at = task.done_at
                save(tx, task)
            self._record(tx, item.key, "task", "task", occurred=created, origin=item.origin)
            note = "; ".join(n for n in (item.note, _new_client(result)) if n)
            return Outcome("task", item.title, task.ref, note)

    def receive_lead(self, item: ImportedLead) -> Outcome:
        """A lead from a CRM's export, at its stage there (see the module docstring)."""
        from amtui.core.leads import LeadDraft, create_lead

        if item.key in self.seen:
            return Outcome("seen", item.title)
        if item.stage not in STAGES:
            raise ValueError(f"not an amtui stage: {item.stage}")
        draft = LeadDraft(
            title=item.title,
            contact_name=item.contact_name,
            contact_email=item.contact_email,
            contact_phone=item.contact_phone,
            client=item.client,
            value=item.value,
            currency=item.currency,
            received=item.received or self.now,
            channel="other",
            brief=item.brief,
            notes=item.notes,
        )
        with self._transaction() as tx:
            if self._taken(tx, item.key):
                return Outcome("seen", item.title)
            try:
                if self.dry_run:
                    _check_lead(draft, self)
                    self.seen.add(item.key)
                    return Outcome("lead", item.title, None, item.stage)
                result = create_lead(
                    tx,
                    draft,
                    now=self.now,
                    config=self.config,
                    activity=f"imported from {item.origin}",
                )
            except InputError as error:
                return Outcome("skipped", item.title, note=str(error))
            lead = result.lead
            if item.stage != Stage.NEW.value:
                # Worked in the CRM already: answered there, so no deadline alarms here.
                lead.stage = item.stage
                lead.first_response_at = lead.received_at
                lead.answered_at = lead.received_at
            if item.stage in CLOSED_STAGES:
                lead.closed_at = max(item.closed or lead.received_at, lead.received_at)
                lead.lost_reason = item.lost_reason if item.stage == "lost" else None
            save(tx, lead)
            self._record(
                tx,
                item.key,
                "lead",
                "lead",
                occurred=lead.received_at,
                origin=item.origin,
                lead=lead,
            )
            note = "; ".join(n for n in (item.stage, _new_client(result)) if n)
            return Outcome("lead", item.title, lead.ref, note)


def _new_client(result: object) -> str:
    client = getattr(result, "client", None)
    if client is not None and getattr(result, "created_client", False):
        return f"new client {client.name}"
    return ""


def _check_task(draft: object) -> None:
    """A dry run refuses what the real run would (the pure checks of `add_task`)."""
    from amtui.core.drafts import TaskDraft, clean_tags, resolve_priority
    from amtui.core.validate import check_name

    assert isinstance(draft, TaskDraft)
    check_name(draft.title, "task title")
    clean_tags(draft.tags)
    if draft.priority:
        resolve_priority(draft.priority)
    if draft.recur:
        from amtui.core.recurrence import parse_rule

        parse_rule(draft.recur)


def _check_lead(draft: object, run: Intake) -> None:
    from amtui.core.leads import LeadDraft, resolve_received
    from amtui.core.validate import check_name

    assert isinstance(draft, LeadDraft)
    check_name(draft.title, "lead title")
    resolve_received(draft.received, now=run.now, config=run.config)
