"""The DB-API storage layer (`amtui.core.sql`): the same SQL and the same Python types on
SQLite and PostgreSQL, amtui's connection settings, and one-line storage errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import amtui.core.sql as sql_module
from amtui.core.errors import InputError, StorageError
from amtui.core.sql import Database, Json, contains_folded, like_pattern

PG_URL = os.environ.get("AMTUI_TEST_POSTGRES")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty table `t` with every column type amtui uses, on each database."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("AMTUI_TEST_POSTGRES is not set (no PostgreSQL server for the tests)")
        database = Database(PG_URL)
        ddl = (
            "CREATE TABLE t (id SERIAL PRIMARY KEY, at TIMESTAMP WITH TIME ZONE, day DATE, "
            'data JSON, flag BOOLEAN, "column" VARCHAR, n INTEGER)'
        )
        with database.write() as tx:
            tx.run("DROP TABLE IF EXISTS t")
            tx.run(ddl)
    else:
        database = Database(tmp_path / "t.db")
        with database.write() as tx:
            tx.run(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, at DATETIME, day DATE, data JSON, "
                'flag BOOLEAN, "column" VARCHAR, n INTEGER)'
            )
    yield database
    if request.param == "postgresql":
        with database.write() as tx:
            tx.run("DROP TABLE IF EXISTS t")
    database.dispose()


def test_values_come_back_with_the_same_types(store: Database) -> None:
    berlin = timezone(timedelta(hours=1))
    at = datetime(2026, 11, 25, 10, 30, 15, 123456, tzinfo=berlin)
    with store.write() as tx:
        new = tx.insert(
            "t",
            {
                "at": at,
                "day": date(2026, 2, 28),
                "data": Json([{"q": "Бюджет", "a": "15–20k €"}]),
                "flag": True,
                "column": "In progress",
                "n": 7,
            },
        )
    with store.read() as tx:
        row = tx.one("SELECT * FROM t WHERE id = :id", {"id": new})
    assert row is not None
    assert row["at"] == at and row["at"].tzinfo == UTC  # the same instant, read back as UTC
    assert row["day"] == date(2026, 2, 28)
    assert row["data"] == [{"q": "Бюджет", "a": "15–20k €"}]
    assert row["flag"] is True
    assert row["column"] == "In progress"


def test_naive_datetimes_and_bare_json_are_refused(store: Database) -> None:
    with pytest.raises(ValueError, match="naive"), store.write() as tx:
        tx.insert("t", {"at": datetime(2026, 1, 1, 12, 0)})
    with pytest.raises(TypeError, match="Json"), store.write() as tx:
        tx.insert("t", {"data": {"a": 1}})
    with store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM t") == 0  # both rolled back


def test_tuples_expand_for_in_and_an_empty_one_matches_nothing(store: Database) -> None:
    with store.write() as tx:
        ids = [tx.insert("t", {"n": n}) for n in range(5)]
    with store.read() as tx:
        picked = tx.column("SELECT n FROM t WHERE id IN :ids ORDER BY n", {"ids": tuple(ids[1:3])})
        assert picked == [1, 2]
        assert tx.column("SELECT n FROM t WHERE id IN :ids", {"ids": ()}) == []
        # Integers are written into the SQL, anything else is bound; both select the same.
        query = "SELECT n FROM t WHERE n IN :ns ORDER BY n"
        assert tx.column(query, {"ns": (4, 0, -1, 2**62)}) == [0, 4]
        assert tx.column('SELECT n FROM t WHERE "column" IN :c', {"c": ("x", "1")}) == []


def test_integer_tuples_are_written_into_the_sql_and_the_rest_bound() -> None:
    from amtui.core.sql import _expand

    sql, values = _expand(
        "x IN :ids AND y IN :names AND z = :z", {"ids": (3, -1), "names": ("a", 1), "z": 5}
    )
    assert sql == "x IN (3, -1) AND y IN (:names_0, :names_1) AND z = :z"
    assert values == {"names_0": "a", "names_1": 1, "z": 5}
    assert _expand("x IN :b", {"b": (True, 2)}) == ("x IN (:b_0, :b_1)", {"b_0": True, "b_1": 2})


def test_update_changes_one_row_and_says_when_it_was_gone(store: Database) -> None:
    with store.write() as tx:
        new = tx.insert("t", {"n": 1})
        assert tx.update("t", new, {"n": 2, "column": "Done"}) == 1
        assert tx.update("t", new + 100, {"n": 3}) == 0
    with store.read() as tx:
        assert tx.one('SELECT n, "column" FROM t') == {"n": 2, "column": "Done"}


def test_expression_types_are_named_in_the_alias(store: Database) -> None:
    at = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    with store.write() as tx:
        tx.insert("t", {"at": at})
        row = tx.one('SELECT coalesce(NULL, at) AS "due [DATETIME]" FROM t')
    assert row == {"due": at}


def test_an_error_rolls_the_transaction_back(store: Database) -> None:
    with pytest.raises(RuntimeError), store.write() as tx:
        tx.insert("t", {"n": 1})
        raise RuntimeError("boom")
    with store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM t") == 0


def test_percent_and_casts_survive_the_parameter_style(store: Database) -> None:
    with store.write() as tx:
        tx.insert("t", {"column": "50% off"})
    with store.read() as tx:
        assert tx.column('SELECT "column" FROM t WHERE "column" LIKE \'50%\'') == ["50% off"]


def test_like_pattern_escapes_wildcards() -> None:
    assert like_pattern("ГРАН_100%") == "%гран\\_100\\%%"


def test_contains_folded_matches_any_script_and_no_wildcards(store: Database) -> None:
    with store.write() as tx:
        for text in ("Гранель Девелопмент", "ГРАН_1", "50% off", "Kettle"):
            tx.insert("t", {"column": text})
    where = contains_folded(('"column"',), "text", store.dialect)
    with store.read() as tx:

        def found(text: str) -> list[str]:
            sql = f'SELECT "column" FROM t WHERE {where} ORDER BY id'
            return tx.column(sql, {"text": like_pattern(text)})

        assert found("гранель") == ["Гранель Девелопмент"]
        assert found("ран_") == ["ГРАН_1"]  # "_" is the character, not any one character
        assert found("%") == ["50% off"]
        assert found("nothing") == []


def test_a_savepoint_undoes_only_its_own_work(store: Database) -> None:
    with store.write() as tx:
        tx.insert("t", {"n": 1})
        with pytest.raises(RuntimeError), tx.savepoint():
            tx.insert("t", {"n": 2})
            raise RuntimeError("this item fails")
        with tx.savepoint():
            tx.insert("t", {"n": 3})
            with pytest.raises(RuntimeError), tx.savepoint():  # nested
                tx.insert("t", {"n": 4})
                raise RuntimeError("so does this one")
    with store.read() as tx:
        assert tx.column("SELECT n FROM t ORDER BY n") == [1, 3]


def test_a_failed_statement_inside_a_savepoint_leaves_the_transaction_usable(
    store: Database,
) -> None:
    """PostgreSQL aborts the whole transaction on an error unless it is rolled back to a
    savepoint; intake relies on that to skip one bad mail and keep the others."""
    with store.write() as tx:
        first = tx.insert("t", {"n": 1})
        with pytest.raises(Exception), tx.savepoint():  # noqa: B017 - either driver's error
            tx.insert("t", {"id": first, "n": 2})  # a duplicate key
        tx.insert("t", {"n": 3})
    with store.read() as tx:
        assert tx.column("SELECT n FROM t ORDER BY n") == [1, 3]


def test_insert_many_and_pages(store: Database) -> None:
    at = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    rows = [{"n": n, "at": at, "data": Json({"n": n}), "flag": n % 2 == 0} for n in range(10)]
    with store.write() as tx:
        assert tx.insert_many("t", rows) == 10
        assert tx.insert_many("t", []) == 0
    with store.read() as tx:
        got = tx.all("SELECT n, at, data, flag FROM t ORDER BY n" + tx.page(3, 4))
        assert [r["n"] for r in got] == [4, 5, 6]
        assert got[0] == {"n": 4, "at": at, "data": {"n": 4}, "flag": True}
        rest = tx.column("SELECT n FROM t ORDER BY n" + tx.page(None, 8))  # an offset alone
        assert rest == [8, 9]
        assert tx.column("SELECT n FROM t ORDER BY n" + tx.page(2)) == [0, 1]


# --- SQLite settings -------------------------------------------------------------------------


def test_sqlite_connections_get_amtuis_settings(tmp_path: Path) -> None:
    database = Database(tmp_path / "a.db")
    with database.read() as tx:
        got = {
            name: tx.scalar(f"PRAGMA {name}")
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    database.dispose()
    assert got["journal_mode"] == "wal" and got["synchronous"] == 2 and got["foreign_keys"] == 1
    assert got["busy_timeout"] >= 5000


def test_writes_take_the_lock_up_front(tmp_path: Path) -> None:
    database = Database(tmp_path / "a.db")
    other = sqlite3.connect(tmp_path / "a.db", timeout=0, isolation_level=None)
    try:
        with database.read() as tx:
            tx.scalar("SELECT 1")
            other.execute("BEGIN IMMEDIATE")  # a reader never blocks a writer
            other.execute("ROLLBACK")
        with database.write() as tx:
            tx.scalar("SELECT 1")  # only a read so far, yet the write lock is held
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        database.dispose()


def test_a_foreign_database_is_not_switched_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "foreign.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE notes (x)")
    raw.commit()
    raw.close()
    database = Database(path)
    with database.read() as tx:
        assert tx.scalar("PRAGMA journal_mode") == "delete"
    database.dispose()


def test_a_new_file_read_by_another_command_is_switched_to_wal_once_it_is_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several commands starting on a new database at once: while another connection is
    about to write, SQLite refuses the switch to WAL at once (its busy handler is not asked),
    and CI once failed on it; amtui waits for the other command as for any lock."""
    path = tmp_path / "new.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another command, still in rollback-journal mode
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the other command finishes while amtui waits
        waits.append(seconds)
        if other.in_transaction:
            other.execute("COMMIT")

    monkeypatch.setattr("amtui.core.sql.time.sleep", sleep)
    database = Database(path)
    try:
        with database.read() as tx:
            assert tx.scalar("PRAGMA journal_mode") == "wal"
    finally:
        database.dispose()
        other.close()
    assert waits


