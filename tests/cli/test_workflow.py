"""The lead workflow from the shell: respond, stage, log, win, lose, reopen; remind done, snooze,
due (with desktop notifications); followups; report; and what the agenda shows of it all.

NOW is Wednesday 2026-11-25 10:00 in Berlin (09:00Z); the user's zone is Europe/Berlin. Tests
that need time to pass move the pinned clock with `clock.set(...)`.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.cli.conftest import Cli, Target, count, query
from tests.conftest import NOW

BERLIN = ZoneInfo("Europe/Berlin")


class Clock:
    """Moves the CLI's pinned `now` (every command reads the clock once, from Runtime.now)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def set(self, moment: datetime) -> None:
        from amtui.cli.context import Runtime

        self.monkeypatch.setattr(Runtime, "now", moment)


@pytest.fixture
def clock(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def add_lead(cli: Cli, title: str = "Website", *options: str) -> str:
    return cli.ok("lead", "add", title, "--quiet", *options).strip()


def lead(cli: Cli, ref: str = "L1") -> dict[str, Any]:
    return cli.json("lead", "show", ref)


def reminders(cli: Cli, *options: str) -> list[dict[str, Any]]:
    return cli.json("remind", "list", *options)


def stage_changes(store: Target, lead_id: int = 1) -> list[str]:
    rows = query(
        store,
        "SELECT text FROM activity WHERE lead_id = ? AND kind IN ('stage-change', 'proposal-sent')"
        " ORDER BY id",
        lead_id,
    )
    return [text for (text,) in rows]


# --- lead respond ------------------------------------------------------------------------------


def test_respond_records_the_first_response(cli: Cli, clock: Clock) -> None:
    add_lead(cli)
    clock.set(NOW + timedelta(minutes=6))
    out = cli.ok("lead", "respond", "L1", "--note", "Thanks, we'll call you")
    assert out == ("L1 [contacted] Website: first response recorded, stage new → contacted\n")
    data = lead(cli)
    assert data["stage"] == "contacted"
    assert data["first_response_at"] == "2026-11-25T10:06:00+01:00"
    assert data["answered_at"] is None
    # Both deadlines are shown; the answer is next now.
    assert data["answer_due_at"] == "2026-11-26T10:00:00+01:00"
    assert data["next_deadline"] == {"kind": "answer", "due": "2026-11-26T10:00:00+01:00"}


def test_a_new_lead_shows_the_first_response_as_next(cli: Cli) -> None:
    add_lead(cli, "Website", "--tz", "Pacific/Auckland")
    data = lead(cli)
    assert data["next_deadline"] == {"kind": "first-response", "due": "2026-11-25T10:15:00+01:00"}
    # 22:00 Wed in Auckland: the client's Thursday is the working day that counts.
    assert data["answer_due_at"] == "2026-11-26T06:00:00+01:00"  # Thu 18:00 NZDT


def test_respond_with_a_promised_answer_time_then_the_answer(cli: Cli, clock: Clock) -> None:
    add_lead(cli, "Website", "--tz", "America/New_York")
    out = cli.ok("lead", "respond", "L1", "--answer-by", "today 15:00 client")
    assert "answer promised" in out
    assert lead(cli)["answer_due_at"] == "2026-11-25T21:00:00+01:00"  # 15:00 in New York
    clock.set(NOW + timedelta(hours=5))
    out = cli.ok("lead", "respond", "L1", "--note", "Estimate attached")
    assert out == "L1 [contacted] Website: answer recorded\n"
    assert lead(cli)["answered_at"] == "2026-11-25T15:00:00+01:00"
    assert lead(cli)["next_deadline"] is None
    message = cli.fails(2, "lead", "respond", "L1")
    assert "already responded to and answered" in message


def test_respond_errors(cli: Cli) -> None:
    assert "no lead L9" in cli.fails(1, "lead", "respond", "L9")
    add_lead(cli)
    assert "future" in cli.fails(2, "lead", "respond", "L1", "--answer-by", "yesterday")
    assert "frii" in cli.fails(2, "lead", "respond", "L1", "--answer-by", "frii")
    assert lead(cli)["first_response_at"] is None  # nothing was written


# --- lead stage --------------------------------------------------------------------------------


def test_stage_proposal_sent_starts_the_ladder(cli: Cli, store: Target) -> None:
    add_lead(cli, "Website", "--client", "Harbor")
    cli.ok("client", "edit", "Harbor", "--tz", "America/New_York")
    cli.ok("lead", "respond", "L1")
    out = cli.ok("lead", "stage", "L1", "proposal-sent", "--note", "v1, 4 500 EUR")
    # Sent at 04:00 in New York: checked the client's next working day at opening (09:00 EST).
    assert out.splitlines() == [
        "L1 [proposal-sent] Website: stage contacted → proposal-sent, answer recorded, "
        "ladder started: R1 step 1 of 6 due tomorrow 15:00",
    ]
    (step,) = reminders(cli)
    assert (step["kind"], step["step"]) == ("check-receipt", 1)
    assert step["due"] == "2026-11-26T15:00:00+01:00"
    assert step["about"] == {"ref": "L1", "title": "Website"}
    assert stage_changes(store) == ["contacted → proposal-sent: v1, 4 500 EUR"]
    timeline = [(a["kind"], a["summary"]) for a in lead(cli)["timeline"]]
    assert timeline[1:] == [
        ("responded", "first response · new → contacted"),
        (
            "proposal-sent",
            "contacted → proposal-sent: v1, 4 500 EUR · answer recorded · "
            "follow-up ladder started, step 1 is R1",
        ),
    ]


def test_stage_walks_the_pipeline(cli: Cli, store: Target) -> None:
    add_lead(cli)
    for target in ("contacted", "briefed", "proposal-sent", "negotiating"):
        cli.ok("lead", "stage", "L1", target)
        assert lead(cli)["stage"] == target
    assert stage_changes(store) == [
        "new → contacted",
        "contacted → briefed",
        "briefed → proposal-sent",
        "proposal-sent → negotiating",
    ]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("new", "cannot go back to new"),
        ("contacted", "already contacted"),
        ("won", "amtui lead win"),
        ("lost", "amtui lead lose"),
        ("done", "stage"),
    ],
)
def test_stage_refuses_invalid_moves(cli: Cli, store: Target, target: str, message: str) -> None:
    add_lead(cli)
    cli.ok("lead", "stage", "L1", "contacted")
    before = count(store, "activity")
    assert message in cli.fails(2, "lead", "stage", "L1", target)
    assert count(store, "activity") == before


