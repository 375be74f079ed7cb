"""Importers and exporters (DESIGN §2): parse outside data (mail, web-form CSV, vCard) into
the plain values of `amtui.core`, then call core services; never SQL here.

Nothing in this package is imported by a command that does not read outside data.
"""