def test_threads_share_a_database_one_transaction_each(tmp_path: Path) -> None:
    database = Database(tmp_path / "a.db")
    with database.write() as tx:
        tx.run("CREATE TABLE c (n INTEGER)")
        tx.run("INSERT INTO c VALUES (0)")

    def bump() -> None:
        for _ in range(25):
            with database.write() as tx:
                value = tx.scalar("SELECT n FROM c")
                tx.run("UPDATE c SET n = :n", {"n": value + 1})

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.read() as tx:
        assert tx.scalar("SELECT n FROM c") == 100  # no lost update
    database.dispose()


def test_change_token_moves_when_another_process_commits(tmp_path: Path) -> None:
    database = Database(tmp_path / "a.db")
    with database.write() as tx:
        tx.run("CREATE TABLE c (n INTEGER)")
    before = database.change_token()
    assert database.change_token() == before  # nothing changed
    subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sqlite3
            c = sqlite3.connect({str(tmp_path / "a.db")!r})
            c.execute("INSERT INTO c VALUES (1)")
            c.commit()
        """),
        ],
        check=True,
    )
    assert database.change_token() != before
    database.dispose()


# --- errors and targets ----------------------------------------------------------------------


def test_a_locked_database_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import amtui.core.sql as sql

    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 50)
    database = Database(tmp_path / "a.db")
    with database.write() as tx:
        tx.run("CREATE TABLE c (n INTEGER)")
    other = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError, match="locked by another program"), database.write():
            pass
    finally:
        other.close()
        database.dispose()


def test_not_a_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"this is not sqlite " * 100)
    database = Database(path)
    with pytest.raises(StorageError, match="not a readable amtui database"), database.read() as tx:
        tx.scalar("SELECT count(*) FROM sqlite_master")
    assert path.read_bytes() == b"this is not sqlite " * 100


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("mysql://u:secret@h/db", "cannot keep data in a 'mysql' database"),
        ("://u:secret@h/db", "not a database URL"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
    ],
)
def test_targets_amtui_cannot_use_are_bad_input(target: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        Database(target)
    assert "secret" not in str(caught.value)
    assert caught.value.exit_code == 2


def test_urls_and_paths(tmp_path: Path) -> None:
    assert Database(f"sqlite:///{tmp_path}/x.db").path == tmp_path / "x.db"
    assert Database(tmp_path / "sub" / ".." / "x.db").path == tmp_path / "x.db"
    pg = Database("postgresql+psycopg://amtui:s3cret@db.example/amtui")
    assert not pg.is_sqlite and pg.dialect == "postgresql"
    assert pg.display == "postgresql+psycopg://amtui:***@db.example/amtui"  # as given
    assert pg.url == "postgresql://amtui:s3cret@db.example/amtui"  # for psycopg
    assert pg.sqlalchemy_url() == "postgresql+psycopg://amtui:s3cret@db.example/amtui"
    assert Database(tmp_path / "x.db").sqlalchemy_url() == f"sqlite:///{tmp_path / 'x.db'}"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _loads_outcome(raw: bytes) -> tuple[str, object]:
    """What json.loads makes of `raw`: ("ok", its repr) or ("error", type and message)."""
    try:
        return "ok", repr(json.loads(raw))
    except (ValueError, UnicodeDecodeError) as error:
        return "error", (type(error), str(error))


def _read_outcome(raw: bytes) -> tuple[str, object]:
    try:
        return "ok", repr(sql_module._read_json(raw))
    except (ValueError, UnicodeDecodeError) as error:
        return "error", (type(error), str(error))


@given(_JSON_VALUES, st.sampled_from([None, 0, 2]), st.sampled_from(["", " ", "\n\t "]))
def test_json_columns_read_as_json_loads_reads_them(
    value: object, indent: object, pad: str
) -> None:
    """The JSON column reader (the C scanner, without importing json) gives what json.loads
    gives, NaN and infinities included, whatever the layout around the value."""
    for ensure_ascii in (True, False):
        text = json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)  # type: ignore[arg-type]
        raw = (pad + text + pad).encode("utf-8", "surrogatepass")
        assert _read_outcome(raw) == _loads_outcome(raw)


_RAW = st.binary(max_size=24) | st.text(max_size=24).map(
    lambda text: text.encode("utf-8", "surrogatepass")
)


@given(_RAW)
def test_json_columns_refuse_what_json_loads_refuses(raw: bytes) -> None:
    for candidate in (raw, b"[" + raw, b"{" + raw, b"[1]" + raw, b'{"a": 1}' + raw):
        assert _read_outcome(candidate) == _loads_outcome(candidate)


def test_json_columns_with_a_bom_or_another_encoding_read_as_json_loads_reads_them() -> None:
    for raw in (
        b'\xef\xbb\xbf[1, "x"]',
        '["\u0433\u0440\u0430\u043d"]'.encode("utf-16"),
        '{"q": "\u00e9"}'.encode("utf-32-le"),
        b"[NaN, Infinity, -Infinity]",
        b"[1] [2]",
        b"[1]\x00",
    ):
        assert _read_outcome(raw) == _loads_outcome(raw)


def test_the_layer_imports_no_orm() -> None:
    code = (
        "import sys, amtui.core.sql; "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- PostgreSQL writers ----------------------------------------------------------------------


@pytest.fixture
def pg(monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    if not PG_URL:
        pytest.skip("AMTUI_TEST_POSTGRES is not set (no PostgreSQL server for the tests)")
    import amtui.core.sql as sql

    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 300)
    database = Database(PG_URL)
    yield database
    database.dispose()


def test_postgresql_writers_take_one_advisory_lock_and_readers_none(pg: Database) -> None:
    from amtui.core.sql import WRITE_LOCK_KEY

    other = pg.raw_connection()  # another program's amtui write transaction, still open
    try:
        other.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        with pg.read() as tx:
            assert tx.scalar("SELECT 1") == 1  # reads never wait for a writer
        locked = pytest.raises(StorageError, match="locked by another program")
        with locked as caught, pg.write() as tx:
            tx.scalar("SELECT 1")
        assert "\n" not in str(caught.value) and caught.value.exit_code == 3
        other.rollback()  # the other writer is done
        with pg.write() as tx:
            assert tx.scalar("SELECT 1") == 1
    finally:
        other.close()


def test_postgresql_writers_run_one_after_another(pg: Database) -> None:
    """Two threads each read a counter and write it back + 1, with no lock of their own: the
    advisory lock makes them take turns, so no update is lost (as BEGIN IMMEDIATE does)."""
    import amtui.core.sql as sql

    sql.BUSY_TIMEOUT_MS = 10_000  # restored by the fixture's monkeypatch
    with pg.write() as tx:
        tx.run("DROP TABLE IF EXISTS c")
        tx.run("CREATE TABLE c (n INTEGER)")
        tx.run("INSERT INTO c VALUES (0)")

    def bump() -> None:
        database = Database(PG_URL or "")
        try:
            for _ in range(20):
                with database.write() as tx:
                    value = tx.scalar("SELECT n FROM c")
                    tx.run("UPDATE c SET n = :n", {"n": value + 1})
        finally:
            database.dispose()

    threads = [threading.Thread(target=bump) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with pg.write() as tx:
        assert tx.scalar("SELECT n FROM c") == 60
        tx.run("DROP TABLE c")


def test_a_read_sees_one_snapshot_throughout(store: Database) -> None:
    """What another connection commits meanwhile is not seen until the next read."""
    with store.write() as tx:
        tx.insert("t", {"n": 1})
    with store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM t") == 1
        other = Database(store.target)
        try:
            with other.write() as writer:
                writer.insert("t", {"n": 2})
        finally:
            other.dispose()
        assert tx.scalar("SELECT count(*) FROM t") == 1
    with store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM t") == 2
