"""The data is described three times and the three must agree (issue 9's parity, part a):
the plain records every command uses (`amtui.core.models`), the declared SQLModel tables
(`amtui.core.schema`) and the database the migrations build, on SQLite and on PostgreSQL:
the same tables, the same columns (records and declaration in the same order), the same
nullability and types."""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Iterator
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

import amtui.core.schema  # noqa: F401  (fills SQLModel.metadata)
from amtui.core import search_index
from amtui.core.db import Database
from amtui.core.migrations import ensure_schema
from amtui.core.models import RECORDS, Record
from tests.conftest import wipe_postgres

PG_URL = os.environ.get("AMTUI_TEST_POSTGRES")

#: Each Python type of a record's field, as the declared column's type and as each database
#: names it (SQLite: the declared type text its converters read; PostgreSQL: information_schema).
TYPES: dict[type, tuple[type[sa.types.TypeEngine[Any]], str, str]] = {
    str: (sa.String, "VARCHAR", "character varying"),
    int: (sa.Integer, "INTEGER", "integer"),
    bool: (sa.Boolean, "BOOLEAN", "boolean"),
    float: (sa.Float, "FLOAT", "double precision"),
    datetime: (sa.DateTime, "DATETIME", "timestamp with time zone"),
    date: (sa.Date, "DATE", "date"),
    list: (sa.JSON, "JSON", "json"),
    dict: (sa.JSON, "JSON", "json"),
}


def field_types(record: type[Record]) -> list[tuple[str, type, bool]]:
    """(name, Python type, may be None) of each field, in order."""
    hints = typing.get_type_hints(record)
    out = []
    for field in fields(record):  # type: ignore[arg-type]
        hint = hints[field.name]
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        concrete = [a for a in args if a is not type(None)]
        assert len(concrete) == 1, (record.TABLE, field.name, hint)
        base = typing.get_origin(concrete[0]) or concrete[0]
        out.append((field.name, base, type(None) in args))
    return out


def declared(record: type[Record]) -> list[tuple[str, type, bool]]:
    """The same, read from the declared table (a primary key id may be None before insert)."""
    table = SQLModel.metadata.tables[record.TABLE]
    out = []
    for column in table.columns:
        kind = column.type.impl if isinstance(column.type, sa.TypeDecorator) else column.type
        python = next(p for p, (sa_type, _, _) in TYPES.items() if isinstance(kind, sa_type))
        if python is list and column.name == "data":
            python = dict
        autoincrement = column.primary_key and column.name == "id"
        out.append((column.name, python, column.nullable or autoincrement))
    return out


def test_every_table_has_a_record_and_every_record_a_table() -> None:
    tables = set(SQLModel.metadata.tables) - {"amtui_schema"}
    assert {record.TABLE for record in RECORDS} == tables


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.TABLE)
def test_records_have_the_declared_columns(record: type[Record]) -> None:
    assert field_types(record) == declared(record)
    table = SQLModel.metadata.tables[record.TABLE]
    assert tuple(c.name for c in table.primary_key.columns) == record.KEY
    json = tuple(c.name for c in table.columns if isinstance(c.type, sa.JSON))
    assert json == record.JSON_FIELDS


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("AMTUI_TEST_POSTGRES is not set (no PostgreSQL server for the tests)")
        wipe_postgres(PG_URL)
        database = Database(PG_URL)
    else:
        database = Database(tmp_path / "schema.db")
    ensure_schema(database)
    yield database
    database.dispose()
    if request.param == "postgresql" and PG_URL:
        wipe_postgres(PG_URL)


def stored_columns(db: Database, table: str) -> list[tuple[str, str, bool]]:
    """(name, type as the database names it, nullable) of a migrated table, in order."""
    with db.read() as tx:
        if tx.sqlite:
            info = tx.all(f'PRAGMA table_info("{table}")')
            return [(c["name"], c["type"], not c["notnull"] and not c["pk"]) for c in info]
        rows = tx.tuples(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position",
            {"t": table},
        )
        return [(name, kind, nullable == "YES") for name, kind, nullable in rows]


#: Money in minor units is BIGINT (PostgreSQL's INTEGER stops at 2**31 - 1).
BIG = ("BIGINT", "bigint")


def stored_type(column: sa.Column[Any], python: type, index: int) -> str:
    if isinstance(column.type, sa.BigInteger):
        return BIG[index - 1]
    return TYPES[python][index]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.TABLE)
def test_the_migrated_database_has_the_records_columns(
    migrated: Database, record: type[Record]
) -> None:
    column = 1 if migrated.is_sqlite else 2
    table = SQLModel.metadata.tables[record.TABLE]
    expected = [
        (
            name,
            stored_type(table.columns[name], python, column),
            nullable and name not in record.KEY,
        )
        for name, python, nullable in field_types(record)
    ]
    # By name: columns a later migration added come last in the table (lead's answer times).
    assert sorted(stored_columns(migrated, record.TABLE)) == sorted(expected)


def test_the_migrated_database_has_no_other_tables(migrated: Database) -> None:
    with migrated.read() as tx:
        if tx.sqlite:
            names = tx.column(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            )
        else:
            names = tx.column("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    # The search index (SQLite) is derived from the data: amtui.core.search_index owns it.
    assert set(names) - set(search_index.TABLES) == {record.TABLE for record in RECORDS} | {
        "amtui_schema"
    }
