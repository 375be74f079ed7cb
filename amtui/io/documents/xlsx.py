"""Documents as spreadsheets through XlsxWriter (BSD-2-Clause; ~25 ms to import, so only here).

Every computed cell is a formula written WITH its result: spreadsheet programs recalculate,
while previews (mail clients, file managers, python-calamine) show the stored result, which
XlsxWriter lets us write and openpyxl does not. Line amounts are `ROUND(hours × rate, decimals)`
like amtui's own rule; subtotals and totals add rounded lines per currency (`SUMIF`), so the
file and the PDF agree to the minor unit.

Text from the data is always written with `write_string`: a name such as `=HYPERLINK(…)` stays
text and never becomes a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from amtui.core.currencies import exponent
from amtui.core.invoicing import PaymentState
from amtui.core.money import hours_decimal, to_decimal
from amtui.io.documents.views import InvoiceView, ProposalView

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet


def _cell(row: int, col: int) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return str(xl_rowcol_to_cell(row, col))


class _Styles:
    def __init__(self, book: Workbook) -> None:
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        self.book, self.base = book, base
        self.title = book.add_format({**base, "bold": True, "font_size": 15})
        self.meta = book.add_format({**base, "font_color": "#6b7685"})
        self.head = book.add_format(
            {**base, "bold": True, "bottom": 1, "font_color": "#1d4e89", "text_wrap": True}
        )
        self.text = book.add_format({**base, "text_wrap": True})
        self.bold = book.add_format({**base, "bold": True})
        self.stage = book.add_format({**base, "bold": True, "bg_color": "#eef3fa"})
        self.hours = book.add_format({**base, "num_format": "#,##0.00"})
        self.hours_bold = book.add_format({**base, "num_format": "#,##0.00", "bold": True})
        self._money: dict[tuple[int, str], Format] = {}

    def money(self, currency: str, kind: str = "") -> Format:
        """A number format with the currency's decimals (the viewer localises the marks)."""
        digits = exponent(currency)
        key = (digits, kind)
        if key not in self._money:
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            extra: dict[str, Any] = {"bold": True} if kind else {}
            if kind == "grand":
                extra |= {"top": 1, "bottom": 6}
            self._money[key] = self.book.add_format({**self.base, "num_format": pattern, **extra})
        return self._money[key]


def _open(path: Path, title: str, author: str) -> tuple[Workbook, _Styles]:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    sender = {"author": author, "company": author} if author else {}
    book.set_properties({"title": title, **sender})
    return book, _Styles(book)


def _header(sheet: Worksheet, styles: _Styles, title: str, meta: list[str]) -> int:
    sheet.write_string(0, 0, title, styles.title)
    for offset, line in enumerate(meta, 1):
        sheet.write_string(offset, 0, line, styles.meta)
    return len(meta) + 2


