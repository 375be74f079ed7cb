"""`amtui show REF` (any record) and `amtui search TEXT` (any script, any case)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, build_template, use_template


def build_records(cli: Cli) -> None:
    cli.ok("client", "add", "Гранель", "--tz", "Europe/Moscow")  # C1
    cli.ok("contact", "add", "C1", "Анна Петрова", "--email", "anna@granel.example")
    cli.ok("lead", "add", "Сайт для Гранели", "--client", "C1")  # L1
    cli.ok("add", "Отправить смету Гранель lead:L1")  # T1
    cli.ok("remind", "add", "Позвонить в Гранель", "--at", "tomorrow 10:00", "--about", "L1")


@pytest.fixture(scope="module")
def records_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build_records)


@pytest.fixture
def records(cli: Cli, store: Target, records_template: Path) -> Cli:
    """C1 Гранель with a contact, lead L1, task T1 and reminder R1, all in Cyrillic."""
    use_template(records_template, store)
    return cli


@pytest.mark.parametrize(
    ("ref", "title"),
    [
        ("T1", "Отправить смету Гранель"),
        ("L1", "Сайт для Гранели"),
        ("C1", "Гранель"),
        ("R1", "Позвонить в Гранель"),
    ],
)
def test_show_any_record(records: Cli, ref: str, title: str) -> None:
    text = records.ok("show", ref)
    assert text.splitlines()[0] == f"{ref}  {title}"
    assert records.ok("show", ref.lower()) == text
    md = records.ok("show", ref, "--format", "md")
    assert md.lstrip().startswith(f"## {ref}  {title}")
    data = records.json("show", ref)
    assert data["ref"] == ref
    assert data.get("title", data.get("name", data.get("text"))) == title


def test_show_json_has_related_records(records: Cli) -> None:
    lead = records.json("show", "L1")
    assert lead["tasks"] == ["T1"]
    assert [r["ref"] for r in lead["reminders"]] == ["R1"]
    assert lead["client"] == {"ref": "C1", "name": "Гранель"}
    client = records.json("show", "C1")
    assert client["open_leads"] == ["L1"] and client["open_tasks"] == ["T1"]
    assert client["contacts"][0]["email"] == "anna@granel.example"
    task = records.json("show", "T1")
    assert task["lead"] == "L1" and task["client"]["ref"] == "C1"
    assert records.json("show", "R1")["about"] == {"ref": "L1", "title": "Сайт для Гранели"}


def test_show_is_the_same_as_the_nouns_show(records: Cli) -> None:
    assert records.ok("show", "T1") == records.ok("task", "show", "T1")
    assert records.ok("show", "L1") == records.ok("lead", "show", "L1")
    assert records.ok("show", "C1") == records.ok("client", "show", "C1")


@pytest.mark.parametrize("ref", ["T9", "L9", "C9", "R9"])
def test_show_unknown_reference(cli: Cli, ref: str) -> None:
    kind = {"T": "task", "L": "lead", "C": "client", "R": "reminder"}[ref[0]]
    assert cli.fails(1, "show", ref) == f"amtui: no {kind} {ref}"


@pytest.mark.parametrize(
    ("ref", "needle"),
    [
        ("X1", "not a reference"),
        ("7", "ambiguous"),
        ("", "not a reference"),
        ("T", "not a reference"),
    ],
)
def test_show_malformed_reference(cli: Cli, ref: str, needle: str) -> None:
    message = cli.fails(2, "show", ref)
    assert needle in message
    assert (
        "T12 (task), L7 (lead), C3 (client), R5 (reminder), P2 (proposal) or I4 (invoice)"
        in message
    )


# --- search --------------------------------------------------------------------------------------


def test_search_any_case_any_script(records: Cli) -> None:
    hits = records.json("search", "гранел")
    kinds = {(hit["kind"], hit["ref"]) for hit in hits}
    assert kinds == {("task", "T1"), ("lead", "L1"), ("client", "C1"), ("reminder", "R1")}
    assert records.json("search", "ГРАНЕЛ") == hits
    assert [h["ref"] for h in records.json("search", "ПЕТРОВА")] == ["C1"]
    assert records.json("search", "ПЕТРОВА")[0]["kind"] == "contact"
    assert [h["ref"] for h in records.json("search", "granel.example")] == ["C1"]


def test_search_folds_case_beyond_ascii(cli: Cli) -> None:
    cli.ok("client", "add", "Müller Straße")
    cli.ok("add", "Ελληνικά ΚΕΊΜΕΝΑ")
    assert [h["ref"] for h in cli.json("search", "STRASSE")] == ["C1"]
    assert [h["ref"] for h in cli.json("search", "müller")] == ["C1"]
    assert [h["ref"] for h in cli.json("search", "κείμενα")] == ["T1"]


def test_search_several_words_and_wildcards_are_literal(cli: Cli) -> None:
    cli.ok("add", "Send the estimate")
    cli.ok("add", "50% off banner")
    cli.ok("add", "500 off banner")
    cli.ok("add", "snake_case name")
    assert [h["ref"] for h in cli.json("search", "send", "the")] == ["T1"]
    assert [h["ref"] for h in cli.json("search", "50%")] == ["T2"]
    assert [h["ref"] for h in cli.json("search", "e_c")] == ["T4"]


def test_search_open_records_first_and_limit(cli: Cli) -> None:
    cli.ok("add", "Banner one")
    cli.ok("add", "Banner two")
    cli.ok("add", "Banner three")
    cli.ok("task", "done", "T3")
    hits = cli.json("search", "banner")
    assert [(h["ref"], h["open"]) for h in hits] == [("T2", True), ("T1", True), ("T3", False)]
    assert len(cli.json("search", "banner", "--limit", "1")) == 1
    text = cli.ok("search", "banner").splitlines()
    assert text[0].split() == ["REF", "KIND", "TITLE", "DETAIL"]
    assert text[3].split()[-1] == "closed"
    md = cli.ok("search", "banner", "--format", "md").splitlines()
    assert md[0] == "| REF | KIND | TITLE | DETAIL |  |"
    assert md[2] == "| T2 | task | Banner two | To do |  |"


def test_search_json_shape(cli: Cli) -> None:
    cli.ok("lead", "add", "Hotel SEO audit")
    assert cli.json("search", "seo") == [
        {"ref": "L1", "kind": "lead", "title": "Hotel SEO audit", "detail": "new", "open": True}
    ]


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_search_without_hits_exits_1(cli: Cli, fmt: str) -> None:
    cli.ok("add", "Something")
    result = cli("search", "nothing-like-it", "--format", fmt)
    assert result.exit_code == 1
    assert result.stderr == "amtui: nothing matches 'nothing-like-it'\n"
    if fmt == "json":
        assert json.loads(result.stdout) == []  # still valid JSON for a pipe
    else:
        assert result.stdout == ""


def test_search_needs_text(cli: Cli) -> None:
    assert "needs some text" in cli.fails(2, "search", "  ")
    assert "Missing argument" in cli.fails(2, "search")