def test_stage_of_a_closed_lead_needs_reopen(cli: Cli) -> None:
    add_lead(cli)
    cli.ok("lead", "lose", "L1", "--reason", "spam")
    message = cli.fails(2, "lead", "stage", "L1", "briefed")
    assert message == "amtui: L1 is lost; reopen it first with `amtui lead reopen L1`"


# --- lead log ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["email-in", "call", "meeting"])
def test_log_a_reply_stops_the_ladder(cli: Cli, clock: Clock, store: Target, kind: str) -> None:
    add_lead(cli)
    cli.ok("lead", "stage", "L1", "proposal-sent")
    clock.set(NOW + timedelta(days=1, hours=2))
    cli.ok("remind", "done", "R1")
    assert [r["step"] for r in reminders(cli)] == [2]
    clock.set(NOW + timedelta(days=2))
    before = count(store, "activity")
    out = cli.ok("lead", "log", "L1", kind, "Looks good, let's talk Monday")
    assert out == "L1 [proposal-sent] Website: ladder stopped at step 2\n"
    assert count(store, "activity") == before + 1  # one logged contact, one timeline entry
    assert reminders(cli) == []  # the pending step is gone
    assert [r["ref"] for r in reminders(cli, "--all")] == ["R1"]  # the done one stays
    assert cli.json("followups") == []
    last = lead(cli)["timeline"][-1]
    assert (last["kind"], last["text"]) == (kind, "Looks good, let's talk Monday")
    assert (
        last["summary"]
        == "Looks good, let's talk Monday · follow-up ladder stopped at step 2 (reply)"
    )
    assert last["data"]["effects"] == {
        "reply": True,
        "ladder_stopped": {"step": 2, "reason": "reply"},
    }


def test_log_our_email_counts_as_the_first_response_and_can_start_a_ladder(cli: Cli) -> None:
    add_lead(cli)
    out = cli.ok("lead", "log", "L1", "email-out", "Questionnaire attached", "--awaits-reply")
    assert out.splitlines() == [
        "L1 [contacted] Website: first response recorded, stage new → contacted, "
        "ladder started: R1 step 1 of 6 due tomorrow 10:00",
    ]
    assert lead(cli)["first_response_at"] == "2026-11-25T10:00:00+01:00"


