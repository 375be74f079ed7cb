"""The Typer front end: one module per noun, each command a few lines over `amtui.core`.

Command modules import `amtui.core` services inside the commands, never at module level:
`amtui --help` must not pay for the database layer or textual.
"""
