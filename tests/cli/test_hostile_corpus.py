"""A hostile corpus in every text field, through every command that prints records, in every
format (DESIGN §8): nothing reaches stdout that drives a terminal, hides (zero-width, tag and
format characters) or turns text around (bidi controls); Markdown renders as the literal text,
never as HTML, links, images, code or headings; JSON round-trips the exact data."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from tests.cli.conftest import ANSI, Cli, Target, build_template, use_template
from tests.conftest import NOW

CORPUS = [
    "\x1b]8;;javascript:alert(1)\x1b\\click me\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[Hcleared \x1b]0;title\x07",
    "\x9b31mC1 CSI \x9d0;osc\x9c",
    "invoice\u202etxt.exe",
    "\u2066isolate\u2069 \u200emarks\u200f \u061c",
    "zero\u200bwidth\u200c\u200d\u2060\ufeff",
    "tags\U000e0041\U000e007f",
    "line\u2028sep\u2029para",
    "soft\u00adhyphen \u3164filler",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">pay</a>',
    "[click](javascript:alert(1)) ![img](http://evil.example/x.png)",
    "<javascript:alert(1)> <http://evil.example>",
    "# Heading",
    "> quoted",
    "- listed",
    "1. ordered",
    "---",
    "`code` ``` | pipe | *em* _u_ ~~gone~~ $x$",
    "&lt;script&gt; &#106;avascript:",
    "[b]markup[/b] [@click=app.quit]quit[/]",
    "Гранель 東京 café",
]
#: Output may never hold these raw: C0 (but newline), DEL, C1, format characters (bidi,
#: zero-width, tags, BOM, soft hyphen), line/paragraph separators, Hangul fillers.
FORBIDDEN = {"Cc", "Cf", "Zl", "Zp"}
FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}
#: The only HTML a Markdown renderer may make of our output: our own tables, headings, lists
#: and the bold references.
ALLOWED_TAGS = {"table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "ul", "li", "p", "strong"}


def forbidden(text: str) -> list[str]:
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if ch not in "\n" and (unicodedata.category(ch) in FORBIDDEN or ch in FILLERS)
    ]


def build(cli: Cli) -> None:
    """Every corpus string in every text field, written through the core services."""
    from amtui.core.clients import add_client, add_contact
    from amtui.core.config import load_config
    from amtui.core.db import Database
    from amtui.core.leads import LeadDraft, add_lead
    from amtui.core.members import add_member
    from amtui.core.migrations import ensure_schema
    from amtui.core.pipeline import change_stage, log_lead
    from amtui.core.reminders import add_reminder
    from amtui.core.tasks import TaskDraft, add_task

    config = load_config()
    db = Database(os.environ["AMTUI_DB"])
    ensure_schema(db)
    earlier = NOW - timedelta(days=1)
    for index, text in enumerate(CORPUS):
        # A client's owner is a member: the hostile text is the member's name.
        add_member(db, f"m{index}", text, now=earlier)
        client = add_client(db, f"{text} {index}", now=earlier, owner=f"m{index}", notes=text)
        add_contact(db, f"C{client.id}", text, now=earlier, phone=text, role=text)
        lead = add_lead(
            db,
            LeadDraft(
                text,
                partner=text,
                contact_name=text,
                contact_phone=text,
                client=f"C{client.id}",
                brief=[(text, text)],
                external_id=f"{text} {index}",
                notes=f"{text}\n{text}",
            ),
            now=earlier,
            config=config,
        ).lead
        log_lead(db, f"L{lead.id}", "email-out", text, now=earlier, config=config)
        change_stage(db, f"L{lead.id}", "proposal-sent", now=earlier, config=config, note=text)
        add_task(
            db,
            TaskDraft(text, notes=f"{text}\n{text}", client=f"C{client.id}", due="today 15:00"),
            now=earlier,
            config=config,
        )
        add_reminder(db, text, NOW - timedelta(minutes=5), now=earlier, config=config,
                     about=f"L{lead.id}")  # fmt: skip
    db.dispose()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory, build, "hostile")


@pytest.fixture
def hostile(cli: Cli, store: Target, template: Path) -> Cli:
    use_template(template, store)
    return cli


COMMANDS = [
    ["task", "list"],
    ["task", "show", "T1"],
    ["task", "show", "T12"],
    ["lead", "list"],
    ["lead", "show", "L5"],
    ["lead", "show", "L13"],
    ["client", "list"],
    ["client", "show", "C2"],
    ["client", "show", "C11"],
    ["contact", "list"],
    ["remind", "list"],
    ["show", "R4"],
    ["agenda"],
    ["agenda", "--date", "tomorrow"],
    ["search", "a"],
    ["followups"],
    ["report"],
    ["remind", "due"],
]


def render_markdown(text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(text)


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_hostile_text_reaches_no_output_raw(hostile: Cli, args: list[str], fmt: str) -> None:
    result = hostile(*args, "--format", fmt)
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    out = result.stdout
    assert not forbidden(out), forbidden(out)
    assert not ANSI.search(out)
    assert not forbidden(result.stderr)
    if fmt == "json":
        json.loads(out)
    if fmt == "md":
        html = render_markdown(out)
        tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", html))
        assert tags <= ALLOWED_TAGS, (tags - ALLOWED_TAGS, html)
        assert "javascript:" not in "".join(re.findall(r'(?:href|src)="([^"]*)"', html))


def test_markdown_shows_the_data_as_typed(hostile: Cli) -> None:
    html = render_markdown(hostile.ok("task", "list", "--format", "md"))
    # The renderer gives back exactly the characters of the data (HTML-escaped in its output).
    for text in CORPUS[9:21]:
        shown = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert shown.replace('"', "&quot;") in html, text


def test_invisible_characters_are_shown_as_escapes(hostile: Cli) -> None:
    out = hostile.ok("lead", "list")
    for escape in ("\\u202e", "\\u200b", "\\u200d", "\\ufeff", "\\U000e0041", "\\u2028",
                   "\\xad", "\\u3164", "\\x1b]8;;javascript"):  # fmt: skip
        assert escape in out, escape


def test_json_keeps_the_exact_data(hostile: Cli) -> None:
    tasks = {t["title"] for t in hostile.json("task", "list")}
    assert tasks == set(CORPUS)
    lead: dict[str, Any] = hostile.json("lead", "show", "L6")
    assert lead["title"] == CORPUS[5] and lead["notes"] == f"{CORPUS[5]}\n{CORPUS[5]}"
    assert lead["brief"] == [{"q": CORPUS[5], "a": CORPUS[5]}]
    raw = hostile.ok("lead", "show", "L7", "--format", "json")
    assert "\\udb40\\udc41" in raw  # a tag character, as a JSON surrogate pair escape