def test_log_a_note_changes_no_state(cli: Cli) -> None:
    add_lead(cli)
    assert cli.ok("lead", "log", "L1", "note", "Budget is tight") == "L1 [new] Website: new\n"
    assert lead(cli)["first_response_at"] is None


def test_log_at_an_earlier_time(cli: Cli, clock: Clock) -> None:
    clock.set(NOW - timedelta(hours=1))
    add_lead(cli)
    clock.set(NOW)
    cli.ok("lead", "log", "L1", "call", "Called back", "--at", "today 09:10")
    assert lead(cli)["first_response_at"] == "2026-11-25T09:10:00+01:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fax",), "contact kind"),
        (("call", "x", "--awaits-reply"), "email-out"),
        (("call", "x", "--at", "today 15:00"), "future"),
        (("call", "x", "--at", "today 09:00"), "before L1 arrived"),
    ],
)
def test_log_errors(cli: Cli, store: Target, args: tuple[str, ...], message: str) -> None:
    add_lead(cli)
    before = count(store, "activity")
    assert message in cli.fails(2, "lead", "log", "L1", *args)
    assert count(store, "activity") == before


# --- lead win, lose, reopen ----------------------------------------------------------------------


def test_win_creates_the_client_and_the_starter_tasks(cli: Cli) -> None:
    add_lead(cli)
    cli.ok("lead", "stage", "L1", "proposal-sent")
    out = cli.ok("lead", "win", "L1", "--client", "Blue Harbor")
    assert out.splitlines() == [
        "Won L1: Website · client Blue Harbor (C1)",
        "New client Blue Harbor (C1) was created.",
        "  added T1: Brief call",
        "  added T2: Estimate",
        "  added T3: Kickoff meeting",
    ]
    data = lead(cli)
    assert data["stage"] == "won"
    assert data["client"] == {"ref": "C1", "name": "Blue Harbor"}
    tasks = sorted(cli.json("task", "list"), key=lambda t: t["ref"])
    assert [(t["title"], t["due"], t["lead"]) for t in tasks] == [
        ("Brief call", "2026-11-26", "L1"),
        ("Estimate", "2026-11-27", "L1"),
        ("Kickoff meeting", "2026-12-02", "L1"),
    ]
    assert {t["client"]["ref"] for t in tasks} == {"C1"}
    assert reminders(cli) == []  # the ladder stopped


def test_win_uses_the_configured_template_and_links_the_leads_client(
    cli: Cli, isolated: Path
) -> None:
    (isolated / "config.toml").write_text(
        'timezone = "Europe/Berlin"\n'
        "[leads]\n"
        'win_tasks = ["Send the contract due:fri 12:00 +legal", "Welcome pack @office"]\n',
        encoding="utf-8",
    )
    add_lead(cli, "Website", "--client", "Granel")
    out = cli.ok("lead", "win", "L1")
    assert "New client" not in out
    assert "  added T1: Send the contract" in out
    first, second = sorted(cli.json("task", "list"), key=lambda t: t["ref"])
    assert (first["due"], first["tags"], first["client"]["name"]) == (
        "2026-11-27T12:00:00+01:00",
        ["legal"],
        "Granel",
    )
    assert (second["due"], second["assignee"]) == (None, "office")


def test_win_without_a_client(cli: Cli) -> None:
    add_lead(cli)
    assert "--client" in cli.fails(2, "lead", "win", "L1")
    assert lead(cli)["stage"] == "new"


def test_lose_needs_a_reason(cli: Cli) -> None:
    add_lead(cli)
    result = cli("lead", "lose", "L1")
    assert result.exit_code == 2
    assert "--reason" in result.stderr
    assert "reason" in cli.fails(2, "lead", "lose", "L1", "--reason", "  ")
    cli.ok("lead", "stage", "L1", "proposal-sent")
    out = cli.ok("lead", "lose", "L1", "--reason", "chose a cheaper agency")
    assert out == ("L1 [lost] Website: stage proposal-sent → lost, ladder stopped at step 1\n")
    data = lead(cli)
    assert (data["stage"], data["lost_reason"]) == ("lost", "chose a cheaper agency")
    assert reminders(cli) == []


def test_reopen_returns_to_the_previous_stage(cli: Cli, store: Target) -> None:
    add_lead(cli)
    cli.ok("lead", "stage", "L1", "negotiating")
    cli.ok("lead", "lose", "L1", "--reason", "timing")
    out = cli.ok("lead", "reopen", "L1")
    assert out == "L1 [negotiating] Website: stage lost → negotiating\n"
    data = lead(cli)
    assert (data["stage"], data["lost_reason"]) == ("negotiating", None)
    assert stage_changes(store)[-1] == "lost → negotiating: reopened"
    assert "nothing to reopen" in cli.fails(2, "lead", "reopen", "L1")


