"""One PostgreSQL database per pytest-xdist worker, so that workers never reset each other's.

With AMTUI_TEST_POSTGRES set, the tests may wipe that database at any moment (tests/pgdb.py
resets it before each test of the PostgreSQL pass; the PostgreSQL tests wipe it whole). Two
workers sharing it would wipe each other's data mid-test. So each worker (`PYTEST_XDIST_WORKER`,
e.g. `gw0`) points AMTUI_TEST_POSTGRES at a database of its own named after the given one
(`amtui_ci` → `amtui_ci_gw0`), before any test module reads the variable: created when missing
(the role needs CREATEDB, or the database made beforehand), and dropped when the worker ends.
Run without workers (`-n 0`, `-p no:xdist`), the tests use AMTUI_TEST_POSTGRES itself.

The controller checks first that the workers will manage (`check_worker_databases`): a worker
that fails at start is restarted by xdist again and again before the run gives up, so a role
without CREATEDB is told once, at once, what to do.
"""

from __future__ import annotations

import os
import re
import sys

import pytest

VARIABLE = "AMTUI_TEST_POSTGRES"

#: The worker databases this process created (and so drops at the end).
_CREATED: list[tuple[str, str]] = []


def worker_url(url: str, worker: str) -> tuple[str, str, str]:
    """The URL of `worker`'s own database next to the one `url` names, with both names."""
    from sqlalchemy.engine import make_url

    base = make_url(url)
    if not base.database:
        raise pytest.UsageError(f"{VARIABLE} names no database: {url!r}")
    name = f"{base.database}_{worker}"
    if not re.fullmatch(r"[A-Za-z0-9_]{1,63}", name):
        raise pytest.UsageError(
            f"{VARIABLE}: {name!r} is no name for a worker's database (letters, digits and _, "
            "63 at most); use another database name or run with -n 0"
        )
    return base.set(database=name).render_as_string(hide_password=False), base.database, name


def _libpq(url: str) -> str:
    """What psycopg takes for an SQLAlchemy URL (`postgresql+psycopg://…` → `postgresql://…`)."""
    return "postgresql://" + url.split("://", 1)[1]


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _cannot_make(worker: str, name: str, base: str, reason: str) -> pytest.UsageError:
    return pytest.UsageError(
        f"{VARIABLE}: worker {worker} needs a database of its own, {name!r} next to "
        f"{base!r}, and could not make it ({reason}); let the role create databases "
        f"(CREATEDB), create {name!r} beforehand, or run on one process with -n 0"
    )


def check_worker_databases(url: str, workers: int) -> None:
    """In the controller, before any worker starts: each of `workers` workers can have its
    database (it exists already, or the role may create databases); else one UsageError."""
    import psycopg

    names = [worker_url(url, f"gw{index}")[1:] for index in range(workers)]
    try:
        with psycopg.connect(_libpq(url), autocommit=True) as connection:
            row = connection.execute(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
            if row is not None and row[0]:
                return
            existing = {
                found
                for (found,) in connection.execute(
                    "SELECT datname FROM pg_database WHERE datname = ANY(%s)",
                    ([name for _, name in names],),
                )
            }
    except psycopg.Error as error:
        raise pytest.UsageError(
            f"{VARIABLE}: cannot connect to {url!r} ({_reason(error)}); start the server or "
            "correct the URL"
        ) from None
    for index, (base, name) in enumerate(names):
        if name not in existing:
            raise _cannot_make(f"gw{index}", name, base, "the role may not create databases")


def use_worker_database(config: pytest.Config) -> None:
    """In an xdist worker with AMTUI_TEST_POSTGRES set, switch it to the worker's own database
    (creating it when missing); elsewhere leave it alone."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get(VARIABLE)
    if not worker or not url or not hasattr(config, "workerinput"):
        return
    import psycopg
    from psycopg import sql

    own, base, name = worker_url(url, worker)
    try:
        with psycopg.connect(_libpq(url), autocommit=True) as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if found is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                _CREATED.append((url, name))
    except psycopg.Error as error:
        raise _cannot_make(worker, name, base, _reason(error)) from None
    os.environ[VARIABLE] = own


def drop_worker_database() -> None:
    """Drop the database `use_worker_database` created, once the worker's tests are over (at
    the end of its session: the controller may end a worker before its `pytest_unconfigure`)."""
    while _CREATED:
        url, name = _CREATED.pop()
        import psycopg
        from psycopg import sql

        try:
            with psycopg.connect(_libpq(url), autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        except psycopg.Error as error:
            sys.stderr.write(f"could not drop the worker database {name!r}: {error}\n")
