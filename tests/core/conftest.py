"""Helpers shared by the core tests: quick-add a task, build a config in another zone."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.drafts import draft_from_text
from amtui.core.tasks import TaskResult, add_task

QuickAdd = Callable[..., TaskResult]


@pytest.fixture
def quick(db: Database, config: Config, now: datetime) -> QuickAdd:
    """`quick("Send estimate due:fri client:Granel")`: the same path as `amtui add`."""

    def add(text: str, *, at: datetime | None = None, cfg: Config | None = None) -> TaskResult:
        when, settings = at or now, cfg or config
        draft = draft_from_text(text, now=when, config=settings)
        return add_task(db, draft, now=when, config=settings)

    return add


def in_zone(config: Config, name: str, **changes: Any) -> Config:
    """The fixture config with another user time zone (and any other changed fields)."""
    return dataclasses.replace(config, timezone=ZoneInfo(name), **changes)
