"""The controller tells once, before any worker starts, when the workers cannot have their
PostgreSQL databases (tests/workers.py): xdist would otherwise restart each failing worker
again and again before giving up."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.workers import _libpq, check_worker_databases, worker_url

pytestmark = pytest.mark.skipif(
    not os.environ.get("AMTUI_TEST_POSTGRES"), reason="needs AMTUI_TEST_POSTGRES"
)


@pytest.fixture
def plain_role() -> tuple[str, str]:
    """A role without CREATEDB that may connect to a database of its own: (its URL, database)."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    admin = os.environ["AMTUI_TEST_POSTGRES"]
    name = f"amtui_plain_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(admin), autocommit=True) as connection:
        connection.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'plain' NOCREATEDB").format(sql.Identifier(name))
        )
        connection.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(name)
            )
        )
    url = make_url(admin).set(username=name, password="plain", database=name)
    yield url.render_as_string(hide_password=False), name
    with psycopg.connect(_libpq(admin), autocommit=True) as connection:
        for database in (name, f"{name}_gw0", f"{name}_gw1"):
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
        connection.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_a_role_that_may_create_databases_passes() -> None:
    check_worker_databases(os.environ["AMTUI_TEST_POSTGRES"], 3)


def test_a_role_without_createdb_is_told_once_what_to_do(plain_role: tuple[str, str]) -> None:
    url, name = plain_role
    with pytest.raises(pytest.UsageError) as raised:
        check_worker_databases(url, 2)
    message = str(raised.value)
    assert f"{name}_gw0" in message
    assert "CREATEDB" in message and "-n 0" in message


def test_databases_made_beforehand_are_enough(plain_role: tuple[str, str]) -> None:
    import psycopg
    from psycopg import sql

    url, name = plain_role
    with psycopg.connect(_libpq(os.environ["AMTUI_TEST_POSTGRES"]), autocommit=True) as connection:
        for worker in ("gw0", "gw1"):
            database = worker_url(url, worker)[2]
            connection.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(database), sql.Identifier(name)
                )
            )
    check_worker_databases(url, 2)  # nothing raised: each worker has its database


def test_an_unreachable_server_is_one_line() -> None:
    url = "postgresql+psycopg://nobody:x@127.0.0.1:1/nowhere"
    with pytest.raises(pytest.UsageError, match="cannot connect"):
        check_worker_databases(url, 2)
