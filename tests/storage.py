"""Reading the database in tests, through the same storage layer the commands use.

`count(db, Task)`, `count(db, Activity, "lead_id = :id", {"id": 7})`, `rows(db, Reminder,
"done_at IS NULL")`: records of a table, in id order (or `order`), with an optional condition.
`sqlite_plans(db, run)`: each statement `run` sent, with SQLite's query plan of it (an index
a query must use).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from amtui.core.models import Record, records
from amtui.core.sql import Database

R = TypeVar("R", bound=Record)


def count(
    db: Database, model: type[Record], where: str = "", params: Mapping[str, Any] | None = None
) -> int:
    with db.read() as tx:
        sql = f"SELECT count(*) FROM {model.TABLE}" + (f" WHERE {where}" if where else "")
        return int(tx.scalar(sql, params))


def rows(
    db: Database,
    model: type[R],
    where: str = "",
    params: Mapping[str, Any] | None = None,
    *,
    order: str | None = None,
) -> list[R]:
    order = order or ", ".join(model.KEY)
    with db.read() as tx:
        sql = f"SELECT * FROM {model.TABLE}" + (f" WHERE {where}" if where else "")
        return records(tx, model, f"{sql} ORDER BY {order}", params)


def one(db: Database, model: type[R], where: str, params: Mapping[str, Any] | None = None) -> R:
    (found,) = rows(db, model, where, params)
    return found


def settled_change_token(db: Database) -> int:
    """`db.change_token()` once the test's own earlier writes have all reached it.

    PostgreSQL's backends report their row counts some time after their transactions end
    (an idle one may wait several seconds), so a token read right after a fixture wrote can
    move later with nothing new written. The pool's connections are closed first (a backend
    reports what it holds when it ends); then the token must stay put for a second.
    """
    db.dispose()
    token = db.change_token()
    if db.is_sqlite:
        return token
    for _ in range(30):
        time.sleep(1)
        again = db.change_token()
        if again == token:
            return token
        token = again
    raise AssertionError("PostgreSQL's change counters never settled")


def sqlite_plans(db: Database, run: Callable[[], object]) -> list[tuple[str, str]]:
    """Call `run`, then give each statement it executed with SQLite's `EXPLAIN QUERY PLAN` of
    it (the plan's details joined by " | "), with the same parameters."""
    from amtui.core.sql import Tx

    seen: list[tuple[str, Any]] = []
    execute = Tx._execute

    def recorded(self: Tx, sql: str, params: Any) -> Any:
        seen.append((sql, params))
        return execute(self, sql, params)

    Tx._execute = recorded  # type: ignore[method-assign]
    try:
        run()
    finally:
        Tx._execute = execute  # type: ignore[method-assign]
    plans = []
    with db.read() as tx:
        for sql, params in seen:
            steps = tx.tuples(f"EXPLAIN QUERY PLAN {sql}", params)
            plans.append((sql, " | ".join(str(step[-1]) for step in steps)))
    return plans
