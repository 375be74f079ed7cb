"""`amtui intake email|form|run` and `amtui contact import|export`, as a user runs them:
exit codes, the summary line, --dry-run, re-runs that add nothing, bad files refused whole."""

from __future__ import annotations

import contextlib
import hashlib
import mailbox
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, count, exists, query, records

DATA = Path(__file__).parents[1] / "io" / "data"
SAMPLES = DATA / "mail-parser"
REAL = sorted(p for p in SAMPLES.glob("*.eml") if p.name != "mail_outlook_1.eml")


def message(n: int, *, reply_to: int | None = None, sender: str = "anna@granel.example") -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Anna Petrova <{sender}>"
    mail["To"] = "me@agency.example"
    mail["Subject"] = f"Re: Project {n}" if reply_to else f"Project {n}"
    mail["Date"] = f"Tue, 24 Nov 2026 {8 + n % 10:02d}:{n % 60:02d}:00 +0000"
    mail["Message-ID"] = f"<m{n}@granel.example>"
    if reply_to is not None:
        mail["In-Reply-To"] = f"<m{reply_to}@granel.example>"
    mail.set_content(f"Hello, we need project {n}.\n\n> quoted history\n")
    return mail.as_bytes()


def make_mbox(path: Path, items: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for item in items:
        box.add(item)
    box.flush()
    box.close()
    return path


def db_state(path: Target) -> str:
    """Everything in the database, to show a refused file changed nothing."""
    if not exists(path):
        return ""
    rows = [
        query(path, f"SELECT * FROM {t} ORDER BY 1")
        for t in ("lead", "activity", "intake_item", "client", "contact")
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_an_mbox_imports_and_a_rerun_adds_nothing(cli: Cli, tmp_path: Path, store: Target) -> None:
    box = make_mbox(tmp_path / "in.mbox", [message(2, reply_to=1), message(1), message(3)])
    out = cli.ok("intake", "email", str(box))
    lines = out.splitlines()
    # Oldest first: the reply (a later Date) is linked to the lead its thread started.
    assert lines[-1] == "2 new leads, 1 reply linked, 0 already seen"
    assert "new lead L1: Project 1" in lines
    assert "reply linked to L1: Project 1" in lines
    assert count(store, "lead") == 2
    assert query(store, "SELECT kind, text FROM activity WHERE kind = 'email-in'") == [
        ("email-in", "Hello, we need project 2.")
    ]
    again = cli("intake", "email", str(box))
    assert again.exit_code == 1  # nothing new: cron-friendly
    assert again.stdout == "0 new leads, 0 replies linked, 3 already seen\n"
    assert count(store, "lead") == 2


def test_dry_run_shows_and_writes_nothing(cli: Cli, tmp_path: Path, store: Target) -> None:
    box = make_mbox(tmp_path / "in.mbox", [message(1), message(2, reply_to=1)])
    out = cli.ok("intake", "email", str(box), "--dry-run")
    assert out.splitlines() == [
        "would create lead: Project 1",
        "would link reply to: Project 1",
        "dry run, nothing written: would add 1 new lead, 1 reply linked, 0 already seen",
    ]
    assert count(store, "lead") == 0 and count(store, "intake_item") == 0


def test_json_output(cli: Cli, tmp_path: Path) -> None:
    box = make_mbox(tmp_path / "in.mbox", [message(1)])
    data = cli.json("intake", "email", str(box))
    assert data["leads"] == 1 and data["summary"].startswith("1 new lead")
    assert data["items"] == [{"outcome": "lead", "ref": "L1", "title": "Project 1", "note": None}]


def test_real_mail_in_a_maildir_an_mbox_and_eml_files_is_the_same_mail(
    cli: Cli, tmp_path: Path, store: Target
) -> None:
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    for path in REAL:
        maildir.add(path.read_bytes())
    out = cli.ok("intake", "email", str(tmp_path / "Maildir"))
    # mail_test_1 and mail_test_11 are one mail (same Message-ID) with another attachment.
    assert out.splitlines()[-1] == f"{len(REAL) - 1} new leads, 0 replies linked, 1 already seen"
    leads = count(store, "lead")
    box = make_mbox(tmp_path / "same.mbox", [p.read_bytes() for p in REAL])
    assert cli("intake", "email", str(box)).exit_code == 1
    assert cli("intake", "email", *map(str, REAL[:3])).exit_code == 1
    assert count(store, "lead") == leads
    titles = {t for (t,) in query(store, "SELECT title FROM lead")}
    assert {"письмо уведом-е", "代开各地增值税发票", "Je prépare mon été zéro complexe !"} <= titles


@pytest.mark.parametrize(
    ("make", "message_part"),
    [
        (lambda p: p.write_bytes(os.urandom(4096)), "is not an email message or mbox file"),
        (lambda p: shutil.copy(SAMPLES / "mail_outlook_1.eml", p), "is not an email message"),
        (lambda p: p.write_bytes(b""), "is not an email message"),
    ],
    ids=["random-bytes", "outlook-msg", "empty"],
)
def test_garbage_is_refused_whole(
    cli: Cli, tmp_path: Path, store: Target, make: object, message_part: str
) -> None:
    good = make_mbox(tmp_path / "good.mbox", [message(1)])
    bad = tmp_path / "bad.eml"
    make(bad)  # type: ignore[operator]
    cli.ok("intake", "email", str(make_mbox(tmp_path / "first.mbox", [message(9)])))
    before = db_state(store)
    line = cli.fails(2, "intake", "email", str(good), str(bad))
    assert message_part in line
    assert db_state(store) == before  # the good file before it was not imported either


def test_a_truncated_mbox_is_refused_whole(cli: Cli, tmp_path: Path, store: Target) -> None:
    data = make_mbox(tmp_path / "in.mbox", [message(1), message(2)]).read_bytes()
    (tmp_path / "cut.mbox").write_bytes(data[: len(data) - 25])
    multipart = EmailMessage()
    multipart["From"], multipart["Subject"] = "a@b.example", "with a file"
    multipart.set_content("text")
    multipart.add_attachment(b"x" * 3000, maintype="application", subtype="pdf", filename="a.pdf")
    whole = make_mbox(tmp_path / "mp.mbox", [message(1), multipart.as_bytes()]).read_bytes()
    cut_at = whole.rindex(b"\n", 0, len(whole) - 400) + 1  # at a line end, inside the file
    (tmp_path / "cut2.mbox").write_bytes(whole[:cut_at])
    for name in ("cut.mbox", "cut2.mbox"):
        line = cli.fails(2, "intake", "email", str(tmp_path / name))
        assert "looks truncated" in line and "nothing was imported" in line
    assert count(store, "lead") == 0


def test_missing_path_and_empty_folder(cli: Cli, tmp_path: Path) -> None:
    assert "no such file or folder" in cli.fails(2, "intake", "email", str(tmp_path / "nope"))
    (tmp_path / "empty").mkdir()
    assert "holds no .eml files" in cli.fails(2, "intake", "email", str(tmp_path / "empty"))


def test_hostile_subjects_are_shown_as_data(cli: Cli, tmp_path: Path) -> None:
    mail = EmailMessage()
    mail["From"] = "x@evil.example"
    mail["Subject"] = "Buy [red]now\x1b[31m[/]\u202e"
    mail["Message-ID"] = "<evil@x>"
    mail.set_content("body")
    out = cli.ok("intake", "email", str(make_mbox(tmp_path / "e.mbox", [mail.as_bytes()])))
    assert "\x1b" not in out and "\u202e" not in out
    assert "new lead L1: Buy [red]now\\x1b[31m[/]\\u202e" in out  # markup and escapes as text


def test_mail_from_a_partner_domain_and_own_sent_mail(
    cli: Cli, tmp_path: Path, store: Target, isolated: Path
) -> None:
    (isolated / "config.toml").write_text(
        'timezone = "Europe/Berlin"\n[intake]\nme = ["me@agency.example"]\n'
        '[intake.partners]\n"Pixel Partners" = ["pixel.example"]\n',
        encoding="utf-8",
    )
    inbox = make_mbox(tmp_path / "in.mbox", [message(1, sender="bob@pixel.example")])
    cli.ok("intake", "email", str(inbox))
    assert query(store, "SELECT source, partner FROM lead") == [("partner", "Pixel Partners")]
    sent = EmailMessage()
    sent["From"], sent["Subject"] = "Me <me@agency.example>", "Re: Project 1"
    sent["Date"] = "Tue, 24 Nov 2026 12:00:00 +0000"
    sent["Message-ID"], sent["In-Reply-To"] = "<s1@agency.example>", "<m1@granel.example>"
    sent.set_content("Thanks, a proposal follows.")
    out = cli.ok(
        "intake", "email", "--sent", str(make_mbox(tmp_path / "sent.mbox", [sent.as_bytes()]))
    )
    assert "your mail linked to L1" in out and "1 sent mail linked" in out
    assert query(store, "SELECT first_response_at IS NOT NULL, stage FROM lead") == [
        (1, "contacted")
    ]


def test_intake_run_reads_the_configured_sources(cli: Cli, tmp_path: Path, isolated: Path) -> None:
    box = make_mbox(tmp_path / "in.mbox", [message(1)])
    form = tmp_path / "brief.csv"
    form.write_text(
        "Submission ID,Respondent ID,Submitted at,Name,Email,Budget\n"
        "w1,r1,2026-11-24 10:00:00,Oleg,oleg@bakery.example,12k\n",
        encoding="utf-8",
    )
    assert "no intake sources" in cli.fails(2, "intake", "run")
    (isolated / "config.toml").write_text(
        f'timezone = "Europe/Berlin"\n[intake]\nmail = ["{box}"]\n'
        f'[intake.forms.site]\npreset = "tally"\nfile = "{form}"\n',
        encoding="utf-8",
    )
    out = cli.ok("intake", "run")
    assert out.splitlines()[-1] == "2 new leads, 0 replies linked, 0 already seen"
    again = cli("intake", "run")
    assert again.exit_code == 1
    assert again.stdout.splitlines()[-1] == "0 new leads, 0 replies linked, 2 already seen"


@pytest.mark.processes
def test_a_killed_import_leaves_whole_messages_and_the_rerun_finishes(
    tmp_path: Path, store: Target
) -> None:
    """kill -9 part-way: every lead has its timeline entry and its intake row, and the next
    run adds exactly the rest.

    No timing guess decides when to kill: the test follows the import's own output (one line
    per mail) until the database shows a committed batch, then stops reading. From then on
    the import can run at most a pipe's worth (64 KiB) of lines ahead, far less than the rest
    of its output, so when the kill comes it is still running, or blocked writing a line
    inside its open batch transaction; it can never have finished."""
    total = 1200
    pad = " for the new season" * 8  # ~150-character titles: a pipe holds ~400 lines
    mails = [message(n).replace(f"Project {n}".encode(), f"Project {n}{pad}".encode(), 1)
             for n in range(total)]  # fmt: skip
    box = make_mbox(tmp_path / "big.mbox", mails)
    db = store
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[2]),
        "PYTHONUNBUFFERED": "1",  # a line per mail as it is handled
    }
    command = [sys.executable, "-m", "amtui", "intake", "email", str(box)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    read = 0
    committed = 0
    for _line in process.stdout:
        read += 1
        if exists(db):
            with contextlib.suppress(sqlite3.Error):  # the file's schema may not be there yet
                committed = count(db, "intake_item")
        if committed:
            break
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert alive, f"the import ended before a commit was seen ({read} lines read)"
    assert 0 < committed < total
    leads = count(db, "lead")
    assert committed <= leads < total  # later batches may have committed since
    if isinstance(db, Path):
        assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert count(db, "intake_item") == leads
    assert count(db, "activity") == leads  # one "created" entry per lead, none half-written
    finish = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert finish.returncode == 0, finish.stderr
    assert count(db, "lead") == total
    assert query(db, "SELECT count(DISTINCT external_id) FROM lead") == [(total,)]
    assert f"{total - leads} new leads" in finish.stdout.splitlines()[-1]


def test_contact_import_dedupes_and_exports_losslessly(
    cli: Cli, tmp_path: Path, store: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.io.test_vcard import PHONE_21

    phone = tmp_path / "phone.vcf"
    phone.write_bytes(PHONE_21.encode("ascii"))
    full = DATA / "vobject" / "vcard40_full.vcf"
    out = cli.ok("contact", "import", str(phone))
    assert "new contact at Гранель: Анна Петрова (new client Гранель)" in out
    out = cli.ok("contact", "import", str(full), "--client", "Гранель")
    assert out.splitlines()[-1] == "1 new contact, 0 already seen"
    again = cli("contact", "import", str(phone))
    assert again.exit_code == 1 and again.stdout == "0 new contacts, 1 already seen\n"
    # The same person by phone only (another format of the number) is known too.
    other = tmp_path / "other.vcf"
    other.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nTEL:8 (495) 123-45-67\nEND:VCARD\n")
    assert cli("contact", "import", str(other)).exit_code == 1
    assert cli.ok("contact", "export", "-o", str(tmp_path / "out.vcf")) == (
        f"Exported 2 contacts to {tmp_path / 'out.vcf'}\n"
    )
    exported = (tmp_path / "out.vcf").read_bytes()
    assert exported.count(b"BEGIN:VCARD") == 2 and "ORG:Гранель\r\n".encode() in exported
    assert cli.ok("contact", "export").count("BEGIN:VCARD") == 2  # stdout by default
    before = query(store, "SELECT c.name, c.email, c.phone, c.role, k.name FROM contact c "
                   "JOIN client k ON k.id = c.client_id ORDER BY c.name")  # fmt: skip
    monkeypatch.setenv("AMTUI_DB", str(tmp_path / "second.db"))
    cli.ok("contact", "import", str(tmp_path / "out.vcf"))
    after = query(tmp_path / "second.db", "SELECT c.name, c.email, c.phone, c.role, k.name "
                  "FROM contact c JOIN client k ON k.id = c.client_id ORDER BY c.name")  # fmt: skip
    assert after == before
    cli.ok("contact", "export", "-o", str(tmp_path / "again.vcf"))
    assert (tmp_path / "again.vcf").read_bytes() == exported


def test_a_bad_vcard_file_changes_nothing(cli: Cli, tmp_path: Path, store: Target) -> None:
    bad = tmp_path / "bad.vcf"
    bad.write_bytes(os.urandom(2000))
    assert "vCard" in cli.fails(2, "contact", "import", str(bad))
    assert count(store, "contact") == 0 if exists(store) else True


def test_form_import_dry_run_rerun_and_refusals(cli: Cli, tmp_path: Path, store: Target) -> None:
    forms = DATA / "forms"
    out = cli.ok("intake", "form", str(forms / "google-forms-ru-cp1251.csv"), "--dry-run")
    assert out.splitlines() == [
        "would create lead: Web brief from Пекарня «Хлеб»",
        "dry run, nothing written: would add 1 new lead, 0 already seen",
    ]
    assert count(store, "lead") == 0
    out = cli.ok("intake", "form", str(forms / "tally.csv"), "--preset", "tally")
    assert out.splitlines()[-1] == "2 new leads, 0 already seen"
    assert records(store, "SELECT channel, contact_email, brief FROM lead ORDER BY id")[0] == {
        "channel": "web-brief",
        "contact_email": "ira@school.example",
        "brief": [{"q": "Budget", "a": "5000"}],
    }
    assert cli("intake", "form", str(forms / "tally.csv")).exit_code == 1  # nothing new
    before = db_state(store)
    line = cli.fails(2, "intake", "form", str(forms / "tally.csv"), "--preset", "typeform")
    assert "does not fit the typeform form: no column 'Submit Date (UTC)'" in line
    bad = tmp_path / "utf32.csv"
    bad.write_bytes("Name,Email\nA,a@x.example\n".encode("utf-32"))
    assert "not a CSV file in a known encoding" in cli.fails(2, "intake", "form", str(bad))
    tally = str(forms / "tally.csv")
    assert "unknown form preset" in cli.fails(2, "intake", "form", tally, "-p", "nope")
    assert db_state(store) == before


def test_since_leaves_older_mail_out(cli: Cli, tmp_path: Path, store: Target) -> None:
    box = make_mbox(tmp_path / "in.mbox", [message(1), message(2)])  # 24 Nov, 09:01 and 10:02
    out = cli.ok("intake", "email", str(box), "--since", "2026-11-24 10:30")  # Berlin: 09:30Z
    assert out.splitlines()[-1] == (
        "1 new lead, 0 replies linked, 0 already seen, 1 older than --since"
    )
    assert query(store, "SELECT title FROM lead") == [("Project 2",)]
    assert "can't read" in cli.fails(2, "intake", "email", str(box), "--since", "someday")


def test_intake_run_goes_on_past_a_failing_source(
    cli: Cli, tmp_path: Path, isolated: Path, store: Target
) -> None:
    form = tmp_path / "brief.csv"
    form.write_text(
        "Submission ID,Respondent ID,Submitted at,Name,Email\n"
        "w1,r1,2026-11-24 10:00:00,Oleg,oleg@bakery.example\n",
        encoding="utf-8",
    )
    (isolated / "config.toml").write_text(
        f'timezone = "Europe/Berlin"\n[intake]\nmail = ["{tmp_path / "missing.mbox"}"]\n'
        f'[intake.forms.site]\npreset = "tally"\nfile = "{form}"\n',
        encoding="utf-8",
    )
    result = cli("intake", "run")
    assert result.exit_code == 0  # the brief came in
    assert result.stdout.splitlines()[-1] == "1 new lead, 0 replies linked, 0 already seen"
    assert result.stderr.startswith("amtui: mail ") and "no such file or folder" in result.stderr
    again = cli("intake", "run")
    assert again.exit_code == 2  # nothing new, and a source failed
    assert count(store, "lead") == 1


def test_real_address_books_import_once_and_skip_what_is_not_a_person(
    cli: Cli, tmp_path: Path, store: Target
) -> None:
    """Address books nobody on the project wrote (Evolution and Gmail exports, vobject's 2.1
    and 4.0 samples): people become contacts, group and location cards are skipped saying
    why, a card with only a name is recognised by it on the next import."""
    files = [
        DATA / "ez-vcard" / "John_Doe_EVOLUTION.vcf",
        DATA / "ez-vcard" / "gmail-list.vcf",
        DATA / "vobject" / "photo-test.vcf",
        DATA / "vobject" / "vcard40_group.vcf",
        DATA / "vobject" / "vcard40_location.vcf",
        DATA / "vobject" / "vcard40_org.vcf",
        DATA / "vobject" / "vcard40_simple.vcf",
    ]
    results = [cli("contact", "import", str(f), "--client", "Granel") for f in files]
    assert [r.exit_code for r in results] == [0, 0, 0, 1, 1, 0, 0]  # 1: nothing new came
    out = "".join(r.stdout for r in results)
    assert "skipped: The Doe Family (a group card, not a person)" in out
    assert "skipped: Empire State Building (a location card, not a person)" in out
    # --client wins over the card's ORG, so everyone lands at Granel.
    assert query(store, "SELECT c.name, c.email, c.phone FROM contact c ORDER BY c.id") == [
        ("Mr. John Richter, James Doe Sr.", "john.doe@ibm.com", "905-666-1234"),
        ("Arnold Smith", "asmithk@gmail.com", None),
        ("Chris Beatle", "chrisy55d@yahoo.com", None),
        ("Doug White", "dwhite@gmail.com", None),
        ("should be ok to share", None, "+49123456789"),
        ("ABC Marketing", "marketing@abc.example.com", "+1-555-000-0000"),
        ("John Doe", None, None),
    ]
    for path in files:
        again = cli("contact", "import", str(path), "--client", "Granel")
        assert again.exit_code == 1, (path.name, again.stdout)
    assert count(store, "contact") == 7
    # Without --client, the ORG names the client (its name alone, not its units).
    second = tmp_path / "second.db"
    cli.ok("--db", str(second), "contact", "import", str(files[0]))
    assert query(second, "SELECT name FROM client") == [("IBM",)]


def test_cpythons_own_test_mails_import_whole_and_once(
    cli: Cli, tmp_path: Path, store: Target
) -> None:
    """CPython's test_email data (where this Python ships it): mails saved from an mbox
    with their `From ` line, bare MIME parts without a sender (skipped, saying why),
    duplicates, defects. A folder holding a file that is not mail (msg_19 is a digest's
    body, without headers) is refused whole; without it, every file is accounted for."""
    from tests.io.test_mail import CPYTHON

    if CPYTHON is None:
        pytest.skip("this Python ships without its test suite (test.test_email data)")
    files = sorted(CPYTHON.glob("msg_*.txt"))
    folder = tmp_path / "cpython"
    folder.mkdir()
    for path in files:
        shutil.copy(path, folder / f"{path.stem}.eml")
    line = cli.fails(2, "intake", "email", str(folder))
    assert line.endswith("msg_19.eml is not an email message; nothing was imported")
    assert not exists(store) or count(store, "lead") == 0
    (folder / "msg_19.eml").unlink()
    out = cli.ok("intake", "email", str(folder))
    assert "\ufffd" not in out
    new, _, seen, skipped = (int(w) for w in re.findall(r"\d+", out.splitlines()[-1]))
    assert new + seen + skipped == len(files) - 1
    assert new == count(store, "lead") and skipped >= 1
    assert "no sender (From header): not a lead" in out
    titles = {t for (t,) in query(store, "SELECT title FROM lead")}
    assert {"I-D ACTION:draft-ietf-mboned-mix-00.txt", "Here is your dingus fish"} <= titles
    again = cli("intake", "email", str(folder))
    assert again.exit_code == 1
    assert again.stdout == f"0 new leads, 0 replies linked, {len(files) - 1} already seen\n"


def test_a_progress_bar_on_a_terminal_and_nothing_extra_when_piped(
    tmp_path: Path, isolated: Path
) -> None:
    """The bar goes to stderr when that is a terminal (here a pseudo-terminal), never into
    the data on stdout; with both piped there is no bar at all."""
    import pty

    total = 30
    box = make_mbox(tmp_path / "in.mbox", [message(n) for n in range(total)])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2]), "TERM": "xterm"}
    command = [sys.executable, "-m", "amtui", "intake", "email", str(box)]
    master, slave = pty.openpty()
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=slave) as process:
        os.close(slave)
        screen = b""
        with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
            while chunk := os.read(master, 4096):
                screen += chunk
        stdout = process.stdout.read() if process.stdout else b""
    os.close(master)
    assert process.returncode == 0
    assert f"/{total}".encode() in screen and "━".encode() in screen  # the bar, e.g. 0/30
    lines = stdout.decode().splitlines()
    assert len(lines) == total + 1 and lines[-1].startswith(f"{total} new leads")
    assert "\x1b" not in stdout.decode()
    piped = subprocess.run(
        command, env={**env, "AMTUI_DB": str(tmp_path / "other.db")}, capture_output=True
    )
    assert piped.returncode == 0 and piped.stderr == b""
    assert piped.stdout.decode().splitlines()[-1].startswith(f"{total} new leads")
