"""Proposal and invoice documents: read back what was written (PDF text with pypdf, stored
spreadsheet results with python-calamine), hostile text stays text, failures write nothing."""

from __future__ import annotations

import http.server
import re
import sys
import threading
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from amtui.core.documents import InvoiceDoc, InvoiceLine, Party, ProposalDoc
from amtui.core.errors import InputError
from amtui.core.estimates import LineItem, make_line_item
from amtui.core.invoicing import Payment
from amtui.io.documents import format_for, proposal_html, write_invoice, write_proposal

TODAY = date(2026, 11, 25)
HOSTILE = (
    '<script>alert(1)</script><a href="javascript:alert(2)">click</a> {{ 7*7 }} '
    "[x](javascript:alert(3))"
)


def item(
    stage: str, who: str, centihours: int, rate: int, currency: str = "RUB", what: str = ""
) -> LineItem:
    return make_line_item(
        stage=stage, who=who, centihours=centihours, rate_minor=rate, currency=currency,
        description=what,
    )  # fmt: skip


def proposal(**changes: object) -> ProposalDoc:
    values: dict[str, object] = {
        "title": "Редизайн сайта",
        "lead_ref": "L7",
        "version": 2,
        "client": Party("ООО «Гранель»", contact="Мария Соколова", address="Москва"),
        "agency": Party("Kettle Studio", email="hello@kettle.example"),
        "issued_on": TODAY,
        "valid_until": date(2026, 12, 25),
        "items": (
            item("Дизайн", "Дизайнер", 4_800, 400_000, what="Макеты 12 страниц"),
            item("Дизайн", "Копирайтер", 1_250, 300_000),
            item("Разработка", "Разработчик", 7_200, 420_000),
        ),
        "intro": "Спасибо за бриф.",
        "notes": "Цены без НДС.",
        "prepared_by": "Анна Петрова",
        "locale": "ru_RU",
    }
    return ProposalDoc(**{**values, **changes})  # type: ignore[arg-type]


def invoice(**changes: object) -> InvoiceDoc:
    values: dict[str, object] = {
        "number": "2026-0007",
        "client": Party("ООО «Гранель»"),
        "agency": Party("Kettle Studio", details="IBAN DE12 1001 0010 0123 4567 89"),
        "currency": "RUB",
        "issued_on": date(2026, 11, 2),
        "due_on": date(2026, 11, 16),
        "lines": (InvoiceLine("Этап «Дизайн»", 19_200_000), InvoiceLine("Тексты", 3_750_000)),
        "payments": (Payment(10_000_000, date(2026, 11, 10)),),
        "locale": "ru_RU",
    }
    return InvoiceDoc(**{**values, **changes})  # type: ignore[arg-type]


def flat(text: str) -> str:
    """PDF text with no-break spaces as plain spaces and runs of space collapsed."""
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return flat("\n".join(page.extract_text() or "" for page in PdfReader(path).pages))


def needs_weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:  # the pdf extra, or Pango, is missing
        pytest.skip(f"PDF output needs WeasyPrint and Pango: {error}")


# ---- PDF -----------------------------------------------------------------------------------


def test_the_pdf_reads_back_with_its_totals_in_cyrillic(tmp_path: Path) -> None:
    needs_weasyprint()
    path = write_proposal(proposal(), tmp_path / "L7-v2.pdf")
    text = pdf_text(path)
    # 48 h × 4 000 ₽ + 12.5 h × 3 000 ₽ = 229 500 ₽; 72 h × 4 200 ₽ = 302 400 ₽.
    for expected in (
        "Коммерческое предложение",
        "Редизайн сайта",
        "ООО «Гранель»",
        "192 000,00 ₽",
        "37 500,00 ₽",
        "229 500,00 ₽",
        "302 400,00 ₽",
        "531 900,00 ₽",
        "12,5",
        "25 ноября 2026 г.",
        "Стр. 1 из 1",
    ):
        assert expected in text, expected
    from pypdf import PdfReader

    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(path).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVu" in name for name in fonts)  # the shipped fonts, embedded


