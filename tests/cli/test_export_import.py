"""`amtui export` / `amtui import json|csv`: lossless round trips, and refusals that write nothing.

The round trips run on the demo week (`amtui demo`, every kind of record and timeline) and on a
database full of hostile text; "identical" means byte for byte.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amtui.io.records_csv import read_csv, write_csv
from tests.cli.conftest import Cli, count, digest

KINDS = ("clients", "contacts", "leads", "tasks", "reminders")
#: Text no export may change: controls (NUL aside), bidi overrides, zero-width characters,
#: emoji and their joiners, Cyrillic, spreadsheet formulas, quotes, CSV and JSON syntax.
HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTabbed",
    "\rCarriage",
    "'quoted already",
    "''two quotes",
    "Гранель «ёлка» \u202eevil\u202c \u200bhidden\u2060",
    "emoji 👩‍👩‍👧 🇩🇪 \x1b[31mred\x1b[0m \x07bell \x7f\x85\x9b",
    'comma, "quote", semicolon; back\\slash',
    "line\nbreak\r\nand\u2028separator",
    '{"json": [1, 2]} </script> ]]> \ufeff',
]


def amtui(cli: Cli, db: Path, *args: str) -> Any:
    return cli("--db", str(db), *args)


def ok(cli: Cli, db: Path, *args: str) -> bytes:
    result = amtui(cli, db, *args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout_bytes  # type: ignore[no-any-return]


#: The data tables of schema 5 (an export holds these and any later ones).
TABLES = ("client", "contact", "lead", "task", "task_tag", "reminder", "activity")
TABLES += ("intake_item", "imap_state", "member")
TABLES += ("proposal", "proposal_item", "invoice", "invoice_line", "payment")


def rows_in(db: Path) -> int:
    return sum(count(db, table) for table in TABLES)


@pytest.fixture
def demo(cli: Cli, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    cli.ok("demo", "--path", str(path))
    return path


def test_json_round_trip_of_the_demo_is_identical(cli: Cli, demo: Path, tmp_path: Path) -> None:
    exported = ok(cli, demo, "export", "--format", "json")
    archive = json.loads(exported)
    assert archive["format"] == "amtui-export" and archive["format_version"] == 1
    assert archive["schema_version"] >= 5
    tables = archive["tables"]
    assert set(TABLES) <= set(tables)
    assert "amtui_schema" not in tables
    assert len(tables["task"]) == 21 and len(tables["activity"]) > 20
    first = tables["lead"][0]
    assert first["received_at"].endswith("+00:00") and isinstance(first["brief"], list)
    source = tmp_path / "export.json"
    source.write_bytes(exported)
    restored = tmp_path / "restored.db"
    message = ok(cli, restored, "import", "json", str(source)).decode()
    assert message.startswith(f"Imported {rows_in(demo)} rows: 2 member, 6 client, ")
    assert ok(cli, restored, "export") == exported
    # The restored database works as the original does: the same references and agenda.
    assert ok(cli, restored, "show", "T1", "--format", "json") == ok(
        cli, demo, "show", "T1", "--format", "json"
    )


def build_hostile(cli: Cli, db: Path) -> None:
    # `--option=value` and `--` before the arguments: the texts may start with `-`.
    for number, text in enumerate(HOSTILE, 1):
        title = text.replace("\n", " ").replace("\r", " ").replace("\u2028", " ")
        ok(cli, db, "client", "add", f"--notes={text}", "--", f"{title} {number}")
        ok(cli, db, "contact", "add", f"--role={text}", "--", f"C{number}", f"{title} person")
        ok(
            cli,
            db,
            "lead",
            "add",
            f"--notes={text}",
            f"--contact={title}",
            f"--brief=Question {number}={text}",
            f"--client=C{number}",
            "--",
            title,
        )
        ok(
            cli,
            db,
            "task",
            "add",
            f"--notes={text}",
            f"--client=C{number}",
            "--due=2026-12-01",
            f"--lead=L{number}",
            "--",
            title,
        )
        ok(cli, db, "remind", "add", "--at=2026-11-30 10:00", f"--about=T{number}", "--", title)
        ok(cli, db, "lead", "log", "--", f"L{number}", "note", text)


@pytest.fixture
def hostile(cli: Cli, tmp_path: Path) -> Path:
    path = tmp_path / "hostile.db"
    build_hostile(cli, path)
    return path


def test_json_round_trip_keeps_hostile_text_exactly(
    cli: Cli, hostile: Path, tmp_path: Path
) -> None:
    exported = ok(cli, hostile, "export")
    text = exported.decode("utf-8")
    assert "\x1b" not in text and "\u202e" not in text and "\u2028" not in text  # escaped
    archive = json.loads(text)
    notes = {row["notes"] for row in archive["tables"]["task"]}
    assert notes == set(HOSTILE)
    source = tmp_path / "hostile.json"
    source.write_bytes(exported)
    restored = tmp_path / "restored.db"
    ok(cli, restored, "import", "json", str(source))
    assert ok(cli, restored, "export") == exported


def test_out_writes_the_file(cli: Cli, hostile: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = amtui(cli, hostile, "export", "--out", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.startswith("Wrote ") and str(target) in result.stderr
    assert target.read_bytes() == ok(cli, hostile, "export")


@pytest.mark.parametrize("kind", KINDS)
def test_csv_round_trip_restores_every_cell(
    cli: Cli, hostile: Path, tmp_path: Path, kind: str
) -> None:
    fresh = tmp_path / "fresh.db"
    for earlier in KINDS[: KINDS.index(kind) + 1]:  # what a kind points at goes in first
        body = ok(cli, hostile, "export", "--format", "csv", "--kind", earlier)
        file = tmp_path / f"{earlier}.csv"
        file.write_bytes(body)
        ok(cli, fresh, "import", "csv", str(file))  # the kind is read from the header
    assert ok(cli, fresh, "export", "--format", "csv", "--kind", kind) == body
    assert body.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read UTF-8
    header, rows = read_csv(body, source="x")
    raw = csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    for cell in itertools.chain.from_iterable(raw):  # what a spreadsheet sees
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    text_column = {
        "clients": "notes",
        "contacts": "role",
        "leads": "notes",
        "tasks": "notes",
        "reminders": "text",
    }[kind]
    if kind != "reminders":
        assert {row[header.index(text_column)] for row in rows} == set(HOSTILE)


def test_csv_cells_that_could_run_are_neutralised(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    for text in ('=HYPERLINK("http://x")', "+1", "-1", "@A1", "'q"):
        ok(cli, db, "task", "add", f"--notes={text}", "--", "Task")  # `@A1` in a title: @who
    body = ok(cli, db, "export", "-f", "csv", "--kind", "tasks").decode("utf-8-sig")
    for cell in ('\'=HYPERLINK(""http://x"")', "'+1", "'-1", "'@A1", "''q"):
        assert f",{cell}," in body or f',"{cell}",' in body, cell


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",))),
            min_size=3,
            max_size=3,
        ),
        max_size=5,
    )
)
def test_csv_cells_come_back_exactly(rows: list[list[str]]) -> None:
    body = write_csv(["a", "=b", "'c"], rows)
    header, read = read_csv(body, source="x")
    assert header == ["a", "=b", "'c"] and read == rows


# --- refusals: one line, exit 2, nothing written ------------------------------------------------


def refused(cli: Cli, db: Path, *args: str) -> str:
    before = digest(db) if db.exists() else None
    result = amtui(cli, db, *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("amtui: ")
    if before is not None:
        assert digest(db) == before
    elif db.exists():  # a bad file is refused before the database is even opened
        assert rows_in(db) == 0
    return result.stderr.strip()


@pytest.fixture
def export_file(cli: Cli, demo: Path, tmp_path: Path) -> Path:
    path = tmp_path / "export.json"
    path.write_bytes(ok(cli, demo, "export"))
    return path


def mutate(path: Path, change: Any) -> Path:
    archive = json.loads(path.read_bytes())
    change(archive)
    target = path.with_name("changed.json")
    target.write_text(json.dumps(archive), encoding="utf-8")
    return target


def test_a_non_empty_database_is_refused(cli: Cli, demo: Path, export_file: Path) -> None:
    assert "is not empty (" in refused(cli, demo, "import", "json", str(export_file))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.update(format_version=2), "newer than the one this amtui reads"),
        (lambda a: a.update(format_version=0), "export it again"),
        (lambda a: a.update(schema_version=a["schema_version"] + 1), "upgrade amtui"),
        (lambda a: a.update(schema_version=4), "open the database it came from"),
        (lambda a: a.update(format="something"), "not an amtui export"),
        (lambda a: a["tables"].update(spaceship=[]), "a table this database does not: spaceship"),
        (lambda a: a["tables"]["task"][3].update(colour="red"), "task row 4: unknown column"),
        (lambda a: a["tables"]["task"][3].pop("title"), "task row 4: missing title"),
        (lambda a: a["tables"]["task"][0].update(position="1"), "position must be a whole"),
        (lambda a: a["tables"]["lead"][0].update(received_at="2026-11-25 10:00"), "UTC offset"),
        (lambda a: a["tables"]["task"][0].update(due_date="31.12.2026"), "an ISO date"),
        (lambda a: a["tables"]["client"][0].update(archived="no"), "true or false"),
        (lambda a: a["tables"]["task"][0].update(client_id=999), "do not fit this database"),
        (lambda a: a["tables"]["task"].append(dict(a["tables"]["task"][0])), "do not fit"),
        (lambda a: a["tables"]["task"][-1].update(id=2**70), "must be a whole number"),
    ],
)
def test_a_damaged_or_foreign_export_is_refused_whole(
    cli: Cli, export_file: Path, tmp_path: Path, change: Any, message: str
) -> None:
    changed = mutate(export_file, change)
    assert message in refused(cli, tmp_path / "new.db", "import", "json", str(changed))


def test_a_truncated_or_garbled_file_is_refused(
    cli: Cli, export_file: Path, tmp_path: Path
) -> None:
    data = export_file.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: len(data) // 2])
    assert "is not complete JSON" in refused(cli, tmp_path / "a.db", "import", "json", str(cut))
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert "not UTF-8" in refused(cli, tmp_path / "b.db", "import", "json", str(binary))
    assert "cannot read" in refused(cli, tmp_path / "c.db", "import", "json", str(tmp_path / "no"))


def test_csv_refusals(cli: Cli, demo: Path, tmp_path: Path) -> None:
    body = ok(cli, demo, "export", "-f", "csv", "--kind", "clients")
    file = tmp_path / "clients.csv"
    file.write_bytes(body[: len(body) - 30])
    target = tmp_path / "t.db"
    assert "cells where the header has" in refused(cli, target, "import", "csv", str(file))
    file.write_bytes(body.replace(b",false,", b",maybe,", 1))
    assert "true or false" in refused(cli, target, "import", "csv", str(file))
    file.write_bytes(b"name,colour\r\nx,red\r\n")
    assert "columns of no amtui CSV export" in refused(cli, target, "import", "csv", str(file))
    file.write_bytes(body)
    assert "does not have the columns of tasks" in refused(
        cli, target, "import", "csv", str(file), "--kind", "tasks"
    )
    tasks = tmp_path / "tasks.csv"
    tasks.write_bytes(ok(cli, demo, "export", "-f", "csv", "--kind", "tasks"))
    assert "do not fit this database" in refused(cli, target, "import", "csv", str(tasks))
    assert "do not fit this database" in refused(cli, target, "import", "csv", str(file))
    members = tmp_path / "members.csv"  # the clients' owners go in first
    members.write_bytes(ok(cli, demo, "export", "-f", "csv", "--kind", "members"))
    ok(cli, target, "import", "csv", str(members))
    ok(cli, target, "import", "csv", str(file))
    assert "already in this database" in refused(cli, target, "import", "csv", str(file))
    assert "add --kind" in refused(cli, target, "export", "-f", "csv")
    assert "unknown kind 'deals'" in refused(cli, target, "export", "-f", "csv", "--kind", "deals")
    assert "--kind is for CSV" in refused(cli, target, "export", "--kind", "tasks")


@pytest.mark.skipif(
    not os.environ.get("AMTUI_TEST_POSTGRES"), reason="AMTUI_TEST_POSTGRES is not set"
)
def test_an_sqlite_export_restores_on_postgresql_identically(cli: Cli, export_file: Path) -> None:
    from tests.conftest import wipe_postgres

    url = os.environ["AMTUI_TEST_POSTGRES"]
    wipe_postgres(url)
    result = cli("--db", url, "import", "json", str(export_file))
    assert result.exit_code == 0, result.stderr
    again = cli("--db", url, "export")
    assert again.stdout_bytes == export_file.read_bytes()
    cli.ok("--db", url, "add", "After the restore")  # the sequences continue after the ids
