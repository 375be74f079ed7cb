"""`amtui import kommo|asana`: a CRM's lead export and a task tracker's CSV (fixtures and their
sources: tests/io/data/tools/README.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, count, digest, exists

DATA = Path(__file__).resolve().parents[1] / "io" / "data" / "tools"


def show(cli: Cli, ref: str) -> dict:  # type: ignore[type-arg]
    return json.loads(cli.ok("show", ref, "--format", "json"))  # type: ignore[no-any-return]


def test_amocrm_russian_export(cli: Cli, store: Target) -> None:
    file = str(DATA / "amocrm_leads_ru.csv")
    dry = cli.ok("import", "kommo", file, "--dry-run", "--currency", "RUB", "--tz", "Europe/Moscow")
    assert dry.splitlines()[-1] == "dry run, nothing written: would add 4 new leads, 0 already seen"
    assert not exists(store) or count(store, "lead") == 0
    out = cli.ok("import", "kommo", file, "--currency", "RUB", "--tz", "Europe/Moscow")
    assert out.splitlines() == [
        "new lead L1: Сайт для сети кофеен (negotiating)",
        "new lead L2: SEO-аудит (won; new client Кеттл Студио)",
        'new lead L3: =HYPERLINK("http://evil.example";"Жми") (lost)',
        "new lead L4: Kommo lead 18311470 (new)",
        "4 new leads, 0 already seen",
    ]
    first = show(cli, "L1")
    assert first["stage"] == "negotiating" and first["currency"] == "RUB"
    assert first["contact"] == {
        "name": "Анна Петрова",
        "email": "anna@granel.example",
        "phone": "+7 916 123-45-67",
    }
    received = datetime.fromisoformat(first["received_at"])
    assert received == datetime(2026, 10, 14, 8, 32, 5, tzinfo=UTC)  # 11:32:05 in Moscow
    assert first["answered_at"] == first["received_at"]  # worked in the CRM: no alarms here
    brief = {item["q"]: item["a"] for item in first["brief"]}
    assert brief["Kommo stage"] == "Переговоры" and brief["Город"] == "Москва"
    assert brief["Kommo responsible"] == "Мария Иванова"
    won = show(cli, "L2")
    assert won["stage"] == "won" and won["client"]["name"] == "Кеттл Студио"
    lost = show(cli, "L3")
    assert lost["stage"] == "lost" and lost["notes"] == "Дорого\nПерезвонить весной"
    assert lost["contact"]["name"] == "\u202eэинелварпу\u202c Тест"  # kept exactly, shown escaped
    assert "\u202e" not in cli.ok("show", "L3")
    assert show(cli, "L4")["stage"] == "new"  # unsorted in amoCRM: still owed a first answer
    before = digest(store)
    again = cli("import", "kommo", file)
    assert again.exit_code == 1 and again.stdout.splitlines()[-1] == "0 new leads, 4 already seen"
    assert digest(store) == before


def test_kommo_english_export(cli: Cli, store: Target) -> None:
    out = cli.ok("import", "kommo", str(DATA / "kommo_leads_en.csv"), "--tz", "America/New_York")
    assert out.splitlines()[-1] == "2 new leads, 0 already seen"
    lead = show(cli, "L1")
    assert lead["title"] == "Landing page for spring sale" and lead["stage"] == "contacted"
    assert lead["contact"]["name"] == "Tom Baker"
    assert lead["contact"]["email"] == "tom@pixel.example"
    assert show(cli, "L2")["client"]["name"] == "Blue Harbor Hotels"


def test_asana_export(cli: Cli, store: Target) -> None:
    file = str(DATA / "asana_tasks.csv")
    out = cli.ok("import", "asana", file)
    assert out.splitlines()[-1] == "4 new tasks, 0 already seen"
    copy = show(cli, "T1")
    assert copy["title"] == "Write homepage copy" and copy["column"] == "In progress"
    assert copy["client"]["name"] == "Granel Website" and copy["priority"] == "high"
    assert copy["tags"] == ["copy", "needs-review"] and copy["assignee"] == "Lena Ko"
    assert copy["due"] == "2026-11-27"
    assert "Tone: friendly, short.\nTwo versions." in copy["notes"]
    kickoff = show(cli, "T2")
    assert kickoff["column"] == "Done" and kickoff["done_at"] is not None
    review = show(cli, "T3")
    assert "Subtask of: Write homepage copy" in review["notes"]
    assert "@here please look" in review["notes"] and review["column"] == "Backlog"
    assert show(cli, "T4")["title"] == "-2+3 budget check"
    assert cli("import", "asana", file).exit_code == 1  # again: nothing new


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        ("kommo", "Name,Email\nx,y\n", "not a Kommo / amoCRM lead export: it has no ID column"),
        ("kommo", "ID,Название сделки,Дата создания сделки\n1,x,вчера\n", "is not a date"),
        ("asana", "Task ID,Title\n1,x\n", "not an Asana CSV export: it has no Name column"),
        ("asana", "Task ID,Name,Due Date\n1,x,tomorrow\n", "row 2: 'tomorrow' is not a date"),
    ],
)
def test_files_that_do_not_fit_are_refused_whole(
    cli: Cli, store: Target, tmp_path: Path, command: str, content: str, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    assert message in cli.fails(2, "import", command, str(bad))
    assert not exists(store) or count(store, "lead") + count(store, "task") == 0
