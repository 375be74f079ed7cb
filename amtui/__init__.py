"""amtui: a terminal task-and-lead tracker for account managers.

The package root stays empty on purpose: `amtui --help` and the quick-add path must not pay
for textual (or anything else heavy), so every heavy module is imported where it is used.
"""

__version__ = "0.1.0"
