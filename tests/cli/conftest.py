"""CLI tests run the real Typer app in-process with the clock pinned to NOW."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import NOW


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        from amtui.cli.main import app

        return self.runner.invoke(app, list(args), input=input)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, (result.exit_code, result.output, result.stderr)
        return result.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--format", "json"))


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    from amtui.cli.context import Runtime

    monkeypatch.setattr(Runtime, "now", NOW)
    return Cli()
