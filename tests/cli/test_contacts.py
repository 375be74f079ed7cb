"""`amtui contact add|list`: the people at a client."""

from __future__ import annotations

from tests.cli.conftest import Cli, Target, count


def test_add_and_list(cli: Cli) -> None:
    cli.ok("client", "add", "Гранель")
    cli.ok("client", "add", "Blue Harbor")
    out = cli.ok(
        "contact", "add", "гранель", "Anna Petrova", "--email", "anna@granel.example",
        "--phone", "+7 495 000-00-01", "--role", "CMO",
    )  # fmt: skip
    assert out == "Added Anna Petrova to Гранель (C1)\n"
    cli.ok("contact", "add", "C1", "Igor")
    cli.ok("contact", "add", "blue harbor", "Jessica Moore")
    rows = cli.json("contact", "list")
    assert [(r["client"]["name"], r["name"]) for r in rows] == [
        ("Blue Harbor", "Jessica Moore"),
        ("Гранель", "Anna Petrova"),
        ("Гранель", "Igor"),
    ]
    anna = rows[1]
    assert anna == {
        "id": anna["id"],
        "client": {"ref": "C1", "name": "Гранель"},
        "name": "Anna Petrova",
        "email": "anna@granel.example",
        "phone": "+7 495 000-00-01",
        "role": "CMO",
    }
    only = cli.json("contact", "list", "ГРАНЕЛЬ")
    assert [r["name"] for r in only] == ["Anna Petrova", "Igor"]
    assert cli.json("contact", "list", "C2")[0]["name"] == "Jessica Moore"


def test_list_text_and_markdown(cli: Cli) -> None:
    cli.ok("client", "add", "Granel")
    cli.ok("contact", "add", "Granel", "Anna", "--role", "CMO", "--email", "a@x.example")
    text = cli.ok("contact", "list").splitlines()
    assert text[0].split() == ["CLIENT", "NAME", "ROLE", "EMAIL", "PHONE"]
    assert text[1].split() == ["Granel", "(C1)", "Anna", "CMO", "a@x.example"]
    md = cli.ok("contact", "list", "--format", "md").splitlines()
    assert md[2] == "| Granel \\(C1\\) | Anna | CMO | a@x.example |  |"
    assert cli.json("contact", "list", "Granel")[0]["name"] == "Anna"


def test_contacts_are_searchable_and_shown_with_the_client(cli: Cli) -> None:
    cli.ok("client", "add", "Granel")
    cli.ok("contact", "add", "Granel", "Anna Petrova")
    assert cli.json("search", "petrova") == [
        {"ref": "C1", "kind": "contact", "title": "Anna Petrova", "detail": "Granel", "open": True}
    ]
    assert "Anna Petrova" in cli.ok("client", "show", "C1")


def test_errors_write_nothing(cli: Cli, store: Target) -> None:
    cli.ok("client", "add", "Granel")
    assert "not an email address" in cli.fails(
        2, "contact", "add", "Granel", "Anna", "--email", "nope"
    )
    assert "empty" in cli.fails(2, "contact", "add", "Granel", "  ")
    assert "no client named 'Nobody'" in cli.fails(1, "contact", "add", "Nobody", "Anna")
    assert cli.fails(1, "contact", "add", "C7", "Anna") == "amtui: no client C7"
    assert "no client named" in cli.fails(1, "contact", "list", "Nobody")
    assert count(store, "contact") == 0
    assert count(store, "client") == 1
