"""The domain core: records, storage, queries, services and rules shared by both front ends.

It imports the standard library and dateutil (psycopg for PostgreSQL): never typer, rich or
textual. Storage is `amtui.core.sql` (stdlib sqlite3 or psycopg, plain SQL) and the records of
`amtui.core.models`; SQLAlchemy, SQLModel and pydantic are loaded only by `schema` and
`migrations`, to create or upgrade a database. The rules and the wording (`vocabulary`,
`refs`, `dates`, `sla`, `drafts`, `quickadd`, `display`, `validate`, `config`, …) are pure:
plain values in and out, no database. `pyproject.toml`'s import-linter contracts hold these
lines, and forbid import cycles between the core's modules.
"""
