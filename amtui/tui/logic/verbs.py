"""Every verb of the app, once: its name, the records it acts on, its keys, its help, its
palette command. The bindings (hence the footer and `?` help), the command
palette and the dispatch all read this table; nothing else lists verbs.

A verb's keys are given per place (`inbox`, `board`, `agenda`, `detail`, `subtasks`, `money`
(the accounts), `pipeline` (the pipeline board), `list` for every list region, `main` for the
main screen, `app` everywhere), each with the binding id users remap in the `[keys]` table of
the config (README "Your own keys"). The method of `amtui.tui.actions.Actions` named like the
verb runs it, given a `Target`; a test checks that every verb has one. `applies` decides from
plain facts about the selected record whether a verb is offered (hidden from the footer when
not).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Where keys are bound: the main screen's regions, the detail view, the subtask checklist.
PLACES = (
    "inbox",
    "board",
    "agenda",
    "detail",
    "subtasks",
    "money",
    "pipeline",
    "list",
    "main",
    "app",
)


@dataclass(frozen=True)
class Key:
    place: str
    keys: str  # default keys, comma-separated (`x,space`)
    id: str  # the binding id (`board.done`)
    label: str = ""  # the footer's word here, when it differs from the verb's
    show: bool | None = None  # in the footer here (None: as the verb says)


@dataclass(frozen=True)
class Verb:
    name: str
    label: str  # the footer's word: `Log`
    help: str  # the tooltip and the palette's help line
    kinds: str  # reference letters it acts on (`TR`); "" needs no record
    keys: tuple[Key, ...] = ()
    palette: str | None = None  # the command palette's "noun: verb"
    show: bool = True  # in the footer (hidden keys are still in `?` help)

    @property
    def handler(self) -> str:
        """The `Actions` method that runs it: the one of the verb's own name."""
        return self.name

    def key(self, place: str) -> Key | None:
        return next((key for key in self.keys if key.place == place), None)


@dataclass(frozen=True)
class Target:
    """What a verb acts on: the selected record (None: nothing selected) and where the key
    was pressed; `column` is the board's current column (where `n` adds a card)."""

    ref: str | None
    place: str
    column: str | None = None


@dataclass(frozen=True)
class Facts:
    """What a place knows about its selected record, for `applies`."""

    ref: str | None
    done: bool = False  # a done task or reminder, a sent proposal
    closed: bool = False  # a won or lost lead
    owed: str | None = None  # what the lead owes: "respond", "answer" or None
    pending_step: bool = False  # the lead has a follow-up step pending
    card: bool = True  # a task that is a card (not a subtask)
    first_column: bool = False  # the card is in the board's first column
    last_column: bool = False  # … in its last (done) column
    #: A lead on the pipeline board: the stages H and L move it to (None: not allowed there).
    stage_moves: tuple[str | None, str | None] = (None, None)
    team: bool = False  # the database has members (team mode: take, assign)
    owner: str | None = None  # the record's owner's handle, where the place knows it
    owing: bool = False  # an issued invoice not fully paid yet


def _at(
    places: str, keys: str, suffix: str, label: str = "", show: bool | None = None
) -> tuple[Key, ...]:
    """The same keys in several places, with ids `<place>.<suffix>`."""
    return tuple(Key(place, keys, f"{place}.{suffix}", label, show) for place in places.split())


