"""The domain core: models, storage, queries, services and rules shared by both front ends.

It imports the standard library, sqlmodel and dateutil only: never typer, rich or textual.
"""
