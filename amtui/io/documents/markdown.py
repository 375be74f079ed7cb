"""Documents as Markdown (for a mail body or a wiki): every text from the data is escaped with
`amtui.core.text.markdown`, so no HTML, link, image or emphasis can come from it."""

from __future__ import annotations

from amtui.core.text import markdown as md
from amtui.io.documents.views import InvoiceView, PartyView, ProposalView


def _cell(text: str) -> str:
    """A table cell: escaped, and a multi-line text joined (a cell is one line)."""
    return " / ".join(md(part) for part in text.splitlines() if part.strip()) or ""


def _party(label: str, party: PartyView) -> list[str]:
    """`**From:** name` and its lines (no name: the first line takes its place); nothing at
    all for a party with nothing to say."""
    if not party.summary:
        return []
    first, *rest = (party.name, *party.lines) if party.name else party.lines
    lines = [f"**{md(label)}:** {md(first)}", *(md(line) for line in rest)]
    return ["  \n".join(lines), ""]


def _paragraphs(paragraphs: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        out += ["  \n".join(md(line) for line in paragraph.splitlines()), ""]
    return out


def proposal_markdown(doc: ProposalView) -> str:
    t = doc.t
    out = [f"# {md(doc.title)}", ""]
    meta = [f"{md(t['proposal'])} {md(doc.number)}", f"{md(t['date'])}: {md(doc.issued)}"]
    if doc.valid_until:
        meta.append(f"{md(t['valid_until'])}: {md(doc.valid_until)}")
    out += [" · ".join(meta), ""]
    out += _party(t["from"], doc.agency)
    out += _party(t["prepared_for"], doc.client)
    out += _paragraphs(doc.intro)
    out += [f"## {md(t['estimate'])}", ""]
    for number, stage in enumerate(doc.stages, 1):
        out += [f"### {number}\\. {md(stage.name)}", ""]
        out += [
            f"| {md(t['work'])} | {md(t['hours'])} | {md(t['rate'])} | {md(t['amount'])} |",
            "| --- | ---: | ---: | ---: |",
        ]
        for line in stage.lines:
            work = f"**{md(line.who)}**"
            if line.description:
                work += f" — {_cell(line.description)}"
            out.append(f"| {work} | {md(line.hours)} | {md(line.rate)} | {md(line.amount)} |")
        subtotal = ", ".join(md(total.text) for total in stage.totals)
        out += [f"| *{md(t['subtotal'])}* | {md(stage.hours)} | | **{subtotal}** |", ""]
    out.append(f"**{md(t['total_hours'])}:** {md(doc.hours)}  ")
    for total in doc.totals:
        label = f"{t['total']} ({total.currency})" if doc.multi_currency else t["total"]
        out.append(f"**{md(label)}: {md(total.text)}**  ")
    out.append("")
    if doc.notes:
        out += [f"## {md(t['notes'])}", "", *_paragraphs(doc.notes)]
    if doc.prepared_by:
        agency = f", {md(doc.agency.name)}" if doc.agency.name else ""
        out += [f"{md(t['prepared_by'])}: {md(doc.prepared_by)}{agency}", ""]
    return "\n".join(out).rstrip() + "\n"


def invoice_markdown(doc: InvoiceView) -> str:
    t = doc.t
    out = [f"# {md(t['invoice'])} {md(doc.number)}", ""]
    meta = [f"{md(t['date'])}: {md(doc.issued)}"]
    if doc.due:
        meta.append(f"{md(t['due'])}: {md(doc.due)}")
    if doc.status:
        meta.append(f"**{md(doc.status)}**")
    out += [" · ".join(meta), ""]
    out += _party(t["from"], doc.agency)
    out += _party(t["bill_to"], doc.client)
    out += [f"| {md(t['description'])} | {md(t['amount'])} |", "| --- | ---: |"]
    for line in doc.lines:
        out.append(f"| {_cell(line.description)} | {md(line.amount.text)} |")
    out += [f"| **{md(t['total'])}** | **{md(doc.total.text)}** |", ""]
    for payment in doc.payments:
        out.append(f"{md(t['paid'])} {md(payment.day)}: {md(payment.amount.text)}  ")
    out += [f"**{md(t['outstanding'])}: {md(doc.outstanding.text)}**", ""]
    if doc.agency.details:
        out += [f"## {md(t['payment_details'])}", ""]
        out += ["  \n".join(md(line) for line in doc.agency.details), ""]
    if doc.notes:
        out += [f"## {md(t['notes'])}", "", *_paragraphs(doc.notes)]
    return "\n".join(out).rstrip() + "\n"
