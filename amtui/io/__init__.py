"""Importers and exporters (DESIGN §2): parse outside data (mail, web-form CSV, vCard) into
the plain values of `amtui.core`, then call core services; render documents (proposals and
invoices as HTML, PDF, XLSX and Markdown: `amtui.io.documents`) from core's plain values;
never SQL here.

Nothing in this package is imported by a command that does not read outside data or write a
document.
"""