def test_the_invoice_pdf_says_what_is_still_owed(tmp_path: Path) -> None:
    needs_weasyprint()
    text = pdf_text(write_invoice(invoice(), tmp_path / "inv.pdf", today=TODAY))
    for expected in (
        "Счёт",
        "2026-0007",
        "229 500,00 ₽",
        "100 000,00 ₽",
        "К оплате",
        "129 500,00 ₽",
    ):
        assert expected in text, expected
    assert "IBAN DE12 1001 0010 0123 4567 89" in text


def test_pdf_rendering_loads_nothing_from_the_network(tmp_path: Path) -> None:
    """A template asking for a remote image and stylesheet gets a PDF, and no request is made
    (a local server on 127.0.0.1 counts what reaches it)."""
    needs_weasyprint()
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        template = tmp_path / "remote.html"
        template.write_text(
            f'<html><head><link rel="stylesheet" href="{url}/style.css">'
            f"<style>@import url({url}/more.css);</style></head>"
            f'<body><img src="{url}/logo.png"><img src="file:///etc/hostname">'
            "{{ doc.title }}</body></html>",
            encoding="utf-8",
        )
        path = write_proposal(proposal(), tmp_path / "out.pdf", template=template)
        assert "Редизайн сайта" in pdf_text(path)
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []


