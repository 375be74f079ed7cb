"""Client names everywhere a client is asked for: `--client kettle`, `client:kettle`,
`client show vistula`… pick a client by a unique beginning of its name or of one of its words,
in any case and script; an ambiguous name lists the candidates (exit 2) and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, build_template, count, digest, use_template

CLIENTS = ("Blue Harbor Hotels", "Bluebird", "Kettle Studio", "Vistula Tours", "Гранель")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def build(cli: Cli) -> None:
        for name in CLIENTS:
            cli.ok("client", "add", name)
        cli.ok("add", "Estimate client:C3")  # T1, Kettle Studio
        cli.ok("add", "Loose task")  # T2, no client
        cli.ok("lead", "add", "Tour site", "--client", "C4")  # L1, Vistula Tours
        cli.ok("lead", "add", "Spare lead")  # L2, no client

    return build_template(tmp_path_factory, build)


@pytest.fixture
def db(template: Path, store: Target) -> Path:
    use_template(template, store)
    return store


# Every command that takes a client, with the prefix/word it is given and what proves it.
PICKS = [
    (["agenda", "--client", "{name}"], None),
    (["task", "list", "--client", "{name}"], None),
    (["lead", "list", "--client", "{name}"], None),
    (["client", "show", "{name}"], None),
    (["contact", "list", "{name}"], None),
    (["contact", "add", "{name}", "Anna"], "Added Anna to {full}"),
    (["add", "New task client:{name}"], "· {full}"),
    (["add", "New task", "--client", "{name}"], "· {full}"),
    (["task", "edit", "T2", "client:{name}"], "· {full}"),
    (["task", "edit", "T2", "--client", "{name}"], "· {full}"),
    (["lead", "add", "Another", "--client", "{name}"], None),
    (["lead", "edit", "L2", "--client", "{name}"], "Updated L2: client_id"),
    (["lead", "win", "L2", "--client", "{name}"], "client {full}"),
    (["client", "edit", "{name}", "--owner", "none"], "Updated C"),
]


@pytest.mark.parametrize(("args", "proof"), PICKS)
@pytest.mark.parametrize(
    ("name", "full"),
    [("kettle", "Kettle Studio"), ("STUDIO", "Kettle Studio"), ("vist", "Vistula Tours"),
     ("гран", "Гранель"), ("harbor ho", "Blue Harbor Hotels")],
)  # fmt: skip
def test_a_unique_prefix_or_word_names_the_client(
    cli: Cli, db: Path, args: list[str], proof: str | None, name: str, full: str
) -> None:
    out = cli.ok(*(a.format(name=name) for a in args))
    if proof is not None:
        assert proof.format(full=full) in out
    assert "New client" not in out
    assert count(db, "client") == len(CLIENTS)


@pytest.mark.parametrize(("args", "proof"), PICKS)
def test_an_ambiguous_name_lists_the_candidates_and_writes_nothing(
    cli: Cli, db: Path, args: list[str], proof: str | None
) -> None:
    before = digest(db)
    message = cli.fails(2, *(a.format(name="blue") for a in args))
    assert "'blue' matches 2 clients: Blue Harbor Hotels (C1), Bluebird (C2)" in message
    assert digest(db) == before


def test_the_json_of_a_filtered_list_shows_the_picked_client(cli: Cli, db: Path) -> None:
    assert [t["ref"] for t in cli.json("task", "list", "--client", "kett")] == ["T1"]
    assert [lead["ref"] for lead in cli.json("lead", "list", "--client", "tours")] == ["L1"]
    agenda = cli.json("agenda", "--client", "vistula")
    assert agenda["date"] == "2026-11-25"


def test_quick_add_creates_a_client_only_when_nothing_matches(cli: Cli, db: Path) -> None:
    out = cli.ok("add", "Kickoff client:Acme")
    assert "New client Acme (C6) was created." in out
    out = cli.ok("add", "Follow-up client:acm")  # now a prefix of Acme: no second client
    assert "· Acme" in out and "New client" not in out
    out = cli.ok("add", 'Audit client:"Kettle Studio Berlin"')  # longer than any name: new
    assert "New client Kettle Studio Berlin (C7) was created." in out
    assert count(db, "client") == len(CLIENTS) + 2


def test_a_name_that_begins_another_is_created_with_client_add_first(cli: Cli, db: Path) -> None:
    cli.ok("client", "add", "Blue")  # exact names are always free to create
    out = cli.ok("add", "Logo client:blue")  # the whole name now wins over longer names
    assert "· Blue" in out and "Harbor" not in out


@pytest.mark.parametrize(
    "args",
    [
        ["agenda", "--client", "nobody"],
        ["task", "list", "--client", "nobody"],
        ["lead", "list", "--client", "nobody"],
        ["client", "show", "nobody"],
        ["contact", "add", "nobody", "Anna"],
        ["client", "show", "bird"],  # inside a word is no match
        ["task", "list", "--client", "C99"],
    ],
)
def test_no_match_is_not_found(cli: Cli, db: Path, args: list[str]) -> None:
    before = digest(db)
    message = cli.fails(1, *args)
    assert "no client" in message
    assert digest(db) == before


def test_archived_clients_answer_to_their_whole_name_only(cli: Cli, db: Path) -> None:
    cli.ok("client", "edit", "Bluebird", "--archive")
    assert "· Blue Harbor Hotels" in cli.ok("add", "Pool photos client:blue")
    assert "· Bluebird" in cli.ok("add", "Feed client:bluebird")