# --- remind done, snooze -------------------------------------------------------------------------


def test_done_steps_climb_the_ladder_until_the_lead_goes_cold(cli: Cli, clock: Clock) -> None:
    add_lead(cli)
    cli.ok("lead", "stage", "L1", "proposal-sent")
    outputs = []
    for number in range(1, 7):
        (step,) = reminders(cli)
        assert step["step"] == number
        clock.set(datetime.fromisoformat(step["due"]))
        outputs.append(cli.ok("remind", "done", step["ref"]))
    assert outputs[0].splitlines() == [
        "Done R1: step 1 of 6 · Check the proposal arrived",
        "Next: R2 step 2 of 6 due Mon 09:00 · Follow up: no reply after 3 days",
    ]
    assert outputs[-1].splitlines() == [
        "Done R6: step 6 of 6 · Follow up: no reply after 3 months",
        "L1 has gone cold: the ladder ended without a reply.",
    ]
    assert reminders(cli) == []
    data = lead(cli)
    assert data["stage"] == "proposal-sent"
    assert data["cold_at"] == "2027-04-21T09:00:00+02:00"
    (state,) = cli.json("followups")
    assert (state["status"], state["done"], state["steps"], state["next"]) == ("cold", 6, 6, None)


def test_done_several_and_errors(cli: Cli) -> None:
    cli.ok("remind", "add", "Call Anna", "--at", "today 11:00")
    cli.ok("remind", "add", "Send invoice", "--at", "today 12:00")
    assert cli.ok("remind", "done", "R1", "R2") == "Done R1: Call Anna\nDone R2: Send invoice\n"
    assert "already done" in cli.fails(2, "remind", "done", "R1")
    assert "no reminder R9" in cli.fails(1, "remind", "done", "R9")


def test_snooze_then_done_counts_the_next_step_from_when_it_was_done(
    cli: Cli, clock: Clock
) -> None:
    add_lead(cli)
    cli.ok("lead", "stage", "L1", "proposal-sent")
    clock.set(datetime(2026, 11, 26, 10, 5, tzinfo=BERLIN))
    out = cli.ok("remind", "snooze", "R1", "+2h")
    assert out == ("Snoozed R1 until today 12:05: step 1 of 6 · Check the proposal arrived\n")
    (step,) = reminders(cli)
    assert step["due"] == "2026-11-26T12:05:00+01:00"
    assert step["original_due"] == "2026-11-26T10:00:00+01:00"
    assert step["snoozed_until"] == "2026-11-26T12:05:00+01:00"
    clock.set(datetime(2026, 11, 26, 12, 30, tzinfo=BERLIN))
    cli.ok("remind", "done", "R1")
    (following,) = reminders(cli)
    # Thu 12:30 + 3 days = Sun 12:30 → Monday's opening.
    assert (following["step"], following["due"]) == (2, "2026-11-30T09:00:00+01:00")


def test_snooze_errors(cli: Cli) -> None:
    cli.ok("remind", "add", "Call Anna", "--at", "today 11:00")
    assert "future" in cli.fails(2, "remind", "snooze", "R1", "today 09:00")
    assert "frii" in cli.fails(2, "remind", "snooze", "R1", "frii")
    assert "no reminder R5" in cli.fails(1, "remind", "snooze", "R5", "+2h")
    cli.ok("remind", "done", "R1")
    assert "is done" in cli.fails(2, "remind", "snooze", "R1", "+2h")


# --- remind due ----------------------------------------------------------------------------------


def _due_setup(cli: Cli, clock: Clock) -> None:
    """R1 due at 09:30 today (overdue), R2 tomorrow; L1 a new lead from New York."""
    clock.set(NOW - timedelta(hours=2))
    cli.ok("remind", "add", "Call Anna", "--at", "today 09:30")
    cli.ok("remind", "add", "Later", "--at", "tomorrow 09:00")
    clock.set(NOW)
    add_lead(cli, "Hotel SEO", "--tz", "America/New_York", "--partner", "Pixel")


