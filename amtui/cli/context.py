"""What every command needs, opened lazily: the config, the database and the clock."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from amtui.core.structs import field, struct

if TYPE_CHECKING:
    import typer

    from amtui.core.config import Config
    from amtui.core.describe import View
    from amtui.core.sql import Database


@struct
class Runtime:
    """Built from `--db` by the root callback (commands reach it through `typer.Context`) or
    by the fast path (`amtui.cli.fast`), which hands it to the command's body."""

    db_option: str | None = None
    opened: list[Database] = field(default_factory=list)

    @cached_property
    def config(self) -> Config:
        from amtui.core.config import load_config

        return load_config()

    @cached_property
    def view(self) -> View:
        """What core's wording (`amtui.core.describe`) depends on: the config and the clock."""
        from amtui.core.describe import View

        return View(self.config, self.now)

    @cached_property
    def now(self) -> datetime:
        """The one clock read of a command: every rule receives this instant."""
        return datetime.now(UTC)

    def db_target(self) -> str:
        """Where the data is: --db, then AMTUI_DB, then the config's db, then the default file.
        One given but empty is refused (exit 2): it must not quietly mean the default."""
        from amtui.core.config import default_db_path
        from amtui.core.errors import InputError

        for where, target in (("--db", self.db_option), ("AMTUI_DB", os.environ.get("AMTUI_DB"))):
            if target is not None:
                if not target.strip():
                    raise InputError(
                        f"{where} is empty; give a database file or URL"
                        + (", or unset it" if where == "AMTUI_DB" else "")
                    )
                return target
        return str(self.config.db) if self.config.db else str(default_db_path())

    def settled(self) -> bool:
        """The database is where the config file or amtui's default puts it, not a one-off
        --db or AMTUI_DB: a settled place whose directory amtui may create on first use."""
        return self.db_option is None and os.environ.get("AMTUI_DB") is None

    @cached_property
    def db(self) -> Database:
        # The config first: a bad config file is bad input (exit 2), and bad input must not
        # create or upgrade a database on its way out.
        self.config  # noqa: B018
        return self.open_db(self.db_target())

    def open_db(self, target: str) -> Database:
        """Open (creating or upgrading the schema if needed) and say so on stderr."""
        from pathlib import Path

        from amtui.core.db import Database, check_sqlite_location
        from amtui.core.migrations import ensure_schema

        database = Database(target)
        if database.path is not None:
            # A directory named by --db or AMTUI_DB must exist: a typo there must not start an
            # empty database somewhere unexpected.
            check_sqlite_location(database.path, create_directory=self.settled())
        self.opened.append(database)
        report = ensure_schema(database)
        if self.config.me is not None:  # timeline entries say who made each change
            from amtui.core.members import acting_member

            database.actor = acting_member(database, self.config)
        if report.changed and report.from_version > 0:
            backup = f" (backup: {Path(report.backup)})" if report.backup else ""
            print(
                f"amtui: upgraded database schema {report.from_version} → "
                f"{report.to_version}{backup}",
                file=sys.stderr,
            )
        return database

    def close(self) -> None:
        for database in self.opened:
            database.dispose()
        self.opened.clear()


def runtime(ctx: typer.Context) -> Runtime:
    """The Runtime of this invocation (set by the root callback)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Runtime):
        root.obj = Runtime()
    return root.obj
