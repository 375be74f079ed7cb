"""amtui in a browser (`amtui web`): textual-serve behind a token, a Host rule and an Origin check.

Needs the `web` extra (textual-serve and its aiohttp). The app itself runs in a child process
(`amtui tui --served`), so nothing here imports Textual.
"""
