"""Time mail intake: a large mbox imported by a whole `amtui intake email` process, then
imported again (everything already seen). Reports wall and CPU time and the child's peak memory
(ru_maxrss) for each, against issue 8's targets: a 10 000-message mbox in under a minute with
peak memory under 150 MB, and a re-run in under 10 s.

The mbox is generated here (deterministic for a seed): threads of one to four mails (so about a
third are replies), from client and partner domains, plain and HTML-only bodies with quoted
history, RFC 2047 Cyrillic subjects, some small attachments, and a few mails without a
Message-ID (keyed by their content). Everything lives in bench/data/ (gitignored); the child
gets AMTUI_DB and AMTUI_CONFIG pointing there.

Examples:
    python bench/intake.py                       # 10 000 messages
    python bench/intake.py --messages 2000 --keep
    python bench/intake.py --write               # and append the figures to RESULTS.md
"""

from __future__ import annotations

import argparse
import mailbox
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"

SUBJECTS = [
    "Website redesign",
    "Сайт для пекарни",
    "SEO audit for a hotel chain",
    "Landing page for spring sale",
    "Фирменный стиль и логотип",
    "Estimate request: mobile app",
    "Контекстная реклама",
]
DOMAINS = ["granel.example", "bakery.example", "hotel-chain.example", "pixel.example", "gmail.com"]


def build_mbox(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    box = mailbox.mbox(path)
    box.lock()
    written, thread = 0, 0
    try:
        while written < count:
            thread += 1
            domain = rng.choice(DOMAINS)
            sender = f"person{thread}@{domain}"
            subject = f"{rng.choice(SUBJECTS)} #{thread}"
            previous: str | None = None
            when = start + timedelta(minutes=7 * thread)
            for step in range(min(rng.randint(1, 4), count - written)):
                mail = EmailMessage()
                mail["From"] = f"Person {thread} <{sender}>"
                mail["To"] = "me@agency.example"
                mail["Subject"] = ("Re: " * step) + subject
                mail["Date"] = format_datetime(when + timedelta(hours=5 * step))
                if rng.random() > 0.02:
                    mail["Message-ID"] = f"<t{thread}.{step}.{seed}@{domain}>"
                if previous:
                    mail["In-Reply-To"] = previous
                    mail["References"] = previous
                body = (
                    f"Hello,\n\nwe need help with {subject}. Budget around {rng.randint(2, 90)}k.\n"
                )
                body += "\n".join(f"Line {i} of the brief." for i in range(rng.randint(3, 30)))
                if step:
                    body += "\n\nOn Mon, someone wrote:\n> " + "\n> ".join(["old text"] * 20)
                if rng.random() < 0.2:
                    mail.set_content(f"<html><body><p>{body}</p></body></html>", subtype="html")
                else:
                    mail.set_content(body)
                if rng.random() < 0.1:
                    mail.add_attachment(
                        rng.randbytes(rng.randint(2_000, 40_000)),
                        maintype="application",
                        subtype="pdf",
                        filename=f"brief-{thread}.pdf",
                    )
                previous = mail["Message-ID"]
                box.add(mail.as_bytes())
                written += 1
    finally:
        box.flush()
        box.unlock()
        box.close()


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS in MB, exit code and last output
    line of one whole process, measured by a fresh wrapper so that each run's peak is its own
    (ru_maxrss of children is a maximum over every child a process ever waited for). CPU time
    is what the import itself costs; wall time also holds the waits of a shared machine."""
    wrapper = [sys.executable, __file__, "--measure", *command]
    result = subprocess.run(wrapper, env=env, capture_output=True, text=True, check=True)
    elapsed, cpu, peak, code, last = result.stdout.rstrip("\n").split("\t", 4)
    return float(elapsed), float(cpu), float(peak), int(code), last


def measure(command: list[str]) -> None:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    lines = result.stdout.strip().splitlines() or result.stderr.strip().splitlines() or [""]
    print(f"{elapsed:.2f}\t{cpu:.2f}\t{peak:.1f}\t{result.returncode}\t{lines[-1]}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="reuse an mbox already generated")
    parser.add_argument("--write", action="store_true", help="append the figures to RESULTS.md")
    args = parser.parse_args()

    DATA.mkdir(parents=True, exist_ok=True)
    box = DATA / f"intake-{args.messages}.mbox"
    if not (args.keep and box.exists()):
        box.unlink(missing_ok=True)
        started = time.perf_counter()
        build_mbox(box, args.messages, args.seed)
        print(f"generated {box} ({box.stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    db = DATA / "intake.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    config = DATA / "intake-config.toml"
    config.write_text(
        'timezone = "Europe/Berlin"\n[intake]\nme = ["me@agency.example"]\n'
        '[intake.partners]\n"Pixel" = ["pixel.example"]\n',
        encoding="utf-8",
    )
    env = {**os.environ, "AMTUI_DB": str(db), "AMTUI_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "amtui", "intake", "email", str(box)]
    load_before = os.getloadavg()[0]
    first = run(command, env)
    print(f"first import: {first[0]:.1f} s (CPU {first[1]:.1f} s), peak {first[2]:.0f} MB, "
          f"exit {first[3]}: {first[4]}")  # fmt: skip
    again = run(command, env)
    print(f"re-run:       {again[0]:.1f} s (CPU {again[1]:.1f} s), peak {again[2]:.0f} MB, "
          f"exit {again[3]}: {again[4]}")  # fmt: skip
    load_after = os.getloadavg()[0]
    print(f"load average (1 min): {load_before:.1f} before, {load_after:.1f} after")
    if args.write:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        machine = (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        )
        text = (
            f"\n### Mail intake, {stamp}\n\n"
            f"`python bench/intake.py --messages {args.messages}` on {machine} (shared, noisy: "
            f"load average {load_before:.1f} before, {load_after:.1f} after).\n"
            f"mbox: {box.stat().st_size / 1e6:.1f} MB, {args.messages} messages.\n\n"
            "| run | wall | CPU | peak RSS | output |\n|---|---|---|---|---|\n"
            f"| first import | {first[0]:.1f} s | {first[1]:.1f} s | {first[2]:.0f} MB "
            f"| {first[4]} |\n"
            f"| re-run (all seen) | {again[0]:.1f} s | {again[1]:.1f} s | {again[2]:.0f} MB "
            f"| {again[4]} |\n"
        )
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as file:
            file.write(text)


if __name__ == "__main__":
    main()
