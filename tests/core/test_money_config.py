"""The config's `[money]`, `[documents]` and `[agency]` tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from amtui.core.config import ConfigError, load_config
from amtui.core.documents import agency_party
from amtui.core.money_config import DEFAULT_PROBABILITIES


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    money = load_config(tmp_path / "missing.toml").money
    assert dict(money.probabilities) == dict(DEFAULT_PROBABILITIES)
    assert (money.due_soon_days, money.closed_days) == (7, 30)
    assert money.invoice_number == "{year}-{seq:04d}"
    assert money.locale == "en_US"
    assert money.proposal_template is None and money.invoice_template is None
    assert agency_party(money).name == ""


def test_a_full_money_setup(tmp_path: Path) -> None:
    money = load_config(
        write(
            tmp_path,
            """
            [money]
            due_soon_days = 3
            closed_days = 14
            invoice_number = "INV-{seq:05d}"
            [money.probabilities]
            proposal-sent = 40
            negotiating = 80

            [documents]
            locale = "ru-RU"
            proposal_template = "~/amtui/proposal.html"

            [agency]
            name = "Студия «Чайник»"
            address = "ул. Ленина, 1\\nМосква"
            details = "Р/с 40702810…"
            """,
        )
    ).money
    assert money.probabilities["proposal-sent"] == 40 and money.probabilities["new"] == 10
    assert (money.due_soon_days, money.closed_days) == (3, 14)
    assert money.invoice_number == "INV-{seq:05d}"
    assert money.locale == "ru_RU"
    assert money.proposal_template == "~/amtui/proposal.html"
    party = agency_party(money)
    assert party.name == "Студия «Чайник»" and party.address == "ул. Ленина, 1\nМосква"
    assert party.email == ""


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[money]\ndue_soon_days = -1", "money.due_soon_days"),
        ('[money]\nclosed_days = "30"', "money.closed_days"),
        ('[money]\ninvoice_number = "INV"', "invoice number pattern"),
        ('[money]\ninvoice_number = "{seq:099999d}"', "too long"),
        ('[money]\ninvoice_number = "{year:013d}-{seq}"', "too long"),
        ('[money]\ninvoice_number = "{seq:٣d}"', "invoice number pattern"),
        (f'[money]\ninvoice_number = "{"X" * 41}{{seq}}"', "too long"),
        ("[money]\nprobabilities = 5", "money.probabilities"),
        ("[money.probabilities]\nwon = 100", "not an open pipeline stage"),
        ("[money.probabilities]\nnew = 120", "0 to 100"),
        ("[money]\nvat = 20", "money.vat"),
        ('[documents]\nlocale = "Russian please"', "documents.locale"),
        ("[documents]\nproposal_template = 1", "documents.proposal_template"),
        ('[agency]\niban = "DE00"', "agency.iban"),
        ("agency = 'Kettle'", "agency"),
        ('default_currency = "XYZ"', "default_currency"),
    ],
)
def test_bad_values_are_one_line_naming_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert key in message and str(path) in message and "\n" not in message
    assert info.value.exit_code == 2
