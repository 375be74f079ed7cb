"""`python -m amtui` runs the same entry point as the `amtui` console script."""

from amtui.cli.main import run

run()
