"""What the main screen shows, loaded in one call from a worker thread.

The screen keeps the filters, each board column's sort and how many rows each list has
loaded; a reload asks for the same again, so "load more" survives a refresh and the first
paint reads one page each. `ChangeWatch` tells the poll whether another connection wrote.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime

from amtui.core.agenda import Agenda, Section, build_agenda
from amtui.core.board import (
    BOARD_PAGE,
    INBOX_PAGE,
    ClientChoice,
    ColumnPage,
    InboxPage,
    board_column,
    filter_agenda,
    inbox_page,
    load_board,
)
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import AmtuiError
from amtui.core.members import Scope
from amtui.core.structs import field, replace, struct
from amtui.tui.logic.team import screen_scope

AGENDA_PAGE = 12  # items per agenda section at first; "load more" adds another page
FILTERED_AGENDA_LIMIT = 500  # a text-filtered agenda is cut from a larger window


@struct(frozen=True)
class Filters:
    """The client every region is narrowed to, and each region's own text filter."""

    client: ClientChoice | None = None
    text: dict[str, str] = field(default_factory=dict)
    #: Whose records (`amtui.tui.logic.team`): None for the default (mine once the team has
    #: members and `me` is set), `all`, `none` or a member's handle.
    owner: str | None = None

    def for_region(self, region: str) -> str | None:
        return self.text.get(region) or None

    @property
    def client_id(self) -> int | None:
        return self.client.id if self.client else None


ALL = frozenset({"inbox", "board", "agenda"})


@struct
class Snapshot:
    """What was reloaded; a part left out (None) stays as it is on screen."""

    now: datetime
    inbox: InboxPage | None
    board: list[ColumnPage] | None
    agenda: Agenda | None
    whose: str | None = None  # whose records, for the top bar (None: one person's database)


def load_snapshot(
    db: Database,
    *,
    config: Config,
    now: datetime,
    filters: Filters,
    inbox_rows: int = INBOX_PAGE,
    column_rows: dict[str, int] | None = None,
    agenda_rows: int = AGENDA_PAGE,
    parts: frozenset[str] = ALL,
    sorts: dict[str, str] | None = None,
) -> Snapshot:
    """The inbox page, every board column's page (in each column's sort) and the agenda
    (those in `parts`), of the owner the filters name."""
    inbox = board = agenda = None
    scope, whose = screen_scope(db, filters.owner, config)
    if "inbox" in parts:
        inbox = inbox_page(
            db,
            client=filters.client_id,
            text=filters.for_region("inbox"),
            limit=max(INBOX_PAGE, inbox_rows),
            rule=config.response_rule,
            scope=scope,
        )
    if "board" in parts:
        board = load_board(
            db,
            config=config,
            now=now,
            client=filters.client_id,
            text=filters.for_region("board"),
            limits={name: max(BOARD_PAGE, n) for name, n in (column_rows or {}).items()},
            sorts=sorts,
            scope=scope,
        )
    if "agenda" in parts:
        agenda = load_agenda(
            db, config=config, now=now, filters=filters, limit=agenda_rows, scope=scope
        )
    return Snapshot(now, inbox, board, agenda, whose)


class EarlyLoad:
    """The main screen's first snapshot, read in a thread from the moment the app starts, so
    the SQL (which runs without the GIL) overlaps Textual building the screen instead of
    starting once the screen is mounted (issue 9: first paint at 100 000 records).

    It reads what a new main screen asks for first (no filters, one page of each list) in the
    remembered column sorts; `take` hands it over once, and only for exactly that request.
    `before` runs in the reader's thread just before the read: the app takes the change token
    there (`ChangeWatch.start`), so a commit made by another process while (or after) the first
    data is read is seen by the first look for changes, not missed until the next full reload.
    """

    def __init__(
        self,
        db: Database,
        *,
        config: Config,
        now: datetime,
        sorts: dict[str, str],
        before: Callable[[], object] | None = None,
    ) -> None:
        self.sorts = dict(sorts)
        self._snapshot: Future[Snapshot] = Future()
        self._taken = False
        reader = threading.Thread(
            target=self._read,
            args=(db, config, now, before),
            name="amtui first snapshot",
            daemon=True,
        )
        reader.start()

    def _read(
        self, db: Database, config: Config, now: datetime, before: Callable[[], object] | None
    ) -> None:
        if before is not None:
            before()
        try:
            snapshot = load_snapshot(
                db, config=config, now=now, filters=Filters(), sorts=self.sorts
            )
        except BaseException as error:  # the screen's worker re-raises it as its own
            self._snapshot.set_exception(error)
        else:
            self._snapshot.set_result(snapshot)

    def wait(self, timeout: float | None = None) -> bool:
        """Whether the read is done, after waiting up to `timeout` seconds for it."""
        try:
            self._snapshot.exception(timeout)
        except TimeoutError:
            return False
        return True

    def take(
        self,
        *,
        filters: Filters,
        inbox_rows: int,
        column_rows: dict[str, int],
        agenda_rows: int,
        parts: frozenset[str],
        sorts: dict[str, str],
    ) -> Future[Snapshot] | None:
        """The early read if it is what these `load_snapshot` arguments ask for (the first
        time only: later reloads must read afresh), else None."""
        if self._taken:
            return None
        self._taken = True
        same = (
            filters == Filters()
            and inbox_rows <= INBOX_PAGE
            and all(rows <= BOARD_PAGE for rows in column_rows.values())
            and agenda_rows == AGENDA_PAGE
            and parts == ALL
            and sorts == self.sorts
        )
        return self._snapshot if same else None