VERBS: tuple[Verb, ...] = (
    # --- records ---------------------------------------------------------------------------
    Verb(
        "open",
        "Details",
        "Every field, subtasks, reminders and the timeline",
        "TLRCPI",
        (Key("list", "enter", "record.open"),),
        show=True,
    ),
    Verb(
        "client_view",
        "Client",
        "Open its client",
        "TLRPI",
        # The footer of a record's detail view shows it; the lists' footers are full (their
        # `?` help and the palette list it).
        (
            *_at("inbox board agenda pipeline", "C", "client", show=False),
            Key("detail", "C", "detail.client", show=True),
        ),
        palette="record: open its client",
        show=False,
    ),
    Verb(
        "new_lead",
        "New lead",
        "Record an incoming lead",
        "",
        _at("inbox", "n", "new"),
        palette="lead: new",
    ),
    Verb(
        "new_task",
        "New task",
        "Add a task to the board (in the current column)",
        "",
        _at("board", "n", "new"),
        palette="task: new",
    ),
    Verb(
        "new_reminder",
        "New reminder",
        "Schedule a reminder (about the selected record)",
        "",
        _at("agenda", "n", "new"),
        palette="reminder: new",
    ),
    Verb(
        "edit",
        "Edit",
        "Edit the selected record (a client: its KAM scores and stage)",
        "TLRPIC",
        _at("inbox board agenda detail money pipeline", "e", "edit"),
        palette="record: edit",
    ),
    Verb(
        "done",
        "Done",
        "Done: a card goes to the last column; a follow-up step schedules the next",
        "TR",
        (*_at("board agenda", "x,space", "done"), Key("detail", "x", "detail.done")),
        palette="record: done",
    ),
    Verb(
        "toggle",
        "Tick",
        "Tick the subtask (or untick a done one)",
        "T",
        _at("subtasks", "x,space", "toggle"),
    ),
    Verb(
        "move_left",
        "Move left",
        "Move to the previous column or stage",
        "TL",
        _at("board pipeline", "H", "move_left"),
    ),
    Verb(
        "move_right",
        "Move right",
        "Move to the next column or stage",
        "TL",
        _at("board pipeline", "L", "move_right"),
    ),
    Verb(
        "move_up",
        "Move up",
        "Move the card (or subtask) up",
        "T",
        _at("board subtasks", "K", "move_up"),
        show=False,
    ),
    Verb(
        "move_down",
        "Move down",
        "Move the card (or subtask) down",
        "T",
        _at("board subtasks", "J", "move_down"),
        show=False,
    ),
    Verb(
        "subtask",
        "Subtask",
        "Add a subtask to the card",
        "T",
        _at("board detail", "a", "subtask"),
        palette="task: add subtask",
    ),
    Verb(
        "delete",
        "Delete",
        "Delete the selected record, or a draft invoice (asks first: y / n)",
        "TLRI",
        _at("inbox board agenda detail subtasks", "d", "delete"),
        palette="record: delete",
    ),
    # --- proposals ----------------------------------------------------------------------------
    Verb(
        "new_proposal",
        "Proposal",
        "Start the lead's next proposal version (a copy of the last one's lines)",
        "L",
        _at("inbox detail", "p", "proposal"),
        palette="lead: new proposal",
        show=False,  # `?` help and the palette list it; the footer keeps the workflow keys
    ),
    Verb(
        "proposal_line",
        "Add line",
        "Add a line to the draft proposal: stage, who, hours, rate per hour",
        "P",
        _at("detail", "a", "line"),
        palette="proposal: add line",
    ),
    Verb(
        "send_proposal",
        "Send",
        "Mark the proposal sent: the lead's timeline, proposal-sent and the follow-up ladder",
        "P",
        _at("detail", "S", "send"),
        palette="proposal: send",
    ),
    # --- invoices -------------------------------------------------------------------------------
    Verb(
        "new_invoice",
        "Invoice",
        "Make a draft invoice of the client (of a lead: its client; of a proposal: a line per "
        "stage)",
        "CLP",
        _at("detail money pipeline", "I", "invoice"),
        palette="client: new invoice",
        show=False,
    ),
    Verb(
        "invoice_line",
        "Add line",
        "Add a line to the draft invoice: what it bills and its amount",
        "I",
        _at("detail", "a", "invoice_line"),
        palette="invoice: add line",
    ),
    Verb(
        "remove_invoice_line",
        "Remove line",
        "Remove a line from the draft invoice (by its number)",
        "I",
        _at("detail", "D", "invoice_remove_line"),
        palette="invoice: remove line",
    ),
    Verb(
        "issue_invoice",
        "Issue",
        "Issue the draft: the next invoice number, the issue and due dates",
        "I",
        _at("detail", "S", "issue"),
        palette="invoice: issue",
    ),
    Verb(
        "pay_invoice",
        "Payment",
        "Record a payment received (a part is fine; more than is owed is refused)",
        "I",
        _at("detail", "P", "pay"),
        palette="invoice: record payment",
    ),
    Verb(
        "void_invoice",
        "Void",
        "Cancel the issued invoice: it keeps its number and owes nothing (asks first: y / n)",
        "I",
        _at("detail", "V", "void"),
        palette="invoice: void",
    ),
    # --- the lead workflow -------------------------------------------------------------------
    Verb(
        "respond",
        "Responded",
        "Record the first response (new → contacted)",
        "L",
        _at("inbox agenda detail", "r", "respond"),
    ),
    Verb(
        "answer",
        "Answered",
        "Record that the substantive answer went out",
        "L",
        _at("inbox agenda detail", "r", "answer"),
    ),
    Verb(
        "respond_owed",
        "Respond",
        "Record the first response (or the answer) of the selected lead",
        "L",
        palette="lead: respond",
    ),
    Verb(
        "log",
        "Log",
        "Log an email, call, meeting or note (a reply stops the ladder)",
        "L",
        _at("inbox detail", "l", "log"),
        palette="lead: log",
    ),
    Verb(
        "stage",
        "Stage",
        "Move to another stage (proposal-sent starts the ladder)",
        "L",
        _at("inbox detail pipeline", "s", "stage"),
        palette="lead: stage",
    ),
    Verb(
        "win",
        "Win",
        "Close as won: link the client, add the starter tasks",
        "L",
        _at("inbox detail pipeline", "w", "win"),
        palette="lead: win",
    ),
    Verb(
        "lose",
        "Lose",
        "Close as lost, with the reason",
        "L",
        _at("inbox detail pipeline", "W", "lose"),
        palette="lead: lose",
    ),
    Verb(
        "reopen",
        "Reopen",
        "Undo a win or a loss: back to the stage it was closed from",
        "L",
        _at("detail pipeline", "o", "reopen"),
        palette="lead: reopen",
    ),
    Verb(
        "snooze",
        "Snooze",
        "Put the reminder (a lead: its pending follow-up step) off: +2h, tomorrow 9am",
        "LR",
        _at("agenda detail", "z", "snooze"),
        palette="reminder: snooze",
    ),
    Verb(
        "step_done",
        "Step done",
        "The pending follow-up step was done without a reply: schedule the next",
        "L",
        _at("detail", "x", "step_done"),
        palette="lead: follow-up step done",
    ),
    # --- the team ----------------------------------------------------------------------------
    Verb(
        "take",
        "Take",
        "Take the lead or task nobody owns yet: it becomes yours",
        "LT",
        _at("inbox board detail", "t", "take"),
        palette="record: take",
    ),
    Verb(
        "assign",
        "Assign",
        "Hand the lead or task to a member (its timeline says who had it)",
        "LT",
        _at("inbox board detail", "A", "assign"),
        palette="record: assign to a member",
    ),
    Verb(
        "owner_toggle",
        "Mine/team",
        "Show my records or the whole team's",
        "",
        (Key("main", "o", "filter.owner"),),
        palette="team: mine / whole team",
    ),
    Verb(
        "owner_pick",
        "Whose",
        "Show one member's records (or all, or what nobody owns yet)",
        "",
        (Key("main", "O", "filter.member"),),
        palette="team: one member's records",
        show=False,
    ),
    # --- the screen ---------------------------------------------------------------------------
    Verb(
        "filter",
        "Filter",
        "Filter this region by text",
        "",
        (Key("list", "slash", "region.filter"),),
    ),
    Verb(
        "client_filter",
        "Client",
        "Show one client everywhere (name, part of it, or C3)",
        "",
        (Key("main", "c", "filter.client"), Key("pipeline", "c", "pipeline.client_filter")),
        palette="client: filter",
    ),
    Verb(
        "clear_filters",
        "Clear filters",
        "Clear the client and text filters",
        "",
        (Key("main", "escape", "filter.clear"),),
        palette="filter: clear",
    ),
    Verb(
        "sort_column",
        "Sort",
        "Sort this board column: by hand, by due date, by priority (remembered)",
        "",
        _at("board", "s", "sort"),
        palette="board: sort column",
    ),
    Verb(
        "view_inbox",
        "Inbox",
        "Go to the lead inbox",
        "",
        (Key("main", "1", "focus.inbox"),),
        palette="view: inbox",
        show=False,
    ),
    Verb(
        "view_board",
        "Board",
        "Go to the board",
        "",
        (Key("main", "2", "focus.board"),),
        palette="view: board",
        show=False,
    ),
    Verb(
        "view_agenda",
        "Agenda",
        "Go to today's agenda",
        "",
        (Key("main", "3", "focus.agenda"),),
        palette="view: agenda",
        show=False,
    ),
    Verb(
        "view_pipeline",
        "Pipeline",
        "The pipeline board: leads by stage with values, next deadlines, the forecast",
        "",
        (Key("main", "4", "view.pipeline"),),
        palette="view: pipeline",
        show=False,
    ),
    Verb(
        "view_accounts",
        "Accounts",
        "Clients on the KAM quadrant with their money; who brings 80% of the revenue",
        "",
        (Key("main", "5", "view.accounts"),),
        palette="view: accounts",
        show=False,
    ),
    Verb(
        "undo",
        "Undo",
        "Take back your latest change (an import as a whole); refused if changed since",
        "",
        (Key("app", "u", "app.undo"),),
        palette="edit: undo",
        show=False,
    ),
    Verb("refresh", "Refresh", "Reload everything now", "", palette="view: refresh"),
    Verb(
        "intake",
        "Intake",
        "Read new mail and form briefs from the sources in the config",
        "",
        (Key("app", "i", "app.intake"),),
        palette="intake: run",
        show=False,
    ),
)