def test_due_prints_once_and_exits_0_then_1(cli: Cli, clock: Clock, store: Target) -> None:
    _due_setup(cli, clock)
    out = cli.ok("remind", "due")
    assert out.splitlines() == [
        "R1      due today 09:30: Call Anna",
        "L1      first response due today 10:15 (client today 04:15 America/New_York): "
        "Hotel SEO · email from partner Pixel",
    ]
    assert query(store, "SELECT id FROM reminder WHERE notified_at IS NOT NULL") == [(1,)]
    # Nothing new: exit 1 with nothing on stdout (made for cron).
    result = cli("remind", "due")
    assert (result.exit_code, result.stdout) == (1, "")
    result = cli("remind", "due", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (1, [])


def test_due_as_json_and_markdown(cli: Cli, clock: Clock) -> None:
    _due_setup(cli, clock)
    cli.ok("lead", "stage", "L1", "proposal-sent")
    clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN))  # 09:00 in New York: step 1 due
    items = cli.json("remind", "due")
    assert [(i["ref"], i["type"]) for i in items] == [
        ("R1", "reminder"),
        ("R2", "reminder"),
        ("R3", "reminder"),
    ]
    step = items[2]
    assert set(step) == {"ref", "type", "due", "client_zone", "client_due", "reminder"}
    assert step["due"] == "2026-11-26T15:00:00+01:00"
    assert step["client_zone"] == "America/New_York"
    assert step["client_due"] == "2026-11-26T09:00:00-05:00"
    assert step["reminder"]["step"] == 1
    assert step["reminder"]["kind"] == "check-receipt"
    assert step["reminder"]["about"] == {"ref": "L1", "title": "Hotel SEO"}
    assert step["reminder"]["notified_at"] == "2026-11-26T15:00:00+01:00"  # claimed by this run
    assert items[0]["client_zone"] is None and items[0]["client_due"] is None

    cli.ok("remind", "snooze", "R3", "+1h")
    clock.set(datetime(2026, 11, 26, 16, 0, tzinfo=BERLIN))
    out = cli.ok("remind", "due", "--format", "md")
    assert out == (
        "- **R3** due today 16:00 \\(client today 10:00 America/New\\_York\\): "
        "step 1 of 6 · Check the proposal arrived · L1 Hotel SEO\n"
    )


def test_due_reports_lead_deadlines_as_json(cli: Cli, clock: Clock) -> None:
    add_lead(cli, "Hotel SEO", "--tz", "Europe/London")
    (item,) = cli.json("remind", "due")
    assert set(item) == {"ref", "type", "due", "client_zone", "client_due", "lead"}
    assert (item["ref"], item["type"]) == ("L1", "first-response")
    assert item["due"] == "2026-11-25T10:15:00+01:00"
    assert item["client_due"] == "2026-11-25T09:15:00+00:00"
    assert item["lead"]["ref"] == "L1"
    cli.ok("lead", "respond", "L1")
    # Received 09:00 London: the answer is due 18:00 London; warned an hour before.
    clock.set(datetime(2026, 11, 25, 18, 0, tzinfo=BERLIN))  # 17:00 London
    (item,) = cli.json("remind", "due")
    assert (item["type"], item["client_due"]) == ("answer", "2026-11-25T18:00:00+00:00")


@pytest.fixture
def fake_notify_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A notify-send on PATH that records its argument list, one JSON array per call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "notify.log"
    script = bin_dir / "notify-send"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "with open(os.environ['FAKE_NOTIFY_LOG'], 'a', encoding='utf-8') as f:\n"
        "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("FAKE_NOTIFY_LOG", str(log))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return log


def test_notify_sends_each_item_as_an_argument_list(
    cli: Cli, clock: Clock, fake_notify_send: Path
) -> None:
    clock.set(NOW - timedelta(hours=1))
    title = 'Call "Anna"; rm -rf ~ $(id) `id` \\ \u00e9'
    cli.ok("remind", "add", title, "--at", "today 09:30")
    clock.set(NOW)
    add_lead(cli, "Hotel SEO")
    result = cli("remind", "due", "--notify")
    assert result.exit_code == 0
    assert result.stderr == ""
    calls = [json.loads(line) for line in fake_notify_send.read_text("utf-8").splitlines()]
    assert calls == [
        [
            "--app-name=amtui",
            "--urgency=normal",
            "--",
            "amtui R1",
            f"due today 09:30: {title}",
        ],
        [
            "--app-name=amtui",
            "--urgency=critical",
            "--",
            "amtui L1",
            "first response due today 10:15: Hotel SEO · email from client",
        ],
    ]
    # The same items are printed on stdout too.
    assert result.stdout.splitlines()[0] == f"R1      due today 09:30: {title}"
    # Nothing new: exit 1 and no notification.
    assert cli("remind", "due", "--notify").exit_code == 1
    assert len(fake_notify_send.read_text("utf-8").splitlines()) == 2


