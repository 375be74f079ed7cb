"""Run intake over sources: mail paths, IMAP accounts, form exports, or every source in the
config. Each item is handed to `amtui.core.intake_store.Intake` (one transaction each);
what happened is reported item by item to a callback and counted in a `Tally`.

Every path is opened and checked before the first write, so a bad file among several leaves
the database as it was. A malformed single mail inside a good mailbox is reported and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from amtui.core.errors import AmtuiError, InputError, StorageError
from amtui.core.intake import IncomingBrief, Tally
from amtui.core.intake_store import Intake, Outcome
from amtui.io.mailboxes import Entry, MailSource, open_mail_path

Report = Callable[[Outcome], None]
T = TypeVar("T")


class Progress(Protocol):
    """What a front end shows while a long import runs (a bar on a terminal, nothing else)."""

    def start(self, total: int, label: str) -> None: ...

    def advance(self, count: int = 1) -> None: ...

    def stop(self) -> None: ...


class NoProgress:
    def start(self, total: int, label: str) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def stop(self) -> None:
        pass


_LAST = datetime.max.replace(tzinfo=UTC)


def import_mail(
    intake: Intake,
    paths: Sequence[str],
    *,
    report: Report,
    progress: Progress | None = None,
    sent: bool = False,
    since: datetime | None = None,
) -> Tally:
    """Import mail files and folders, oldest first, so that a thread's first mail makes the
    lead and the later ones are its replies. With `since`, mail dated earlier is left out
    (counted, not read), so that a first import of an old mailbox does not fill the inbox
    with long-overdue leads."""
    from amtui.io.mail import quick_headers

    progress = progress or NoProgress()
    sources: list[MailSource] = []
    try:
        for path in paths:
            sources.append(open_mail_path(path))
        entries: list[tuple[datetime, int, Entry, str | None]] = []
        for source in sources:
            for entry in source.entries():
                try:
                    message_id, date = quick_headers(entry.source.read(entry.key))
                except (OSError, ValueError, LookupError):
                    message_id, date = None, None
                entries.append((date or _LAST, len(entries), entry, message_id))
        entries.sort(key=lambda item: (item[0], item[1]))
        tally = Tally()
        if since is not None:
            kept = [item for item in entries if item[0] >= since]
            tally.older = len(entries) - len(kept)
            entries = kept
        return drive(
            [(entry, message_id) for _, _, entry, message_id in entries],
            lambda item: _one_mail(intake, item[0], item[1], sent=sent),
            tally,
            report=report,
            progress=progress,
            label="mail",
        )
    finally:
        for source in sources:
            source.close()


def _one_mail(intake: Intake, entry: Entry, message_id: str | None, *, sent: bool) -> Outcome:
    from amtui.io.mail import looks_like_mail

    if message_id and intake.is_seen(message_id):
        return Outcome("seen", message_id)
    try:
        data = entry.source.read(entry.key)
    except OSError as error:
        return Outcome("skipped", entry.where, note=f"unreadable: {error.strerror or error}")
    return receive_bytes(intake, data, entry.where, sent=sent, looks_ok=looks_like_mail(data))


def receive_bytes(
    intake: Intake, data: bytes, where: str, *, sent: bool = False, looks_ok: bool = True
) -> Outcome:
    """Parse one mail and hand it to intake; a mail that cannot be read is skipped, saying why."""
    from amtui.io.mail import parse_mail

    if not looks_ok:
        return Outcome("skipped", where, note="not an email message")
    try:
        mail = parse_mail(data, where)
    except Exception as error:  # any parser failure: report it and go on
        return Outcome("skipped", where, note=f"unreadable mail: {type(error).__name__}")
    try:
        return intake.receive_mail(mail, sent=sent)
    except StorageError:
        raise
    except AmtuiError as error:
        return Outcome("skipped", where, note=str(error))


def import_form(
    intake: Intake,
    path: str,
    *,
    form: str | None,
    report: Report,
    progress: Progress | None = None,
    timezone: str | None = None,
) -> Tally:
    """Import a web-form CSV export with a preset (or a form from the config); the whole file
    is read and checked against its mapping before the first row is written."""
    from amtui.io.forms import read_form

    progress = progress or NoProgress()
    briefs = read_form(
        Path(path).expanduser(), form, intake.config, timezone=timezone, now=intake.now
    )

    def one(brief: IncomingBrief) -> Outcome:
        try:
            return intake.receive_brief(brief)
        except StorageError:
            raise
        except AmtuiError as error:
            return Outcome("skipped", brief.origin, note=str(error))

    return drive(briefs, one, Tally(mail=False), report=report, progress=progress, label="rows")


def drive(
    items: Sequence[T],
    handle: Callable[[T], Outcome],
    tally: Tally,
    *,
    report: Report,
    progress: Progress,
    label: str,
) -> Tally:
    """Hand each item to `handle`, counting, reporting and showing progress as it goes."""
    progress.start(len(items), label)
    try:
        for item in items:
            outcome = handle(item)
            tally.count(outcome.kind)
            report(outcome)
            progress.advance()
    finally:
        progress.stop()
    return tally


def run_configured(
    intake: Intake,
    *,
    report: Report,
    progress: Progress | None = None,
    say: Callable[[str], None] = lambda _text: None,
) -> Tally:
    """Every source in the config's `[intake]`: mail paths, IMAP accounts, form exports.

    A source that fails (a server down, a bad file) is recorded in `Tally.errors` and the
    others still run: one unreachable account must not keep the web briefs out."""
    settings = intake.config.intake
    if not settings.has_sources:
        raise InputError(
            "no intake sources in the config; add [intake] mail, [intake.imap.NAME] or "
            "[intake.forms.NAME] with a file (see the README's Intake section)"
        )
    tally = Tally(mail=bool(settings.mail or settings.imap))
    jobs: list[tuple[str, Callable[[], Tally]]] = []
    if settings.mail:
        jobs.append(
            (
                f"mail {', '.join(settings.mail)}",
                lambda: import_mail(intake, settings.mail, report=report, progress=progress),
            )
        )
    for name in settings.imap:
        jobs.append((f"imap {name}", partial(_imap, intake, name, report, progress)))
    for name, form in settings.forms.items():
        if form.file:
            jobs.append(
                (
                    f"form {name}",
                    partial(
                        import_form, intake, form.file, form=name, report=report, progress=progress
                    ),
                )
            )
    for label, job in jobs:
        say(label)
        try:
            tally.add(job())
        except StorageError:
            raise
        except AmtuiError as error:
            intake.commit()  # keep what the sources before it brought in
            tally.errors.append(f"{label}: {error}")
    return tally


def _imap(intake: Intake, name: str, report: Report, progress: Progress | None) -> Tally:
    from amtui.io.imap import import_imap

    return import_imap(intake, name, report=report, progress=progress)