BY_NAME = {verb.name: verb for verb in VERBS}


def verb(name: str) -> Verb:
    return BY_NAME[name]


def verbs_at(place: str) -> list[tuple[Verb, Key]]:
    """The verbs bound in `place`, with their key there, in table order."""
    found = []
    for item in VERBS:
        key = item.key(place)
        if key is not None:
            found.append((item, key))
    return found


def palette_verbs() -> list[Verb]:
    return [item for item in VERBS if item.palette]


def acts_on(item: Verb, ref: str | None) -> bool:
    """Whether the verb can act on `ref` by its kind alone ("" kinds: on nothing)."""
    return item.kinds == "" or (ref is not None and ref[:1] in item.kinds)


def applies(item: Verb, facts: Facts) -> bool:
    """Whether the verb is offered for the selected record (the footer shows it)."""
    if not acts_on(item, facts.ref):
        return False
    if item.kinds == "":
        return True
    kind = (facts.ref or " ")[0]
    name = item.name
    if name in ("respond", "answer"):
        return facts.owed == name
    if name in ("log", "stage", "win", "lose", "respond_owed"):
        return not facts.closed
    if name == "reopen":
        return facts.closed
    if name in ("take", "assign"):
        open_record = not (facts.closed or facts.done)
        return facts.team and open_record and (name == "assign" or facts.owner is None)
    if name == "step_done":
        return facts.pending_step and not facts.closed
    if name == "snooze":
        return facts.pending_step if kind == "L" else not facts.done
    if name == "done":
        return not facts.done and not (kind == "T" and facts.last_column)
    if name == "edit":
        return not (kind in "RP" and facts.done) and not (kind == "I" and facts.closed)
    if name == "delete":
        return kind != "I" or not facts.done  # an issued invoice is voided, never deleted
    if name in ("invoice_line", "remove_invoice_line", "issue_invoice"):
        return not facts.done  # only a draft's lines change
    if name == "pay_invoice":
        return facts.owing
    if name == "void_invoice":
        return facts.done and not facts.closed  # issued (core says why one with payments is not)
    if name in ("proposal_line", "send_proposal"):
        return not facts.done  # a sent proposal stays as the client received it
    if name == "subtask":
        return facts.card
    if name in ("move_left", "move_right") and kind == "L":
        return facts.stage_moves[0 if name == "move_left" else 1] is not None
    if name == "move_left":
        return facts.card and not facts.first_column
    if name == "move_right":
        return facts.card and not facts.last_column and not facts.done
    return True
