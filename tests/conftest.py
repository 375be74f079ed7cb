"""Shared fixtures: every test runs on a throwaway database and config, with a pinned clock.

The autouse fixture points AMTUI_DB, AMTUI_CONFIG and the XDG directories at `tmp_path`, so
no test can read or write the developer's own data (DESIGN §9).

Both cores: a plain `pytest` runs the tests in one worker process per CPU core (pytest-xdist,
`-n auto`) unless told otherwise (`-n 0`, `-n 3`, `-p no:xdist`): `pytest_cmdline_main` below.
Each worker has its own temporary directory (so its own migrated template and module-level
databases) and, with AMTUI_TEST_POSTGRES, its own PostgreSQL database: `pytest_configure`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings

from tests.workers import (
    VARIABLE,
    check_worker_databases,
    drop_worker_database,
    use_worker_database,
)

# No time limit on one Hypothesis example: its first call may import a library or wait for a
# core on a loaded machine (700 ms seen against the default 200 ms), and speed is bench/'s
# business, not the tests' (DESIGN §9).
settings.register_profile("amtui", deadline=None)
settings.load_profile("amtui")

#: Wednesday 25 November 2026, 10:00 in Berlin: a working day, mid-morning.
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """One worker per core plus one, unless the command line chose (`-n N`, `--tx`,
    `-p no:xdist`): the suite takes about twice as long on one core of a two-core machine, and
    the app's tests wait on the app a quarter of their time (a pytest process of them uses ~75%
    of a core), which the extra worker fills (bench/RESULTS.md, "Issue 7: the whole suite").
    Not in `addopts`, where `-n` would be an unknown option to `pytest -p no:xdist` or to an
    install without pytest-xdist."""
    if not config.pluginmanager.has_plugin("xdist") or hasattr(config, "workerinput"):
        return
    option = config.option
    # --snapshot-update stays on one process: under xdist syrupy neither finds nor deletes the
    # snapshots no test uses any more (tests/tui/test_snapshot_files.py checks those instead).
    updating = getattr(option, "update_snapshots", False)
    if option.numprocesses is None and not option.tx and not updating:
        option.numprocesses = (os.cpu_count() or 1) + 1


def pytest_configure(config: pytest.Config) -> None:
    url = os.environ.get(VARIABLE)
    workers = _workers(config)
    if url and workers and not hasattr(config, "workerinput"):
        check_worker_databases(url, workers)
    use_worker_database(config)


def _workers(config: pytest.Config) -> int:
    """How many xdist workers this run starts (0: none), from the specs xdist will use
    (`-n N` becomes N `popen` specs; `--tx 3*popen` stands for three)."""
    option = config.option
    if getattr(option, "dist", "no") == "no":
        return 0
    count = 0
    for spec in getattr(option, "tx", None) or []:
        times, star, _ = spec.partition("*")
        count += int(times) if star and times.isdigit() else 1
    return count


def pytest_sessionfinish(session: pytest.Session) -> None:
    drop_worker_database()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    config = home / "config.toml"
    home.mkdir()
    config.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    monkeypatch.setenv("AMTUI_CONFIG", str(config))
    monkeypatch.setenv("AMTUI_DB", str(home / "amtui.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def config():  # type: ignore[no-untyped-def]
    from amtui.core.config import load_config

    return load_config()


_SCHEMA_TEMPLATE: list[Path] = []


def migrated_template(factory: pytest.TempPathFactory) -> Path:
    """An SQLite file at the latest schema, made once per run by `ensure_schema`: tests copy
    it, as creating the schema (every migration, through SQLAlchemy and Alembic) costs a tenth
    of a second of CPU and several fsyncs, and two thousand tests start on a new database."""
    if not _SCHEMA_TEMPLATE:
        from amtui.core.db import Database
        from amtui.core.migrations import ensure_schema

        path = factory.mktemp("schema") / "amtui.db"
        database = Database(path)
        try:
            ensure_schema(database)
        finally:
            database.dispose()  # the last connection checkpoints the WAL into the file
        _SCHEMA_TEMPLATE.append(path)
    return _SCHEMA_TEMPLATE[0]


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory)


def copy_database(template: Path, target: Path) -> None:
    """Put a copy of the SQLite file `template` (and its WAL, if any) at `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")


#: AMTUI_TEST_DB=postgresql: the core's, the app's and the CLI's tests run on the PostgreSQL
#: database at AMTUI_TEST_POSTGRES instead of SQLite files.
ON_POSTGRES = os.environ.get("AMTUI_TEST_DB") == "postgresql"


def postgres_url() -> str:
    """AMTUI_TEST_POSTGRES, which AMTUI_TEST_DB=postgresql needs (a database to wipe)."""
    url = os.environ.get("AMTUI_TEST_POSTGRES")
    if not url:
        pytest.fail("AMTUI_TEST_DB=postgresql needs AMTUI_TEST_POSTGRES (a database to wipe)")
    return url


@pytest.fixture
def db(isolated: Path, schema_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A new database at the latest schema: an SQLite file (a copy of `schema_template`), or
    with AMTUI_TEST_DB=postgresql the AMTUI_TEST_POSTGRES database, reset to a new database's
    state (tests/pgdb.py: the core's tests then run on PostgreSQL)."""
    from amtui.core.db import Database

    if ON_POSTGRES:
        from tests.pgdb import postgres_database

        url = postgres_url()
        postgres_database(url).reset()
        monkeypatch.setenv("AMTUI_DB", url)  # a command the test runs uses it too, as on SQLite
        database = Database(url)
    else:
        copy_database(schema_template, isolated / "amtui.db")
        database = Database(isolated / "amtui.db")
    yield database
    database.dispose()


#: For tests about SQLite files themselves (pragmas, file locks, raw bytes): skipped when the
#: core's tests run on PostgreSQL (AMTUI_TEST_DB=postgresql), which has tests of its own.
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about SQLite files")


def only_on_sqlite(reason: str) -> pytest.MarkDecorator:
    """Skip a test when the suite runs on PostgreSQL (AMTUI_TEST_DB=postgresql), saying why:
    it is about SQLite files themselves (`reason` says how)."""
    return pytest.mark.skipif(ON_POSTGRES, reason=f"about SQLite files: {reason}")


def wipe_postgres(url: str) -> None:
    """Empty the PostgreSQL database a test may wipe (AMTUI_TEST_POSTGRES): a fresh schema."""
    from amtui.core.db import Database

    wipe = Database(url)
    try:
        with wipe.write() as tx:
            tx.run("DROP SCHEMA IF EXISTS public CASCADE")
            tx.run("CREATE SCHEMA public")
    finally:
        wipe.dispose()


def http_request(
    port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request to a server the test started on 127.0.0.1: status, headers, body."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()
