"""IMAP intake against a real Dovecot on 127.0.0.1 (Debian package dovecot-imapd), started
here in a private directory; skipped, saying why, where Dovecot or openssl is missing or
Dovecot cannot start.

Dovecot listens twice: plain IMAP (also offering STARTTLS) and IMAP over TLS, the way amtui
connects by default. Its certificate is made here, signed by a throwaway CA, which the tests
trust through the account's `ca_file` (as a user does for a server with its own CA)."""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, Target, change_behind_amtuis_back, count, exists, query

PASSWORD = "s3cret pass"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Dovecot:
    port: int  # plain IMAP, with STARTTLS
    tls_port: int  # IMAP over TLS (imaps)
    ca_file: Path  # the throwaway CA that signed the server's certificate


def make_certificate(folder: Path) -> Path:
    """A CA and a certificate for 127.0.0.1 and localhost signed by it (valid two days)."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=amtui test CA")  # fmt: skip
    openssl("req", *curve, "-keyout", "key.pem", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "cert.pem", "-days", "2", "-extfile", "san.ext")  # fmt: skip
    return folder / "ca.pem"


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        pytest.skip(
            "Dovecot is not installed (Debian: apt-get install dovecot-imapd; .ci/run does)"
        )
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (it makes the test server's certificate)")
    # Not under pytest's tmp_path: that is private to us (0700), and Dovecot's own processes
    # (auth as the dovecot user, mail as the mail user) must reach the files.
    root = Path(tempfile.mkdtemp(prefix="amtui-dovecot-"))
    root.chmod(0o755)
    home = root / "home"
    home.mkdir()
    (root / "passwd").write_text(f"anna:{{PLAIN}}{PASSWORD}\n")
    uid, gid = (65534, 65534) if os.getuid() == 0 else (os.getuid(), os.getgid())
    if os.getuid() == 0:
        os.chown(home, uid, gid)
    port, tls_port = free_port(), free_port()
    ca_file = make_certificate(root)
    (root / "dovecot.conf").write_text(
        f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0  # Dovecot waits 2 s before refusing a bad login (against guessing)
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    process = subprocess.Popen(
        [binary, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            pytest.skip(f"Dovecot did not start here: {output.strip()[-300:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            socket.create_connection(("127.0.0.1", tls_port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.skip("Dovecot did not open its port within 30 s")
    try:
        yield Dovecot(port, tls_port, ca_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def mail(n: int, *, reply_to: int | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Anna Petrova <anna@granel.example>"
    message["Subject"] = f"Re: Site {n}" if reply_to else f"Site {n}"
    message["Date"] = f"Tue, 24 Nov 2026 {8 + n:02d}:00:00 +0000"
    message["Message-ID"] = f"<imap{n}@granel.example>"
    if reply_to is not None:
        message["In-Reply-To"] = f"<imap{reply_to}@granel.example>"
    message.set_content(f"Text {n}")
    return message.as_bytes().replace(b"\n", b"\r\n")


@pytest.fixture
def server(dovecot: Dovecot) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection to an emptied INBOX, for putting mail on the server."""
    client = imaplib.IMAP4("127.0.0.1", dovecot.port)
    client.login("anna", PASSWORD)
    _, (exists,) = client.select("INBOX")
    if int(exists or 0):
        client.store("1:*", "+FLAGS", "\\Deleted")
        client.expunge()
    try:
        yield client
    finally:
        client.logout()


