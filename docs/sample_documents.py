"""Render the sample proposal and invoice shown in the README (docs/proposal-sample.png).

    python docs/sample_documents.py OUTDIR      # writes PDF, HTML, XLSX and Markdown
    pdftoppm -png -r 80 -f 1 -l 1 -singlefile OUTDIR/proposal-L7-v2.pdf docs/proposal-sample

The values are what phase 2's storage will fill from a lead, its client and the config.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from amtui.core.documents import InvoiceDoc, InvoiceLine, Party, ProposalDoc
from amtui.core.estimates import make_line_item
from amtui.core.invoicing import Payment
from amtui.core.money import parse_amount, parse_hours

AGENCY = Party(
    name="Kettle Studio",
    contact="Anna Petrova, account manager",
    address="Torstraße 12, 10119 Berlin",
    email="anna@kettle.example",
    phone="+49 30 1234 5678",
    website="kettle.example",
    details="Kettle Studio GmbH\nIBAN DE12 1001 0010 0123 4567 89 · BIC PBNKDEFF",
)
CLIENT = Party(
    name="ООО «Гранель»",
    contact="Мария Соколова, директор по маркетингу",
    address="ул. Большая Садовая, 10, 123001 Москва",
    email="m.sokolova@granel.example",
    tax_id="7701234567",
)


def line(stage: str, who: str, hours: str, rate: str, what: str = "", cur: str = "RUB"):  # type: ignore[no-untyped-def]
    return make_line_item(
        stage=stage,
        who=who,
        centihours=parse_hours(hours),
        rate_minor=parse_amount(rate, cur),
        currency=cur,
        description=what,
    )


def sample_proposal() -> ProposalDoc:
    items = (
        line(
            "Исследование",
            "Аналитик",
            "16",
            "4 500",
            "Интервью с отделом продаж, анализ конкурентов",
        ),
        line(
            "Дизайн",
            "Дизайнер интерфейсов",
            "48",
            "4 000",
            "Прототипы и макеты 12 страниц, адаптив",
        ),
        line(
            "Дизайн",
            "Копирайтер",
            "20",
            "3 000",
            "Тексты главной, каталога и страниц услуг",
        ),
        line(
            "Разработка",
            "Фронтенд-разработчик",
            "72",
            "4 200",
            "Вёрстка, анимации, интеграция с CMS",
        ),
        line(
            "Разработка",
            "SEO-специалист",
            "12,5",
            "3 500",
            "Семантическое ядро, мета-теги, редиректы",
        ),
        line(
            "Разработка",
            "Менеджер проекта",
            "18",
            "3 800",
            "Планирование, статусы, приёмка",
        ),
    )
    return ProposalDoc(
        title="Редизайн корпоративного сайта",
        lead_ref="L7",
        version=2,
        client=CLIENT,
        agency=AGENCY,
        issued_on=date(2026, 11, 25),
        valid_until=date(2026, 12, 25),
        items=items,
        intro=(
            "Мария, спасибо за бриф и встречу 20 ноября. Ниже — смета редизайна сайта в три "
            "этапа: каждый этап заканчивается приёмкой, и следующий начинается только после "
            "вашего согласования."
        ),
        notes=(
            "Цены указаны без НДС. Оплата по этапам: 50% перед началом этапа, 50% после "
            "приёмки.\nСроки: 7–8 недель с даты подписания договора."
        ),
        prepared_by="Анна Петрова",
        locale="ru_RU",
    )


def sample_invoice() -> InvoiceDoc:
    return InvoiceDoc(
        number="2026-0007",
        client=CLIENT,
        agency=AGENCY,
        currency="RUB",
        issued_on=date(2026, 11, 2),
        due_on=date(2026, 11, 16),
        lines=(
            InvoiceLine("Этап «Исследование» по предложению L7-v2", 7_200_000),
            InvoiceLine("Предоплата 50% этапа «Дизайн»", 12_600_000),
        ),
        payments=(Payment(10_000_000, date(2026, 11, 10)),),
        notes="Назначение платежа: «Оплата по счёту 2026-0007». НДС не облагается.",
        locale="ru_RU",
    )


def main(out: Path) -> None:
    from amtui.io.documents import write_invoice, write_proposal

    out.mkdir(parents=True, exist_ok=True)
    proposal = sample_proposal()
    for suffix in ("pdf", "html", "xlsx", "md"):
        print(write_proposal(proposal, out / f"proposal-{proposal.number}.{suffix}"))
    invoice = sample_invoice()
    for suffix in ("pdf", "xlsx", "md"):
        target = out / f"invoice-{invoice.number}.{suffix}"
        print(write_invoice(invoice, target, today=date(2026, 11, 25)))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
