"""Errors the front ends turn into one-line messages and documented exit codes.

Exit codes (DESIGN §6): 1 not found / nothing to do, 2 bad input, 3 storage problem.
"""

from __future__ import annotations


class AmtuiError(Exception):
    """Base of every error a user can cause; `str(err)` is the one-line message."""

    exit_code = 1


class NotFoundError(AmtuiError):
    """An unknown reference, name or record."""

    exit_code = 1


class InputError(AmtuiError, ValueError):
    """Bad input: a malformed token, value or file. Nothing was written."""

    exit_code = 2


class StorageError(AmtuiError):
    """The database is locked, unreadable, or written by a newer amtui."""

    exit_code = 3
