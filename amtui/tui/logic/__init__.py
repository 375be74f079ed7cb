"""The TUI's Textual-free layer: form specs, checks, save logic, what the notes say, the verb
registry, the screen's data loading and the remembered view state.

Nothing here imports Textual or Rich (an import-linter contract and a subprocess test hold it
to that), so it is unit-tested without an app and runs in worker threads. Functions take the
Database, Config and a clock and call core services; they raise `AmtuiError` (an `InputError`
for bad input), which a form shows inline or the app shows as a toast.
"""