def test_notify_sends_plain_text_never_markup(
    cli: Cli, clock: Clock, fake_notify_send: Path
) -> None:
    clock.set(NOW - timedelta(hours=1))
    title = '-<b>Pay</b> <a href="javascript:x">now</a> & <img src=x> \u202etxt\u200b\x1b[2J'
    cli.ok("remind", "add", "--at", "today 09:30", "--", title)
    clock.set(NOW)
    assert cli("remind", "due", "--notify").exit_code == 0
    [call] = [json.loads(line) for line in fake_notify_send.read_text("utf-8").splitlines()]
    body = call[-1]
    assert call[-3] == "--"  # a body starting with "-" is never read as an option
    assert "<" not in body and ">" not in body
    assert '&lt;b&gt;Pay&lt;/b&gt; &lt;a href="javascript:x"&gt;now&lt;/a&gt; &amp;' in body
    assert "\\u202etxt\\u200b\\x1b[2J" in body
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in body)


def test_notify_without_notify_send_says_so_on_stderr(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    add_lead(cli)
    result = cli("remind", "due", "--notify")
    assert result.exit_code == 0
    assert result.stdout.startswith("L1      first response due today 10:15")
    assert result.stderr == (
        "amtui: notify-send was not found; install libnotify-bin for desktop notifications\n"
    )


def test_notify_without_notify_send_via_which(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    add_lead(cli)
    result = cli("remind", "due", "--notify", "--format", "json")
    assert result.exit_code == 0
    assert [item["ref"] for item in json.loads(result.stdout)] == ["L1"]
    assert "notify-send was not found" in result.stderr


# --- followups ---------------------------------------------------------------------------------


def test_followups_text_and_json(cli: Cli) -> None:
    add_lead(cli, "Website", "--client", "Harbor")
    cli.ok("client", "edit", "Harbor", "--tz", "America/New_York")
    add_lead(cli, "Idle lead")
    cli.ok("lead", "stage", "L1", "proposal-sent")
    (state,) = cli.json("followups")
    assert state == {
        "lead": "L1",
        "title": "Website",
        "stage": "proposal-sent",
        "client": "Harbor",
        "status": "running",
        "steps": 6,
        "done": 0,
        "next": {
            "ref": "R1",
            "step": 1,
            "due": "2026-11-26T15:00:00+01:00",
            "client_due": "2026-11-26T09:00:00-05:00",
            "client_zone": "America/New_York",
        },
        "cold_at": None,
    }
    text = [" ".join(line.split()) for line in cli.ok("followups").splitlines()]
    assert text == [
        "LEAD STAGE TITLE CLIENT STEP NEXT CLIENT TIME",
        "L1 proposal-sent Website Harbor 1/6 tomorrow 15:00 tomorrow 09:00 America/New_York",
    ]
    # --all adds open leads with no ladder running.
    everything = cli.json("followups", "--all")
    assert [(s["lead"], s["status"], s["next"]) for s in everything][1:] == [("L2", "idle", None)]
    md = cli.ok("followups", "--format", "md")
    assert md.splitlines()[0] == "| LEAD | STAGE | TITLE | CLIENT | STEP | NEXT | CLIENT TIME |"


def test_followups_lists_the_next_step_first(cli: Cli, clock: Clock) -> None:
    add_lead(cli, "Later")
    add_lead(cli, "Sooner")
    clock.set(NOW + timedelta(hours=1))
    cli.ok("lead", "stage", "L1", "proposal-sent")  # step 1 due tomorrow 11:00
    clock.set(NOW)
    cli.ok("lead", "stage", "L2", "proposal-sent")  # step 1 due tomorrow 10:00
    assert [s["lead"] for s in cli.json("followups")] == ["L2", "L1"]
    assert cli.json("followups", "--limit", "1")[0]["lead"] == "L2"
    # No client zone is known: the ladder runs on the user's calendar, no client column.
    assert [" ".join(line.split()) for line in cli.ok("followups").splitlines()] == [
        "LEAD STAGE TITLE CLIENT STEP NEXT CLIENT TIME",
        "L2 proposal-sent Sooner 1/6 tomorrow 10:00",
        "L1 proposal-sent Later 1/6 tomorrow 11:00",
    ]


def test_no_followups(cli: Cli) -> None:
    assert cli.json("followups") == []


# --- report ------------------------------------------------------------------------------------


def _report_data(cli: Cli, clock: Clock) -> None:
    """Three leads today: answered in 5 and 30 minutes and not at all; one proposal, one reply,
    one win and one loss."""
    add_lead(cli, "A", "--channel", "web-brief")
    add_lead(cli, "B", "--partner", "Pixel")
    add_lead(cli, "C", "--channel", "phone")
    clock.set(NOW + timedelta(minutes=5))
    cli.ok("lead", "respond", "L1")
    clock.set(NOW + timedelta(minutes=30))
    cli.ok("lead", "respond", "L2")
    clock.set(NOW + timedelta(hours=1))
    cli.ok("lead", "stage", "L1", "proposal-sent")
    cli.ok("lead", "log", "L1", "email-in", "Yes please")
    cli.ok("lead", "win", "L1", "--client", "Granel")
    cli.ok("lead", "lose", "L2", "--reason", "budget")


def test_report_json(cli: Cli, clock: Clock) -> None:
    _report_data(cli, clock)
    # Median of 5 and 30 is 17.5; p90 is 5 + 0.9 × 25 = 27.5; 1 of 3 within 15 minutes.
    assert cli.json("report", "--from", "today", "--to", "today") == {
        "from": "2026-11-25",
        "to": "2026-11-25",
        "timezone": "Europe/Berlin",
        "leads": 3,
        "by_source": {"client": 2, "partner": 1},
        "by_channel": {"web-brief": 1, "email": 1, "phone": 1},
        "responded": 2,
        "first_response_minutes": {"median": 17.5, "p90": 27.5},
        "within_target": {"minutes": 15, "count": 1, "of": 3, "share": 1 / 3},
        "proposals_sent": 1,
        "replies": 1,
        "won": 1,
        "lost": 1,
        "win_rate": 0.5,
        "gone_cold": 0,
        # No lead had a value and nothing was invoiced: the money by client is empty.
        "money": {
            "clients": [],
            "totals": {k: {} for k in ("won", "invoiced", "paid", "outstanding", "overdue")},
        },
    }
    # The default period is the last 30 days up to today.
    assert cli.json("report")["leads"] == 3
    assert cli.json("report", "--from", "tomorrow", "--to", "+3d")["leads"] == 0


def test_report_text_and_markdown(cli: Cli, clock: Clock) -> None:
    _report_data(cli, clock)
    text = cli.ok("report", "--from", "2026-11-01", "--to", "2026-11-30")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert lines == [
        "FIGURE VALUE",
        "period 2026-11-01 – 2026-11-30 (Europe/Berlin)",
        "leads received 3",
        "from client 2",
        "from partner 1",
        "via web-brief 1",
        "via email 1",
        "via phone 1",
        "first response, median 17m",
        "first response, 90th percentile 27m",
        "answered within 15 min 1 of 3 (33%)",
        "proposals sent 1",
        "replies received 1",
        "won / lost 1 / 1",
        "win rate 50%",
        "gone cold 0",
        "Money: won, invoiced and paid in the period; outstanding and overdue today",
        "nothing won, invoiced, paid or owed",
    ]
    md = cli.ok("report", "--format", "md")
    assert md.splitlines()[:2] == ["| FIGURE | VALUE |", "|---|---|"]
    assert "| win rate | 50% |" in md


def test_report_of_an_empty_period(cli: Cli) -> None:
    data = cli.json("report")
    assert (data["leads"], data["win_rate"], data["within_target"]["share"]) == (0, None, None)
    assert data["first_response_minutes"] == {"median": None, "p90": None}


def test_report_errors(cli: Cli) -> None:
    assert "before it starts" in cli.fails(2, "report", "--from", "today", "--to", "yesterday")
    assert "frii" in cli.fails(2, "report", "--from", "frii")


# --- the agenda --------------------------------------------------------------------------------


def test_agenda_shows_sla_deadlines_and_follow_up_steps_in_the_clients_time(
    cli: Cli, clock: Clock
) -> None:
    # Yesterday: a proposal to a New York client, so its check-receipt step is due today.
    clock.set(datetime(2026, 11, 24, 16, 0, tzinfo=BERLIN))  # 10:00 in New York
    add_lead(cli, "Proposal", "--tz", "America/New_York")
    cli.ok("lead", "stage", "L1", "proposal-sent")  # step 1: Wed 10:00 New York = 16:00 Berlin
    # This morning: a London lead answered at once (its answer is due 18:00 London) and a new
    # Auckland lead still waiting for its first response.
    clock.set(datetime(2026, 11, 25, 8, 0, tzinfo=BERLIN))  # 07:00 in London
    add_lead(cli, "London lead", "--tz", "Europe/London")
    cli.ok("lead", "respond", "L2")
    clock.set(NOW)
    add_lead(cli, "Auckland lead", "--tz", "Pacific/Auckland")

    agenda = cli.json("agenda")
    assert "answers_due" in agenda

    (answer,) = agenda["answers_due"]["items"]
    assert (answer["ref"], answer["type"], answer["deadline"]) == ("L2", "lead", "answer")
    assert answer["due"] == "2026-11-25T19:00:00+01:00"
    assert answer["client_zone"] == "Europe/London"
    assert answer["client_due"] == "2026-11-25T18:00:00+00:00"
    assert answer["overdue"] is False

    (waiting,) = agenda["waiting_leads"]["items"]
    assert (waiting["ref"], waiting["deadline"]) == ("L3", "first-response")
    assert waiting["due"] == "2026-11-25T10:15:00+01:00"
    assert waiting["client_zone"] == "Pacific/Auckland"
    assert waiting["client_due"] == "2026-11-25T22:15:00+13:00"

    (step,) = agenda["reminders"]["items"]
    assert (step["ref"], step["type"]) == ("R1", "reminder")
    assert step["reminder"]["step"] == 1
    assert step["reminder"]["kind"] == "check-receipt"
    assert step["due"] == "2026-11-25T16:00:00+01:00"
    assert step["client_zone"] == "America/New_York"
    assert step["client_due"] == "2026-11-25T10:00:00-05:00"

    text = cli.ok("agenda")
    # The step is named once (DESIGN: one fact, one wording), not "[step 1] … (step 1 of 6)".
    assert "step 1 of 6 · Check the proposal arrived (about L1 Proposal)" in text
    assert text.count("step 1") == 1
    assert "client today 10:00 America/New_York" in text
    assert "answer due: London lead" in text
    assert "client today 18:00 Europe/London" in text


def test_an_overdue_follow_up_step_is_in_the_overdue_section(cli: Cli, clock: Clock) -> None:
    clock.set(datetime(2026, 11, 23, 11, 0, tzinfo=BERLIN))  # Monday
    add_lead(cli)
    cli.ok("lead", "stage", "L1", "proposal-sent")  # step 1 due Tue 11:00
    clock.set(NOW)
    agenda = cli.json("agenda")
    (item,) = agenda["overdue"]["items"]
    assert (item["ref"], item["overdue"], item["reminder"]["step"]) == ("R1", True, 1)
    assert item["client_zone"] is None and item["client_due"] is None


def test_show_plans_every_remaining_step_in_json_and_text(cli: Cli, clock: Clock) -> None:
    add_lead(cli, "Website", "--client", "Harbor")
    cli.ok("client", "edit", "Harbor", "--tz", "America/New_York")
    cli.ok("lead", "stage", "L1", "proposal-sent")
    ladder = lead(cli)["followups"]
    assert (ladder["status"], ladder["steps"], ladder["done"]) == ("running", 6, 0)
    assert ladder["next"]["ref"] == "R1" and ladder["next"]["step"] == 1
    planned = ladder["planned"]
    assert [p["step"] for p in planned] == [1, 2, 3, 4, 5, 6]
    assert planned[0]["due"] == ladder["next"]["due"]
    # Planned in the client's calendar: every step at 09:00 New York, a working day.
    for step in planned:
        local = datetime.fromisoformat(step["client_due"])
        assert (local.hour, local.weekday() < 5) == (9, True), step

    # Doing step 1 when due schedules step 2 where the plan said.
    clock.set(datetime.fromisoformat(planned[0]["due"]))
    cli.ok("remind", "done", "R1")
    assert lead(cli)["followups"]["next"]["due"] == planned[1]["due"]

    text = cli.ok("show", "L1")
    assert "step 2 of 6 · R2 due " in text
    [then] = [line for line in text.splitlines() if line.startswith("then, if no reply")]
    assert then.count("step ") == 4  # steps 3 to 6
    assert cli.json("lead", "show", "L1")["followups"]["cold_at"] is None