@pytest.fixture
def account(isolated: Path, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", PASSWORD)
    (isolated / "config.toml").write_text(
        'timezone = "Europe/Berlin"\n[intake.imap.test]\nhost = "127.0.0.1"\n'
        f'port = {dovecot.port}\nuser = "anna"\nsecurity = "none"\n'
        'password_env = "TEST_IMAP_PASSWORD"\n',
        encoding="utf-8",
    )
    return "test"


def test_imap_fetches_new_mail_only_and_marks_nothing_read(
    cli: Cli, store: Target, server: imaplib.IMAP4, account: str, isolated: Path
) -> None:
    db = store
    for item in (mail(1), mail(2, reply_to=1), mail(3)):
        server.append("INBOX", None, None, item)
    out = cli.ok("intake", "imap", account)
    assert out.splitlines()[-1] == "2 new leads, 1 reply linked, 0 already seen"
    state = query(db, "SELECT account, folder, last_uid FROM imap_state")
    assert state == [("test", "INBOX", 3)]
    again = cli("intake", "imap", account)
    assert again.exit_code == 1
    assert again.stdout == "0 new leads, 0 replies linked, 0 already seen\n"  # nothing fetched
    server.append("INBOX", None, None, mail(4, reply_to=3))
    out = cli.ok("intake", "imap", account)
    assert out.splitlines() == [
        "reply linked to L2: Site 3",
        "0 new leads, 1 reply linked, 0 already seen",
    ]
    assert count(db, "lead") == 2
    status, flags = server.fetch("1:*", "(FLAGS)")
    assert status == "OK" and not any(b"\\Seen" in f for f in flags)  # read-only: nothing read


def test_a_changed_uidvalidity_reads_again_without_duplicates(
    cli: Cli, store: Target, server: imaplib.IMAP4, account: str, isolated: Path
) -> None:
    db = store
    server.append("INBOX", None, None, mail(1))
    cli.ok("intake", "imap", account)
    change_behind_amtuis_back(db, "UPDATE imap_state SET uidvalidity = uidvalidity + 1")
    result = cli("intake", "imap", account)
    assert result.exit_code == 1
    assert result.stdout == "0 new leads, 0 replies linked, 1 already seen\n"
    assert count(db, "lead") == 1


def test_the_same_mail_from_a_file_and_the_server_is_one_lead(
    cli: Cli, store: Target, server: imaplib.IMAP4, account: str, isolated: Path, tmp_path: Path
) -> None:
    raw = mail(7)
    # The same mail without a Message-ID: recognised by its sender, date, subject and text.
    anonymous = mail(8).replace(b"Message-ID: <imap8@granel.example>\r\n", b"")
    assert b"Message-ID" not in anonymous
    received = b"Received: from mx.example by local; Tue, 24 Nov 2026 15:00:00 +0000\r\n"
    (tmp_path / "saved.eml").write_bytes(received + raw)
    (tmp_path / "saved2.eml").write_bytes(received + anonymous)
    cli.ok("intake", "email", str(tmp_path / "saved.eml"), str(tmp_path / "saved2.eml"))
    server.append("INBOX", None, None, raw)
    server.append("INBOX", None, None, anonymous)
    result = cli("intake", "imap", account)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == "0 new leads, 0 replies linked, 2 already seen\n"
    assert count(store, "lead") == 2


def test_bad_login_and_missing_password_are_one_line(
    cli: Cli, account: str, isolated: Path, monkeypatch: pytest.MonkeyPatch, dovecot: Dovecot
) -> None:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", "wrong")
    assert "refused the login of anna" in cli.fails(2, "intake", "imap", account)
    monkeypatch.delenv("TEST_IMAP_PASSWORD")
    assert "TEST_IMAP_PASSWORD is not set" in cli.fails(2, "intake", "imap", account)
    assert "no IMAP account 'other'" in cli.fails(1, "intake", "imap", "other")
    config = isolated / "config.toml"
    config.write_text(
        config.read_text().replace(
            'password_env = "TEST_IMAP_PASSWORD"', f"password_command = \"printf '{PASSWORD}'\""
        )
    )
    assert cli("intake", "imap", account).exit_code in (0, 1)  # logged in with the command


def test_a_closed_port_is_one_line(
    cli: Cli, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", PASSWORD)
    (isolated / "config.toml").write_text(
        f'[intake.imap.x]\nhost = "127.0.0.1"\nport = {free_port()}\nuser = "a"\n'
        'password_env = "TEST_IMAP_PASSWORD"\n'
    )
    assert "cannot reach IMAP server 127.0.0.1" in cli.fails(2, "intake", "imap", "x")


def test_since_asks_the_server_for_recent_mail_only(
    cli: Cli, server: imaplib.IMAP4, account: str, isolated: Path
) -> None:
    server.append("INBOX", None, None, mail(1))  # the server dates it now (its arrival)
    later = cli("intake", "imap", account, "--since", "2099-01-01")
    assert later.exit_code == 1 and later.stdout.startswith("0 new leads")
    assert cli.ok("intake", "imap", account).splitlines()[-1].startswith("1 new lead")


def tls_account(isolated: Path, dovecot: Dovecot, extra: str, port: int | None = None) -> str:
    (isolated / "config.toml").write_text(
        'timezone = "Europe/Berlin"\n[intake.imap.tls]\nhost = "127.0.0.1"\n'
        f'port = {port or dovecot.tls_port}\nuser = "anna"\n'
        f'password_env = "TEST_IMAP_PASSWORD"\n{extra}',
        encoding="utf-8",
    )
    return "tls"


def test_tls_by_default_with_the_servers_own_ca(
    cli: Cli,
    store: Target,
    server: imaplib.IMAP4,
    dovecot: Dovecot,
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The default security is TLS with the certificate checked: a server whose CA the
    system does not know is refused in one line that says how to trust it; with `ca_file`
    the same server is read, over IMAPS and over STARTTLS."""
    monkeypatch.setenv("TEST_IMAP_PASSWORD", PASSWORD)
    server.append("INBOX", None, None, mail(1))
    tls_account(isolated, dovecot, "")
    line = cli.fails(2, "intake", "imap", "tls")
    assert line.startswith(f"amtui: IMAP server 127.0.0.1:{dovecot.tls_port}: its certificate")
    assert "not trusted" in line and "ca_file" in line
    assert count(store, "lead") == 0 if exists(store) else True
    tls_account(isolated, dovecot, f'ca_file = "{dovecot.ca_file}"\n')
    out = cli.ok("intake", "imap", "tls")
    assert out.splitlines()[-1] == "1 new lead, 0 replies linked, 0 already seen"
    server.append("INBOX", None, None, mail(2, reply_to=1))
    starttls = f'security = "starttls"\nca_file = "{dovecot.ca_file}"\n'
    tls_account(isolated, dovecot, starttls, port=dovecot.port)
    out = cli.ok("intake", "imap", "tls")
    assert out.splitlines() == [
        "reply linked to L1: Site 1",
        "0 new leads, 1 reply linked, 0 already seen",
    ]


def test_tls_refusals_are_one_line(
    cli: Cli, dovecot: Dovecot, isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", PASSWORD)
    bad = tmp_path / "not-a-cert.pem"
    bad.write_text("hello\n")
    tls_account(isolated, dovecot, f'ca_file = "{bad}"\n')
    assert "can't read ca_file" in cli.fails(2, "intake", "imap", "tls")
    tls_account(isolated, dovecot, f'ca_file = "{tmp_path / "missing.pem"}"\n')
    assert "can't read ca_file" in cli.fails(2, "intake", "imap", "tls")
    # TLS spoken to the plain port: the handshake fails, and the line says where.
    tls_account(isolated, dovecot, f'ca_file = "{dovecot.ca_file}"\n', port=dovecot.port)
    assert f"cannot reach IMAP server 127.0.0.1:{dovecot.port}" in cli.fails(
        2, "intake", "imap", "tls"
    )


def test_a_dry_run_reads_the_server_and_writes_nothing(
    cli: Cli, store: Target, server: imaplib.IMAP4, account: str, isolated: Path
) -> None:
    server.append("INBOX", None, None, mail(1))
    server.append("INBOX", None, None, mail(2, reply_to=1))
    out = cli.ok("intake", "imap", account, "--dry-run")
    assert out.splitlines() == [
        "would create lead: Site 1",
        "would link reply to: Site 1",
        "dry run, nothing written: would add 1 new lead, 1 reply linked, 0 already seen",
    ]
    db = store
    assert count(db, "lead") == 0 and count(db, "imap_state") == 0
    assert cli.ok("intake", "imap", account).splitlines()[-1] == (
        "1 new lead, 1 reply linked, 0 already seen"  # the dry run moved no sync state
    )
