"""Proposal and invoice documents: HTML (one Jinja2 template each, replaceable from the
config), PDF (WeasyPrint, the optional `pdf` extra), XLSX (XlsxWriter) and Markdown.

Input is a plain value from `amtui.core.documents` (ProposalDoc, InvoiceDoc), so any storage
path only has to fill it. Output is written whole or not at all: a template that fails, a
missing PDF extra or an unwritable folder is one InputError and leaves no file behind.

    write_proposal(doc, Path("L7-v2.pdf"))                  # format from the suffix
    write_proposal(doc, Path("out"), fmt="xlsx", template="~/my-proposal.html")
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from amtui.core.documents import InvoiceDoc, ProposalDoc
from amtui.core.errors import InputError
from amtui.core.text import one_line
from amtui.io.files import write_atomically

#: Output formats and the file suffixes that select them.
FORMATS = {"html": (".html", ".htm"), "pdf": (".pdf",), "xlsx": (".xlsx",), "md": (".md",)}


def format_for(path: Path, fmt: str | None = None) -> str:
    """The format asked for, else the one the file's suffix names; else InputError."""
    if fmt is not None:
        key = fmt.strip().lower().lstrip(".")
        key = {"markdown": "md", "htm": "html"}.get(key, key)
        if key not in FORMATS:
            raise InputError(
                f"unknown document format {one_line(fmt)!r}; use html, pdf, xlsx or md"
            )
        return key
    suffix = path.suffix.lower()
    for key, suffixes in FORMATS.items():
        if suffix in suffixes or (key == "md" and suffix == ".markdown"):
            return key
    raise InputError(
        f"cannot tell the format of {one_line(path.name)!r}; end it in .html, .pdf, .xlsx or .md"
    )


def proposal_html(
    doc: ProposalDoc, template: str | Path | None = None, *, pdf: bool = False
) -> str:
    """The proposal as HTML from the built-in template or the user's (`template`)."""
    from amtui.io.documents.html import font_faces, load_template, render_html
    from amtui.io.documents.views import proposal_view

    view = proposal_view(doc)
    page = load_template("proposal.html", template)
    return render_html(page, {"doc": view, "font_faces": font_faces() if pdf else ""})


def invoice_html(
    doc: InvoiceDoc, today: date, template: str | Path | None = None, *, pdf: bool = False
) -> str:
    """The invoice as HTML from the built-in template or the user's (`template`)."""
    from amtui.io.documents.html import font_faces, load_template, render_html
    from amtui.io.documents.views import invoice_view

    view = invoice_view(doc, today)
    page = load_template("invoice.html", template)
    return render_html(page, {"doc": view, "font_faces": font_faces() if pdf else ""})


def _template_base(template: str | Path | None) -> Path:
    from amtui.io.documents.html import TEMPLATES

    return Path(template).expanduser().parent if template is not None else TEMPLATES


def write_proposal(
    doc: ProposalDoc, path: Path, *, fmt: str | None = None, template: str | Path | None = None
) -> Path:
    """Render the proposal to `path` in `fmt` (or the format its suffix names)."""
    kind = format_for(path, fmt)
    if kind == "xlsx":
        from amtui.io.documents.views import proposal_view
        from amtui.io.documents.xlsx import write_proposal_xlsx

        view = proposal_view(doc)
        write_atomically(path, lambda target: write_proposal_xlsx(view, target))
    elif kind == "md":
        from amtui.io.documents.markdown import proposal_markdown
        from amtui.io.documents.views import proposal_view

        text = proposal_markdown(proposal_view(doc))
        write_atomically(path, lambda target: target.write_text(text, encoding="utf-8"))
    else:
        html = proposal_html(doc, template, pdf=kind == "pdf")
        _write_html_or_pdf(html, path, kind, _template_base(template))
    return path


def write_invoice(
    doc: InvoiceDoc,
    path: Path,
    *,
    today: date,
    fmt: str | None = None,
    template: str | Path | None = None,
) -> Path:
    """Render the invoice (its paid and due amounts as of `today`) to `path`."""
    kind = format_for(path, fmt)
    if kind == "xlsx":
        from amtui.io.documents.views import invoice_view
        from amtui.io.documents.xlsx import write_invoice_xlsx

        view = invoice_view(doc, today)
        write_atomically(path, lambda target: write_invoice_xlsx(view, target))
    elif kind == "md":
        from amtui.io.documents.markdown import invoice_markdown
        from amtui.io.documents.views import invoice_view

        text = invoice_markdown(invoice_view(doc, today))
        write_atomically(path, lambda target: target.write_text(text, encoding="utf-8"))
    else:
        html = invoice_html(doc, today, template, pdf=kind == "pdf")
        _write_html_or_pdf(html, path, kind, _template_base(template))
    return path


def _write_html_or_pdf(html: str, path: Path, kind: str, base: Path) -> None:
    if kind == "html":
        write_atomically(path, lambda target: target.write_text(html, encoding="utf-8"))
        return
    from amtui.io.documents.html import write_pdf

    write_atomically(path, lambda target: write_pdf(html, base, target))