def write_proposal_xlsx(doc: ProposalView, path: Path) -> None:
    """Sheet columns: stage, who, description, hours, rate, currency, amount."""
    book, styles = _open(path, f"{doc.t['proposal']} {doc.number}: {doc.title}", doc.agency.name)
    sheet = book.add_worksheet(doc.t["proposal"][:31])
    t = doc.t
    meta = [f"{t['proposal']} {doc.number} · {t['date']} {doc.issued}"]
    if doc.valid_until:
        meta.append(f"{t['valid_until']} {doc.valid_until}")
    meta.append(f"{t['prepared_for']}: {doc.client.name}")
    if doc.agency.summary:
        meta.append(f"{t['from']}: {doc.agency.summary}")
    row = _header(sheet, styles, doc.title, meta)
    columns = [t["stage"], t["work"], t["description"], t["hours"], t["rate"], t["currency"]]
    for col, name in enumerate([*columns, t["amount"]]):
        sheet.write_string(row, col, name, styles.head)
    sheet.freeze_panes(row + 1, 0)
    row += 1
    subtotal_cells: dict[str, list[str]] = {}  # currency → its subtotal cells
    hours_cells: list[str] = []
    for stage in doc.stages:
        sheet.write_string(row, 0, stage.name, styles.stage)
        for col in range(1, 7):
            sheet.write_blank(row, col, None, styles.stage)
        row += 1
        first = row
        for line in stage.lines:
            item = line.item
            digits = exponent(item.currency)
            sheet.write_string(row, 0, stage.name, styles.text)
            sheet.write_string(row, 1, line.who, styles.text)
            sheet.write_string(row, 2, line.description, styles.text)
            sheet.write_number(row, 3, float(hours_decimal(item.centihours)), styles.hours)
            rate = to_decimal(item.rate_minor, item.currency)
            sheet.write_number(row, 4, float(rate), styles.money(item.currency))
            sheet.write_string(row, 5, item.currency, styles.text)
            sheet.write_formula(
                row,
                6,
                f"=ROUND({_cell(row, 3)}*{_cell(row, 4)},{digits})",
                styles.money(item.currency),
                float(to_decimal(item.amount_minor, item.currency)),
            )
            row += 1
        last = row - 1
        for index, total in enumerate(stage.totals):
            if index == 0:
                sheet.write_string(row, 1, f"{t['subtotal']}: {stage.name}", styles.bold)
                hours_value = float(hours_decimal(stage.stage.centihours))
                sheet.write_formula(
                    row,
                    3,
                    f"=SUM({_cell(first, 3)}:{_cell(last, 3)})",
                    styles.hours_bold,
                    hours_value,
                )
                hours_cells.append(_cell(row, 3))
            sheet.write_string(row, 5, total.currency, styles.bold)
            sheet.write_formula(
                row,
                6,
                f'=SUMIF({_cell(first, 5)}:{_cell(last, 5)},"{total.currency}",'
                f"{_cell(first, 6)}:{_cell(last, 6)})",
                styles.money(total.currency, "bold"),
                float(to_decimal(total.minor, total.currency)),
            )
            subtotal_cells.setdefault(total.currency, []).append(_cell(row, 6))
            row += 1
    row += 1
    sheet.write_string(row, 1, t["total_hours"], styles.bold)
    total_hours = float(hours_decimal(sum(s.stage.centihours for s in doc.stages)))
    sheet.write_formula(row, 3, "=" + "+".join(hours_cells), styles.hours_bold, total_hours)
    row += 1
    for total in doc.totals:
        label = f"{t['total']} ({total.currency})" if doc.multi_currency else t["total"]
        sheet.write_string(row, 1, label, styles.bold)
        sheet.write_string(row, 5, total.currency, styles.bold)
        sheet.write_formula(
            row,
            6,
            "=" + "+".join(subtotal_cells[total.currency]),
            styles.money(total.currency, "grand"),
            float(to_decimal(total.minor, total.currency)),
        )
        row += 1
    for col, width in enumerate((18, 24, 40, 9, 13, 9, 16)):
        sheet.set_column(col, col, width)
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    book.close()


def write_invoice_xlsx(doc: InvoiceView, path: Path) -> None:
    """Sheet columns: description, amount; then total, payments and what is still due."""
    t = doc.t
    book, styles = _open(path, f"{t['invoice']} {doc.number}", doc.agency.name)
    sheet = book.add_worksheet(t["invoice"][:31])
    meta = [f"{t['date']} {doc.issued}" + (f" · {t['due']} {doc.due}" if doc.due else "")]
    meta.append(f"{t['bill_to']}: {doc.client.name}")
    if doc.agency.summary:
        meta.append(f"{t['from']}: {doc.agency.summary}")
    if doc.status:
        meta.append(doc.status)
    row = _header(sheet, styles, f"{t['invoice']} {doc.number}", meta)
    money, money_bold = styles.money(doc.currency), styles.money(doc.currency, "bold")
    sheet.write_string(row, 0, t["description"], styles.head)
    sheet.write_string(row, 1, f"{t['amount']} ({doc.currency})", styles.head)
    row += 1
    first = row
    for line in doc.lines:
        sheet.write_string(row, 0, line.description, styles.text)
        sheet.write_number(row, 1, float(to_decimal(line.amount.minor, doc.currency)), money)
        row += 1
    total_cell = _cell(row, 1)
    sheet.write_string(row, 0, t["total"], styles.bold)
    sheet.write_formula(
        row,
        1,
        f"=SUM({_cell(first, 1)}:{_cell(row - 1, 1)})",
        money_bold,
        float(to_decimal(doc.total.minor, doc.currency)),
    )
    row += 2
    payment_cells = []
    for payment in doc.payments:
        sheet.write_string(row, 0, f"{t['paid']} {payment.day}", styles.text)
        sheet.write_number(row, 1, float(to_decimal(payment.amount.minor, doc.currency)), money)
        payment_cells.append(_cell(row, 1))
        row += 1
    sheet.write_string(row, 0, t["outstanding"], styles.bold)
    formula = f"={total_cell}" + "".join(f"-{cell}" for cell in payment_cells)
    if doc.state.state is PaymentState.VOID:
        formula = "=0"  # a void invoice asks for nothing
    sheet.write_formula(
        row,
        1,
        formula,
        styles.money(doc.currency, "grand"),
        float(to_decimal(doc.outstanding.minor, doc.currency)),
    )
    sheet.set_column(0, 0, 50)
    sheet.set_column(1, 1, 18)
    sheet.set_paper(9)
    book.close()
