"""Output files are written whole, and only the file the user named is replaced.

`write_atomically` renames a finished temporary file over the target. Done naively, a rename
replaces a symbolic link with a plain file (a calendar linked into a synced folder stops
syncing), resets a private file's mode to the umask's, and, run as root with `-o /dev/stdout`
or `-o /dev/null`, replaces the device node itself. Every test here works in a folder of
its own under `tmp_path`.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from amtui.core.errors import InputError
from amtui.io.files import write_atomically, write_bytes


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of its own (the suite's autouse fixtures put a home folder in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_a_new_file_is_written_whole_with_the_usual_mode(folder: Path) -> None:
    target = folder / "out.ics"
    write_bytes(target, b"BEGIN:VCALENDAR\r\n")
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in folder.iterdir()] == ["out.ics"]  # no temporary left behind


def test_a_symbolic_link_stays_a_link_and_its_file_gets_the_text(folder: Path) -> None:
    synced = folder / "synced"
    synced.mkdir()
    real = synced / "amtui.ics"
    real.write_bytes(b"old")
    link = folder / "amtui.ics"
    link.symlink_to(real)
    write_bytes(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert sorted(p.name for p in synced.iterdir()) == ["amtui.ics"]


def test_a_link_through_a_link_and_a_dangling_link_write_the_final_file(folder: Path) -> None:
    real = folder / "real.md"
    middle = folder / "middle.md"
    middle.symlink_to(real)  # dangling until written
    outer = folder / "outer.md"
    outer.symlink_to(middle)
    write_bytes(outer, b"# one")
    assert outer.is_symlink() and middle.is_symlink()
    assert real.read_bytes() == b"# one"


def test_an_existing_private_file_stays_private(folder: Path) -> None:
    target = folder / "export.json"
    target.write_bytes(b"{}")
    target.chmod(0o600)
    write_bytes(target, b'{"tasks": []}')
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b'{"tasks": []}'


def test_a_named_pipe_receives_the_document_and_stays_a_pipe(folder: Path) -> None:
    """`-o /dev/stdout`, a terminal or a FIFO: not a regular file, so it is written into."""
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    try:
        write_atomically(fifo, lambda temporary: temporary.write_bytes(b"%PDF-1.7 whole"))
    finally:
        reader.join(timeout=30)
    assert received == [b"%PDF-1.7 whole"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in folder.iterdir()) == ["pipe"]


def test_a_failed_render_into_a_pipe_writes_nothing_into_it(folder: Path) -> None:
    fifo = folder / "pipe"
    os.mkfifo(fifo)

    def fail(temporary: Path) -> None:
        temporary.write_bytes(b"half")
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):  # the pipe is never opened: no reader needed
        write_atomically(fifo, fail)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_directory_and_a_missing_directory_are_refused(folder: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        write_bytes(folder, b"x")
    with pytest.raises(InputError, match="cannot write in"):
        write_bytes(folder / "nope" / "x.ics", b"x")
