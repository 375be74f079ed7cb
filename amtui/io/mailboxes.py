"""Mail on disk: single `.eml` files, folders of them, mbox files and Maildir folders.

`open_mail_path` looks at what a path is and checks it before anything is written: a file that
is not mail (binary garbage, an Outlook .msg), a truncated mbox (cut in the middle of its last
message) or an empty folder is refused as a whole with one line, so the database stays as it
was. Mailboxes are read with the standard library's `mailbox`, message by message (a 10 000
message mbox never sits in memory at once).
"""

from __future__ import annotations

import mailbox
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from amtui.core.errors import InputError
from amtui.core.text import one_line
from amtui.io.mail import looks_like_mail

ACCEPTED = "accepted: .eml files, folders of .eml files, mbox files and Maildir folders"


def _factory(file: Any) -> Any:
    """`mailbox` hands out compat32 messages unless given a factory for policy.default."""
    return BytesParser(policy=policy.default).parse(file)


@dataclass(frozen=True)
class Entry:
    """One message of a source: how to read it again, and where it is, for messages."""

    source: MailSource
    key: Any
    where: str


class MailSource:
    """A place mail is read from; `entries` lists its messages, `read` returns one's bytes."""

    path: Path

    def entries(self) -> Iterator[Entry]:
        raise NotImplementedError

    def read(self, key: Any) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        """Release the file handles a mailbox keeps."""


class EmlFiles(MailSource):
    def __init__(self, path: Path, files: list[Path]) -> None:
        self.path, self.files = path, files

    def entries(self) -> Iterator[Entry]:
        for file in self.files:
            yield Entry(self, file, str(file))

    def read(self, key: Any) -> bytes:
        return Path(key).read_bytes()


class Mbox(MailSource):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.box = mailbox.mbox(path, factory=_factory, create=False)

    def entries(self) -> Iterator[Entry]:
        for number, key in enumerate(self.box.iterkeys(), 1):
            yield Entry(self, key, f"{self.path} message {number}")

    def read(self, key: Any) -> bytes:
        return self.box.get_bytes(key)

    def close(self) -> None:
        self.box.close()


class Maildir(MailSource):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.box = mailbox.Maildir(path, factory=_factory, create=False)

    def entries(self) -> Iterator[Entry]:
        for key in sorted(self.box.iterkeys()):
            yield Entry(self, key, f"{self.path} {key}")

    def read(self, key: Any) -> bytes:
        return self.box.get_bytes(key)


def open_mail_path(text: str) -> MailSource:
    """The mail at `text`, checked: refused with one line when it is not mail or is cut short."""
    path = Path(text).expanduser()
    shown = one_line(str(path))
    if not path.exists():
        raise InputError(f"no such file or folder: {shown}; {ACCEPTED}")
    try:
        if path.is_dir():
            return _folder(path, shown)
        if not path.is_file() and not stat.S_ISFIFO(path.stat().st_mode):
            raise InputError(f"{shown} is a device, not a file; {ACCEPTED}")
        with path.open("rb") as file:
            head = file.read(5)
        if head == b"From ":
            return _mbox(path, shown)
        data = path.read_bytes()
    except PermissionError:
        raise InputError(f"cannot read {shown}: permission denied") from None
    except OSError as error:
        raise InputError(f"cannot read {shown}: {error.strerror or error}") from None
    if not looks_like_mail(data):
        raise InputError(f"{shown} is not an email message or mbox file; {ACCEPTED}")
    return EmlFiles(path, [path])


def _folder(path: Path, shown: str) -> MailSource:
    if (path / "cur").is_dir() and (path / "new").is_dir():
        return Maildir(path)
    files = sorted(p for p in path.rglob("*.eml") if p.is_file())
    if not files:
        raise InputError(f"{shown} is not a Maildir (no cur/ and new/) and holds no .eml files")
    bad = [p for p in files if not looks_like_mail(p.read_bytes())]
    if bad:
        raise InputError(
            f"{one_line(str(bad[0]))} is not an email message"
            + (f" (and {len(bad) - 1} more files)" if len(bad) > 1 else "")
            + "; nothing was imported"
        )
    return EmlFiles(path, files)


def _mbox(path: Path, shown: str) -> Mbox:
    """An mbox whose last message is whole: the file ends with a line break, the message has
    its headers and, when it is multipart, its closing boundary."""
    size = path.stat().st_size
    with path.open("rb") as file:
        file.seek(max(0, size - 1))
        last_byte = file.read(1)
    source = Mbox(path)
    keys = list(source.box.iterkeys())
    if not keys:
        raise InputError(f"{shown} holds no messages")
    last = source.read(keys[-1])
    problem = None
    if last_byte != b"\n":
        problem = "it ends in the middle of a line"
    elif b"\n\n" not in last and b"\r\n\r\n" not in last:
        problem = "its last message has no body"
    else:
        boundary = _boundary(last)
        if boundary is not None and b"--" + boundary + b"--" not in last:
            problem = "its last message is missing its closing MIME boundary"
    if problem:
        source.close()
        raise InputError(
            f"{shown} looks truncated: {problem} (message {len(keys)}); nothing was imported. "
            "Copy the mailbox again, or export it anew"
        )
    return source


def _boundary(data: bytes) -> bytes | None:
    head = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
    head = re.sub(rb"\r?\n[ \t]+", b" ", head)
    content_type = re.search(rb"(?im)^content-type:\s*multipart/[^\n]*", head)
    if not content_type:
        return None
    found = re.search(rb'boundary\s*=\s*"?([^";\s]+)"?', content_type.group(0), re.IGNORECASE)
    return found.group(1) if found else None
