"""IMAP intake with the standard library's `imaplib`: TLS by default (STARTTLS or plain only
when the config says so), the password from an environment variable or a command, never from
the config file.

Each folder is opened read-only (EXAMINE: nothing is marked read on the server). amtui keeps
the folder's UIDVALIDITY and the last UID it read: a re-run fetches only UIDs above it, and a
changed UIDVALIDITY (the server renumbered the folder) reads the folder again, where the
Message-ID keys keep anything from being added twice. The last UID is saved after every batch
of fetched mail, in the same transaction as the mails it covers.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import re
import shlex
import ssl
import subprocess
from collections.abc import Sequence
from datetime import datetime

from amtui.core.errors import InputError, NotFoundError
from amtui.core.intake import Tally
from amtui.core.intake_config import ImapAccount
from amtui.core.intake_store import Intake, get_imap_state
from amtui.core.text import one_line
from amtui.io.runner import NoProgress, Progress, Report, receive_bytes

BATCH = 50
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TIMEOUT = 30  # seconds per network operation


class ImapError(InputError):
    """The server refused us or could not be reached (exit 2: fix the config, try again)."""


def password_for(account: ImapAccount) -> str:
    """The account's password from its environment variable or its command."""
    if account.password_env:
        value = os.environ.get(account.password_env)
        if value:
            return value
        if not account.password_command:
            raise ImapError(
                f"IMAP account {account.name}: the environment variable "
                f"{account.password_env} is not set (it holds the password)"
            )
    assert account.password_command is not None
    try:
        result = subprocess.run(
            shlex.split(account.password_command),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        raise ImapError(f"IMAP account {account.name}: password_command failed: {error}") from None
    if result.returncode != 0 or not result.stdout.strip():
        raise ImapError(
            f"IMAP account {account.name}: password_command exited {result.returncode} "
            "without printing a password"
        )
    return result.stdout.splitlines()[0]


def tls_context(account: ImapAccount) -> ssl.SSLContext:
    """Certificate and host name checked against the system's CAs, plus the account's
    `ca_file` (the certificate of a server with its own or a company CA)."""
    context = ssl.create_default_context()
    if account.ca_file:
        path = os.path.expanduser(account.ca_file)
        try:
            context.load_verify_locations(cafile=path)
        except (OSError, ssl.SSLError) as error:
            reason = getattr(error, "strerror", None) or error
            raise ImapError(
                f"IMAP account {account.name}: can't read ca_file {one_line(path)!r} "
                f"({one_line(str(reason))}); it must hold PEM certificates"
            ) from None
    return context


def connect(account: ImapAccount) -> imaplib.IMAP4:
    """A logged-in connection (TLS unless the account says starttls or none)."""
    where = f"{account.host}:{account.port}"
    password = password_for(account)
    context = tls_context(account) if account.security != "none" else None
    try:
        if account.security == "tls":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                account.host, account.port, ssl_context=context, timeout=TIMEOUT
            )
        else:
            client = imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT)
            if account.security == "starttls":
                try:
                    client.starttls(context)
                except imaplib.IMAP4.error as error:
                    raise ImapError(
                        f"IMAP server {where} did not start TLS ({_text(error)}); use "
                        'security = "tls" and its TLS port (usually 993)'
                    ) from None
        client.login(account.user, password)
    except ssl.SSLCertVerificationError as error:
        raise ImapError(
            f"IMAP server {where}: its certificate is not trusted ({error.verify_message}); "
            "if it is your own server's, point ca_file at its certificate or CA"
        ) from None
    except (TimeoutError, OSError, ssl.SSLError) as error:
        raise ImapError(f"cannot reach IMAP server {where}: {error}") from None
    except imaplib.IMAP4.error as error:
        raise ImapError(
            f"IMAP server {where} refused the login of {account.user}: {_text(error)}"
        ) from None
    return client


def _text(error: BaseException) -> str:
    value = error.args[0] if error.args else error
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return one_line(str(value))


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def import_imap(
    intake: Intake,
    name: str,
    *,
    report: Report,
    progress: Progress | None = None,
    folders: Sequence[str] | None = None,
    since: datetime | None = None,
) -> Tally:
    """Fetch new mail from every configured folder of account `name` (sent folders as yours);
    with `since`, only mail the server dates on or after that day."""
    account = intake.config.intake.imap.get(name)
    if account is None:
        known = ", ".join(sorted(intake.config.intake.imap)) or "none configured"
        raise NotFoundError(f"no IMAP account {one_line(name)!r} in the config ({known})")
    plan = [(f, False) for f in account.folders] + [(f, True) for f in account.sent_folders]
    if folders:
        plan = [(f, f in account.sent_folders) for f in folders]
    client = connect(account)
    tally = Tally()
    try:
        for folder, sent in plan:
            tally.add(_folder(intake, client, account, folder, sent, report, progress, since))
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return tally


def _folder(
    intake: Intake,
    client: imaplib.IMAP4,
    account: ImapAccount,
    folder: str,
    sent: bool,
    report: Report,
    progress: Progress | None,
    since: datetime | None = None,
) -> Tally:
    progress = progress or NoProgress()
    try:
        status, _ = client.select(_quote(folder), readonly=True)
        if status != "OK":
            raise ImapError(f"IMAP account {account.name}: no folder {one_line(folder)!r}")
        validity_data = client.response("UIDVALIDITY")[1]
        uidvalidity = int(validity_data[0]) if validity_data and validity_data[0] else 0
        state = get_imap_state(intake.db, account.name, folder)
        start = 1
        if state is not None and state.uidvalidity == uidvalidity:
            start = state.last_uid + 1
        criteria = f"UID {start}:*"
        if since is not None:  # IMAP SINCE compares the internal date, by day
            criteria += f" SINCE {since.day}-{_MONTHS[since.month - 1]}-{since.year}"
        status, data = client.uid("SEARCH", criteria)
        if status != "OK":
            raise ImapError(f"IMAP account {account.name}: search in {one_line(folder)!r} failed")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) >= start)
    except imaplib.IMAP4.error as error:
        raise ImapError(
            f"IMAP account {account.name}, folder {one_line(folder)!r}: {_text(error)}"
        ) from None
    tally = Tally()
    origin = f"imap:{account.name}/{folder}"
    progress.start(len(uids), f"{account.name}/{folder}")
    try:
        for index in range(0, len(uids), BATCH):
            batch = uids[index : index + BATCH]
            for uid, raw in _fetch(client, batch, account, folder):
                outcome = receive_bytes(intake, raw, f"{origin} UID {uid}", sent=sent)
                tally.count(outcome.kind)
                report(outcome)
                progress.advance()
            intake.save_imap_state(account.name, folder, uidvalidity, batch[-1])
    finally:
        progress.stop()
    return tally


def _fetch(
    client: imaplib.IMAP4, uids: list[int], account: ImapAccount, folder: str
) -> list[tuple[int, bytes]]:
    """The whole raw mail of each UID (BODY.PEEK: the server marks nothing as read)."""
    ranges = ",".join(str(u) for u in uids)
    try:
        status, data = client.uid("FETCH", ranges, "(UID BODY.PEEK[])")
    except imaplib.IMAP4.error as error:
        raise ImapError(f"IMAP account {account.name}: fetch failed: {_text(error)}") from None
    if status != "OK":
        raise ImapError(f"IMAP account {account.name}: fetch in {one_line(folder)!r} failed")
    found = []
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            match = re.search(rb"UID (\d+)", item[0])
            if match:
                found.append((int(match.group(1)), item[1]))
    return sorted(found)
