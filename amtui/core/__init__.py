"""The domain core: models, storage, queries, services and rules shared by both front ends.

It imports the standard library, sqlmodel and dateutil only: never typer, rich or textual.
The rules and the wording (`vocabulary`, `refs`, `dates`, `sla`, `drafts`, `quickadd`,
`display`, `validate`, `config`) are pure: plain values in and out, no ORM, so a second storage
path can share them. `pyproject.toml`'s import-linter contracts hold both lines, and forbid
import cycles between the core's modules.
"""