def test_without_the_pdf_extra_one_line_and_no_file(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` fails
    with pytest.raises(InputError, match=r"pip install 'amtui\[pdf\]'"):
        write_proposal(proposal(), out / "L7.pdf")
    assert list(out.iterdir()) == []


# ---- XLSX ----------------------------------------------------------------------------------


def read_sheet(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def row_with(rows: list[list[object]], label: str) -> list[object]:
    return next(row for row in rows if label in row)


def test_the_spreadsheet_stores_computed_totals_with_their_formulas(tmp_path: Path) -> None:
    path = write_proposal(proposal(), tmp_path / "L7.xlsx")
    rows = read_sheet(path)
    assert row_with(rows, "Дизайнер")[3:] == [48.0, 4000.0, "RUB", 192000.0]
    assert row_with(rows, "Итого по этапу: Дизайн")[3:] == [60.5, "", "RUB", 229500.0]
    assert row_with(rows, "Итого по этапу: Разработка")[6] == 302400.0
    assert row_with(rows, "Всего часов")[3] == 132.5
    assert row_with(rows, "Итого")[5:] == ["RUB", 531900.0]
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>ROUND(D" in sheet and "<f>SUMIF(" in sheet  # formulas, each with its <v>alue
    assert re.search(r"<f>ROUND\(D\d+\*E\d+,2\)</f><v>192000(\.0)?</v>", sheet)


def test_currencies_are_totalled_apart_never_together(tmp_path: Path) -> None:
    doc = proposal(
        items=(
            item("Design", "designer", 1_000, 8_000, "EUR"),
            item("Design", "contractor", 250, 10_000, "USD"),
            item("Build", "developer", 2_000, 9_000, "EUR"),
            item("Build", "hosting setup", 100, 5_000, "JPY"),
        ),
        locale="en_US",
    )
    rows = read_sheet(write_proposal(doc, tmp_path / "mixed.xlsx"))
    assert row_with(rows, "Total (EUR)")[6] == 2600.0  # 800 + 1 800
    assert row_with(rows, "Total (USD)")[6] == 250.0
    assert row_with(rows, "Total (JPY)")[6] == 5000.0
    html = proposal_html(doc)
    assert "€2,600.00" in html and "$250.00" in html and "¥5,000" in html


def test_invoice_spreadsheet(tmp_path: Path) -> None:
    rows = read_sheet(write_invoice(invoice(), tmp_path / "inv.xlsx", today=TODAY))
    assert row_with(rows, "Итого")[1] == 229500.0
    assert row_with(rows, "К оплате")[1] == 129500.0


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    doc = proposal(client=Party('=HYPERLINK("http://evil.example","x")'), items=(
        item("=1+1", "@SUM(A1)", 100, 100),
    ))  # fmt: skip
    path = write_proposal(doc, tmp_path / "f.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "HYPERLINK" not in sheet and "<f>1+1" not in sheet and "<f>@SUM" not in sheet
    assert row_with(read_sheet(path), "@SUM(A1)")[0] == "=1+1"


# ---- HTML and Markdown ---------------------------------------------------------------------


def hostile_proposal() -> ProposalDoc:
    return proposal(
        title=HOSTILE,
        client=Party("Evil </style><script>x()</script>", address="line\x1b[31m red\u202eevil"),
        agency=Party('Kettle"; } body { display: none } /*'),
        items=(item("<b>Stage</b>", "<img src=x onerror=alert(1)>", 100, 100, what=HOSTILE),),
        intro=HOSTILE,
        notes="{% for x in range(10**9) %}{% endfor %}",
    )


@pytest.mark.parametrize("agency", [Party(""), Party("", email="hello@kettle.example")])
def test_an_empty_agency_leaves_no_empty_sender_line(tmp_path: Path, agency: Party) -> None:
    """Without an `[agency]` section (or with only some of it) every format leaves out what
    is empty: no `From:` with nothing after it, no `, ` after the signer, no ` · ` opening
    the page footer; what there is still shows."""
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    calamine = pytest.importorskip("python_calamine")
    english = {"locale": "en_US", "agency": agency}
    docs = {"p": proposal(**english), "i": invoice(**english)}
    texts: dict[str, str] = {}
    for name, doc in docs.items():
        for kind in ("md", "html", "xlsx", "pdf"):
            path = tmp_path / f"{name}.{kind}"
            if isinstance(doc, ProposalDoc):
                write_proposal(doc, path)
            else:
                write_invoice(doc, path, today=TODAY)
            if kind == "pdf":
                text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
            elif kind == "xlsx":
                rows = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
                text = "\n".join(str(cell) for row in rows.to_python() for cell in row if cell)
            else:
                text = path.read_text(encoding="utf-8")
            texts[f"{name}.{kind}"] = text
    for name, text in texts.items():
        lines = [line.strip() for line in text.splitlines()]
        assert not [line for line in lines if re.fullmatch(r"(\*\*)?From:(\*\*)?", line)], name
        assert "Анна Петрова," not in text, name  # the signer, with no agency after her
        assert not any(line.startswith("· ") for line in lines), name  # the page footer
        if agency.email:
            assert "hello@kettle.example" in text, name
    assert "Prepared by: Анна Петрова" in texts["p.md"]
    html = texts["i.html"]
    assert 'class="agency-name"' not in html and '<meta name="author"' not in html
    assert 'content: "Invoice 2026-0007"' in html
    if agency.email:
        assert "From: hello@kettle.example" in texts["i.xlsx"]
        assert "**From:** hello@kettle.example" in texts["i.md"]
    else:
        assert "From" not in texts["i.xlsx"] + texts["i.md"] + texts["i.pdf"]
    # With the agency named, it is all there (the same checks would catch a lost line).
    named = tmp_path / "named.md"
    write_invoice(invoice(locale="en_US"), named, today=TODAY)
    assert "**From:** Kettle Studio" in named.read_text(encoding="utf-8")


def test_html_shows_hostile_text_as_text(tmp_path: Path) -> None:
    html = (write_proposal(hostile_proposal(), tmp_path / "h.html")).read_text(encoding="utf-8")
    body = html.split("</style>", 1)[1]  # the data after the stylesheet
    assert "<script" not in html and "<img" not in html and "<b>" not in body
    assert 'href="javascript' not in html and "<a " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "{{ 7*7 }}" in body and "49" not in body  # data is never a template
    assert "{% for x in range(10**9) %}" in body
    assert "\x1b" not in html and "\\x1b[31m" in body and "\\u202e" in body
    # The agency name reaches the page footer inside a CSS string, hex-escaped.
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert 'Kettle"' not in style and "Kettle\\000022; \\00007d body \\00007b" in style


def test_markdown_shows_hostile_text_as_text(tmp_path: Path) -> None:
    text = write_proposal(hostile_proposal(), tmp_path / "h.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<", text) and "\\<script\\>" in text
    assert "](javascript" not in text and "\\]\\(javascript" in text
    assert "\x1b" not in text and "\\\\x1b" in text


def test_markdown_proposal_and_invoice(tmp_path: Path) -> None:
    text = write_proposal(proposal(), tmp_path / "p.md").read_text(encoding="utf-8")
    assert text.startswith("# Редизайн сайта\n")
    assert "| **Дизайнер** — Макеты 12 страниц | 48 | 4\u00a0000,00\u00a0₽ |" in text
    assert "**Итого: 531\u00a0900,00\u00a0₽**" in text
    text = write_invoice(invoice(), tmp_path / "i.md", today=TODAY).read_text(encoding="utf-8")
    assert "**К оплате: 129\u00a0500,00\u00a0₽**" in text


def test_english_and_german_documents() -> None:
    en = proposal_html(proposal(locale="en_US"))
    assert "Proposal" in en and "RUB531,900.00" in en and "November 25, 2026" in en
    de = proposal_html(proposal(locale="de_DE"))
    assert "Angebot" in de and "531.900,00\u00a0RUB" in de and 'lang="de"' in de


# ---- Failures write nothing ----------------------------------------------------------------


@pytest.fixture
def out(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "out"
    directory.mkdir()
    yield directory


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("<p>{{ doc.title </p>", "line 1"),
        ("<p>\n{% for x in doc.stages %}\n</p>", "Unexpected end of template"),
        ("<p>{{ doc.no_such_field }}</p>", "no_such_field"),
        ("<p>{{ doc.title.__class__.__mro__ }}</p>", "template"),  # the sandbox says no
        ('{% include "missing.html" %}', "missing.html"),
    ],
)
def test_a_failing_template_is_one_line_and_writes_nothing(
    out: Path, tmp_path: Path, source: str, says: str
) -> None:
    template = tmp_path / "mine.html"
    template.write_text(source, encoding="utf-8")
    target = out / "L7.html"
    target.write_text("the previous version", encoding="utf-8")
    with pytest.raises(InputError) as error:
        write_proposal(proposal(), target, template=template)
    message = str(error.value)
    assert says in message and "\n" not in message and "mine.html" in message
    assert target.read_text(encoding="utf-8") == "the previous version"
    assert sorted(p.name for p in out.iterdir()) == ["L7.html"]  # no temporary file left


def test_a_custom_template_may_include_the_built_in_style(tmp_path: Path) -> None:
    template = tmp_path / "mine.html"
    template.write_text(
        '<style>{% include "_style.css" %}</style><h1>{{ doc.title }}</h1>'
        "{% for t in doc.totals %}<b>{{ t.text }}</b>{% endfor %}",
        encoding="utf-8",
    )
    html = write_proposal(proposal(), tmp_path / "p.html", template=template).read_text("utf-8")
    assert "@page" in html and "<h1>Редизайн сайта</h1>" in html
    assert "<b>531\u00a0900,00\u00a0₽</b>" in html


@pytest.mark.parametrize(
    ("name", "fmt", "says"),
    [
        ("L7.docx", None, "cannot tell the format"),
        ("L7", None, "cannot tell the format"),
        ("L7.pdf", "odt", "unknown document format"),
    ],
)
def test_unknown_formats(out: Path, name: str, fmt: str | None, says: str) -> None:
    with pytest.raises(InputError, match=says):
        write_proposal(proposal(), out / name, fmt=fmt)
    assert list(out.iterdir()) == []


def test_format_names() -> None:
    assert format_for(Path("a.HTM")) == "html" and format_for(Path("a.markdown")) == "md"
    assert format_for(Path("whatever"), "XLSX") == "xlsx"


def test_missing_template_and_missing_folder(out: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_proposal(proposal(), out / "p.html", template=out / "nope.html")
    with pytest.raises(InputError, match="cannot write in"):
        write_proposal(proposal(), out / "no" / "such" / "dir" / "p.md")
    assert list(out.iterdir()) == []


def test_an_unknown_locale_is_one_line(out: Path) -> None:
    with pytest.raises(InputError, match="unknown locale"):
        write_proposal(proposal(locale="zz_ZZ"), out / "p.md")
    assert list(out.iterdir()) == []


def test_importing_the_package_loads_no_renderer() -> None:
    import subprocess

    code = (
        "import sys, amtui.io.documents; "
        "print([m for m in ('jinja2', 'xlsxwriter', 'weasyprint', 'babel') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
