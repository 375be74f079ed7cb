"""The full-screen app (DESIGN §7): lead inbox, kanban board and today's agenda on one screen.

Imported only when the app opens (`amtui` with no command, or `amtui tui`); it never imports
`amtui.cli`. The app receives its Database, Config and clock from the caller.
"""
