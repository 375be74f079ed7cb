"""Import hygiene (DESIGN §2, STYLE "Harlequin"): the core needs no UI, and the CLI pays only
for what a command uses. Each check runs in a fresh interpreter and then looks at sys.modules.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import amtui.core

CORE_MODULES = sorted(
    f"amtui.core.{info.name}" for info in pkgutil.iter_modules(amtui.core.__path__)
)
UI_PACKAGES = ("textual", "typer", "rich", "click")


def run_python(code: str) -> dict[str, object]:
    """Run `code` in a fresh interpreter; it prints one JSON object as its last line."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_core_package_has_modules() -> None:
    assert "amtui.core.tasks" in CORE_MODULES and "amtui.core.db" in CORE_MODULES


def test_no_core_module_imports_textual_typer_or_rich() -> None:
    """Import the core modules one by one; name the first one that pulls in a UI package."""
    culprits = run_python(
        f"""
        import importlib, json, sys
        forbidden = {UI_PACKAGES!r}
        culprits = {{}}
        for name in {CORE_MODULES!r}:
            importlib.import_module(name)
            for package in forbidden:
                if package in sys.modules and package not in culprits:
                    culprits[package] = name
        print(json.dumps(culprits))
        """
    )
    assert culprits == {}


PURE_MODULES = (
    "amtui.core.vocabulary",
    "amtui.core.refs",
    "amtui.core.dates",
    "amtui.core.config",
    "amtui.core.validate",
    "amtui.core.quickadd",
    "amtui.core.drafts",
    "amtui.core.sla",
    "amtui.core.display",
    "amtui.core.kam",
    "amtui.core.describe",
    "amtui.core.describe_leads",
    "amtui.core.describe_agenda",
    "amtui.core.pipeline_rules",
    "amtui.core.currencies",
    "amtui.core.money",
    "amtui.core.estimates",
    "amtui.core.invoicing",
    "amtui.core.portfolio",
    "amtui.core.money_config",
    "amtui.core.money_locale",
    "amtui.core.documents",
)


def test_rules_and_wording_import_no_orm() -> None:
    """The pure rules and wording never load an ORM (nothing does but the migrations)."""
    loaded = run_python(
        f"""
        import importlib, json, sys
        for name in {PURE_MODULES!r}:
            importlib.import_module(name)
        orm = ("sqlalchemy", "sqlmodel", "pydantic")
        print(json.dumps(sorted(m for m in orm if m in sys.modules)))
        """
    )
    assert loaded == []


def test_importing_the_cli_does_not_import_textual() -> None:
    loaded = run_python(
        """
        import json, sys
        import amtui.cli.main
        print(json.dumps({"textual": "textual" in sys.modules}))
        """
    )
    assert loaded == {"textual": False}


def test_help_imports_neither_the_database_layer_nor_textual() -> None:
    loaded = run_python(
        """
        import contextlib, io, json, sys
        sys.argv = ["amtui", "--help"]
        from amtui.cli.main import run
        out = io.StringIO()
        code = None
        with contextlib.redirect_stdout(out):
            try:
                run(fast_exit=False)
            except SystemExit as exit:
                code = exit.code
        heavy = [m for m in ("sqlmodel", "sqlalchemy", "textual", "babel") if m in sys.modules]
        print(json.dumps({"code": code or 0, "heavy": heavy, "usage": "Usage" in out.getvalue()}))
        """
    )
    assert loaded == {"code": 0, "heavy": [], "usage": True}


def test_quick_add_and_agenda_do_not_import_textual_or_document_libraries() -> None:
    """The two commands people run from scripts and other tools, end to end: no Textual, and
    none of the document and locale libraries (Babel, Jinja2, XlsxWriter, WeasyPrint)."""
    loaded = run_python(
        """
        import contextlib, io, json, sys
        from amtui.cli.main import run
        codes = []
        for argv in (["amtui", "add", "Send estimate due:fri client:Granel"], ["amtui", "agenda"]):
            sys.argv = argv
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    run(fast_exit=False)
                except SystemExit as exit:
                    codes.append(exit.code or 0)
                else:
                    codes.append(0)
        documents = ("babel", "jinja2", "xlsxwriter", "weasyprint")
        heavy = [m for m in ("textual", *documents) if m in sys.modules]
        print(json.dumps({"codes": codes, "heavy": heavy}))
        """
    )
    assert loaded == {"codes": [0, 0], "heavy": []}
