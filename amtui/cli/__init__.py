"""The Typer front end: one module per noun, each command a few lines over `amtui.core`.

A command line imports only the module of the noun it names (`amtui.cli.root.COMMANDS`, built
by `amtui.cli.lazy`), and command modules import `amtui.core` services inside the commands,
never at module level: `amtui --help` and a quick-add must not pay for what they do not use.
The hot commands (`amtui.cli.hot`) run without Typer altogether when their command line is
plain (`amtui.cli.fast`); the entry point is `amtui.cli.main.run`.
"""
