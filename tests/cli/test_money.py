"""The money commands end to end (issue 10): proposal → send → invoice → issue → pay, the
agenda's invoices, `remind due`, pipeline, accounts and report; bad input is one line, exit 2,
nothing written. Documents are read back: the PDF with pypdf, the spreadsheet with
python-calamine (the computed totals a preview shows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, build_template, query, use_template


def build(cli: Cli) -> None:
    cli.ok("client", "add", "Гранель", "--tz", "Europe/Moscow", "--attractiveness", "5",
           "--relationship", "4")  # fmt: skip
    cli.ok("client", "edit", "Гранель", "--locale", "ru_RU")
    cli.ok("lead", "add", "Сайт для Гранели", "--client", "Гранель", "--value", "1200000",
           "--currency", "RUB")  # fmt: skip
    cli.ok("proposal", "new", "L1", "--valid-until", "2026-12-31")
    cli.ok("proposal", "add", "P1", "Дизайн", "арт-директор", "12", "4 500")
    cli.ok("proposal", "add", "P1", "Дизайн", "дизайнер", "1h30m", "3000")
    cli.ok("proposal", "add", "L1-v1", "Разработка", "developer", "40", "3500")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build, "money")


@pytest.fixture
def seeded(cli: Cli, store: Target, template: Path) -> Cli:
    use_template(template, store)
    return cli


def counts(path: Target) -> list[tuple[int, ...]]:
    return query(
        path,
        "SELECT (SELECT count(*) FROM proposal), (SELECT count(*) FROM proposal_item), "
        "(SELECT count(*) FROM invoice), (SELECT count(*) FROM invoice_line), "
        "(SELECT count(*) FROM payment), (SELECT count(*) FROM activity)",
    )


def test_a_proposal_is_shown_with_its_totals(seeded: Cli) -> None:
    data = seeded.json("proposal", "show", "L1-v1")
    assert data["ref"] == "P1" and data["client"] == "C1"
    assert data["totals"] == {"RUB": {"minor": 19_850_000, "amount": "198500.00"}}
    assert [s["stage"] for s in data["stages"]] == ["Дизайн", "Разработка"]
    assert seeded.json("show", "P1") == data
    text = seeded.ok("proposal", "show", "P1")
    assert "198 500.00 RUB" in text and "stage total" in text


def test_send_then_invoice_issue_and_pay(seeded: Cli, store: Target) -> None:
    out = seeded.ok("proposal", "send", "P1")
    assert "stage contacted → proposal-sent" in out and "ladder started" in out
    [lead] = [x for x in seeded.json("lead", "list") if x["ref"] == "L1"]
    assert lead["stage"] == "proposal-sent"
    seeded.ok("invoice", "new", "--proposal", "L1-v1", "--percent", "50")
    invoice = seeded.json("invoice", "show", "I1")
    assert invoice["status"] == "draft" and invoice["number"] is None
    assert invoice["amount"]["amount"] == "99250.00"
    issued = seeded.ok("invoice", "issue", "I1", "--on", "2026-11-01")
    assert "2026-0001" in issued and "overdue 10 days" in issued
    seeded.ok("invoice", "pay", "2026-0001", "10 000,00", "--ref", "SEPA 1")
    paid = seeded.json("invoice", "show", "2026-0001")
    assert paid["state"] == "overdue" and paid["outstanding"]["minor"] == 8_925_000
    assert paid["payments"][0]["reference"] == "SEPA 1"
    assert [row["ref"] for row in seeded.json("invoice", "overdue")] == ["I1"]
    client = seeded.json("show", "C1")
    assert client["money"]["paid"] == {"RUB": {"minor": 1_000_000, "amount": "10000.00"}}
    assert client["money"]["overdue"]["RUB"]["minor"] == 8_925_000
    agenda = seeded.json("agenda")
    assert agenda["invoices"]["total"] == 1
    assert agenda["invoices"]["items"][0]["invoice"]["number"] == "2026-0001"
    assert "invoice 2026-0001 · Гранель · 89 250.00 RUB owed" in seeded.ok("agenda")
    due = seeded.json("remind", "due")
    assert [item["type"] for item in due if item["ref"] == "I1"] == ["invoice-overdue"]
    # Told once: the next run has nothing new about the invoice.
    assert "I1" not in seeded("remind", "due").stdout


def test_bad_money_input_is_one_line_exit_2_and_writes_nothing(seeded: Cli, store: Target) -> None:
    before = counts(store)
    for args, needle in [
        (("proposal", "add", "P1", "QA", "tester", "0", "50"), "no time at all"),
        (("proposal", "add", "P1", "QA", "tester", "2", "50", "--currency", "XYZ"), "ISO 4217"),
        (("proposal", "add", "P1", "QA", "tester", "2", "fifty"), "not an amount"),
        (("proposal", "remove-line", "P1", "9"), "no line 9"),
        (("proposal", "render", "P1", "-o", "x.doc"), "cannot tell the format"),
        (("invoice", "new", "Гранель", "Work", "-5"), "No such option"),
        (("invoice", "new", "Гранель", "Work", "minus 5"), "not an amount"),
        (("invoice", "new", "Гранель", "Work"), "a description and an amount"),
        (("invoice", "new", "--proposal", "P1", "--percent", "0"), "greater than or equal to 1"),
        (("invoice", "list", "--status", "late"), "unknown invoice status"),
        (("show", "X3"), "not a reference"),
    ]:
        message = seeded.fails(2, *args)
        assert needle in message, (args, message)
    seeded.ok("invoice", "new", "Гранель", "Work", "100")
    before = counts(store)
    seeded.fails(2, "invoice", "pay", "I1", "50")  # a draft takes no payments
    message = seeded.fails(2, "invoice", "issue", "I1", "--on", "tomorrow")
    assert message == (
        "amtui: an invoice cannot be dated after today: 2026-11-26 is later than 2026-11-25; "
        "issue it on the day it goes out (today or an earlier date)"
    )
    assert seeded.json("invoice", "show", "I1")["status"] == "draft"
    seeded.ok("invoice", "issue", "I1")
    message = seeded.fails(2, "invoice", "pay", "I1", "100.01")
    assert "more than the 100.00 RUB still owed" in message
    assert seeded.fails(1, "invoice", "show", "I9") == "amtui: no invoice I9"
    assert counts(store)[0][:5] == (before[0][0], before[0][1], 1, 1, 0)


def test_a_template_that_fails_to_render_writes_nothing(
    seeded: Cli, isolated: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("{{ doc.no_such_thing.deeper }}", encoding="utf-8")
    config = isolated / "config.toml"
    config.write_text(
        f'timezone = "Europe/Berlin"\n[documents]\nproposal_template = "{broken}"\n',
        encoding="utf-8",
    )
    out = tmp_path / "p.html"
    message = seeded.fails(2, "proposal", "render", "P1", "-o", str(out))
    assert "template" in message
    assert not out.exists()


def test_documents_read_back(seeded: Cli, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    calamine = pytest.importorskip("python_calamine")
    pdf, xlsx, md = tmp_path / "p.pdf", tmp_path / "p.xlsx", tmp_path / "p.md"
    for path in (pdf, xlsx, md):
        seeded.ok("proposal", "render", "P1", "-o", str(path))
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Сайт для Гранели" in text
    assert "198 500,00" in text.replace("\u00a0", " ").replace("\u202f", " ")
    sheet = calamine.CalamineWorkbook.from_path(str(xlsx))
    cells = [c for row in sheet.get_sheet_by_index(0).to_python() for c in row]
    assert 198500 in cells or 198500.0 in cells
    assert "198 500,00 ₽" in md.read_text(encoding="utf-8").replace("\u00a0", " ").replace(
        "\u202f", " "
    )


def test_pipeline_and_accounts(seeded: Cli) -> None:
    seeded.ok("lead", "add", "App", "--value", "5000", "--currency", "USD")
    data = seeded.json("pipeline")
    new = next(s for s in data["stages"] if s["stage"] == "new")
    assert new["count"] == 2
    assert new["totals"] == {
        "RUB": {"minor": 120_000_000, "amount": "1200000.00"},
        "USD": {"minor": 500_000, "amount": "5000.00"},
    }
    assert data["forecast"]["USD"]["amount"] == "500.00"  # 10% of a new lead
    assert "weighted forecast: 120 000.00 RUB + 500.00 USD" in seeded.ok("pipeline")
    seeded.ok("lead", "win", "L1")
    accounts = seeded.json("accounts")
    assert accounts["accounts"][0]["quadrant"] == "Strategic"
    assert accounts["pareto"]["won"]["RUB"]["key_accounts"] == ["C1"]


def test_report_has_the_money_by_client(seeded: Cli) -> None:
    seeded.ok("invoice", "new", "Гранель", "Work", "1 000")
    seeded.ok("invoice", "issue", "I1", "--on", "2026-11-20")
    seeded.ok("invoice", "pay", "I1", "400", "--on", "2026-11-21")
    data = seeded.json("report", "--from", "2026-11-01", "--to", "2026-11-30")
    [row] = data["money"]["clients"]
    assert row["name"] == "Гранель"
    assert row["invoiced"]["RUB"]["amount"] == "1000.00"
    assert row["paid"]["RUB"]["amount"] == "400.00"
    assert row["outstanding"]["RUB"]["amount"] == "600.00"
    assert "TOTAL" in seeded.ok("report", "--from", "2026-11-01", "--to", "2026-11-30")


def test_a_payment_is_undone_whole_and_remind_due_is_no_change_of_its_own(
    seeded: Cli, store: Target
) -> None:
    seeded.ok("invoice", "new", "Гранель", "Work", "1 000")
    seeded.ok("invoice", "issue", "I1", "--on", "2026-11-01")
    seeded.ok("invoice", "pay", "I1", "400")
    seeded.ok("remind", "due")  # tells the overdue invoice once: bookkeeping, not a change
    out = seeded.ok("undo")
    assert "invoice pay" in out
    assert query(store, "SELECT count(*) FROM payment") == [(0,)]
    assert seeded.json("invoice", "show", "I1")["outstanding"]["amount"] == "1000.00"