def load_agenda(
    db: Database,
    *,
    config: Config,
    now: datetime,
    filters: Filters,
    limit: int = AGENDA_PAGE,
    scope: Scope | None = None,
) -> Agenda:
    """The user's day (one client's part of it with a client filter); each section holds its
    first `limit` items and counts the rest. A text filter is cut from a larger window."""
    text = filters.for_region("agenda")
    window = max(limit, FILTERED_AGENDA_LIMIT) if text else limit
    if scope is None:
        scope = screen_scope(db, filters.owner, config)[0]
    agenda = build_agenda(
        db, now=now, config=config, limit=window, client_id=filters.client_id, scope=scope
    )
    if not text:
        return agenda
    return _cut(filter_agenda(agenda, text=text), limit)


def _cut(agenda: Agenda, limit: int) -> Agenda:
    """Keep `limit` items per section (totals unchanged, so "N more" stays right)."""

    def cut(section: Section) -> Section:
        return Section(section.total, section.items[:limit])

    return replace(
        agenda,
        overdue=cut(agenda.overdue),
        today=cut(agenda.today),
        waiting=cut(agenda.waiting),
        answers=cut(agenda.answers),
        reminders=cut(agenda.reminders),
        upcoming=cut(agenda.upcoming),
        invoices=cut(agenda.invoices),
    )


def load_more_inbox(db: Database, *, config: Config, filters: Filters, offset: int) -> InboxPage:
    return inbox_page(
        db,
        client=filters.client_id,
        text=filters.for_region("inbox"),
        offset=offset,
        rule=config.response_rule,
        scope=screen_scope(db, filters.owner, config)[0],
    )


def load_more_column(
    db: Database,
    column: str,
    *,
    config: Config,
    now: datetime,
    filters: Filters,
    offset: int,
    sort: str = "position",
) -> ColumnPage:
    return board_column(
        db,
        column,
        config=config,
        now=now,
        client=filters.client_id,
        text=filters.for_region("board"),
        offset=offset,
        sort=sort,
        scope=screen_scope(db, filters.owner, config)[0],
    )


class ChangeWatch:
    """Whether another connection committed since the last look (`Database.change_token`).

    `changed()` runs in the poll worker, `absorb()` in the thread of a write of our own (whose
    caller reloads anyway); a lock keeps the two from interleaving, so our own write is never
    mistaken for someone else's and reloaded twice.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._token: int | None = None
        self._lock = threading.Lock()

    def changed(self) -> bool:
        """True when the token moved since the last look (never on the first look; never when
        the database cannot say: briefly locked or unreachable). On PostgreSQL the token
        counts the change notifications other sessions sent, so a colleague's change is seen
        at the next look (every 0.5 s), without a query."""
        with self._lock:
            token = self._read()
            if token is None:
                return False
            moved = self._token is not None and token != self._token
            self._token = token
            return moved

    @property
    def at_hand(self) -> bool:
        """Whether a look is cheap enough for the UI thread (`Database.change_token_at_hand`)."""
        return self.db.change_token_at_hand

    def start(self) -> None:
        """Take the token now unless a look took one already: what is read after this is
        compared with it by the first look (`EarlyLoad` calls it before the first read)."""
        with self._lock:
            if self._token is None:
                self._token = self._read()

    def absorb(self) -> None:
        with self._lock:
            token = self._read()
            if token is not None:
                self._token = token

    def _read(self) -> int | None:
        try:
            return self.db.change_token()
        except NotImplementedError:
            return None  # a database that cannot say: the periodic full reload keeps it fresh
        except AmtuiError:
            return None  # locked or briefly unreadable: look again on the next tick
