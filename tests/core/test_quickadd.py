"""Quick-add tokens: `Send estimate due:fri 15:00 client:Granel +urgent @copywriter`.

Most tests go through `draft_from_text`/`patch_from_text` with the real date parser, because
how far `due:` reaches depends on what the parser accepts.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from amtui.core.config import Config
from amtui.core.drafts import (
    TaskDraft,
    TaskOptions,
    draft_from_text,
    patch_from_text,
    task_draft,
    task_patch,
)
from amtui.core.errors import InputError
from amtui.core.quickadd import parse_tokens
from amtui.core.validate import UNSET


@pytest.fixture
def draft(config: Config, now: datetime):  # type: ignore[no-untyped-def]
    def parse(text: str) -> TaskDraft:
        return draft_from_text(text, now=now, config=config)

    return parse


def never_a_date(_text: str) -> bool:
    return False


def test_every_token_is_read_and_the_rest_is_the_title(draft) -> None:  # type: ignore[no-untyped-def]
    d = draft("Send estimate due:fri 15:00 client:Granel +urgent @copywriter pri:high est:2h")
    assert d.title == "Send estimate"
    assert d.due == "fri 15:00"
    assert d.client == "Granel"
    assert list(d.tags) == ["urgent"]
    assert d.assignee == "copywriter"
    assert d.priority == "high"
    assert d.estimate == "2h"


def test_tokens_may_come_anywhere_in_the_line(draft) -> None:  # type: ignore[no-untyped-def]
    d = draft("+seo client:Granel Audit the blog col:review lead:L7 parent:T3")
    assert d.title == "Audit the blog"
    assert (d.client, d.column, d.lead, d.parent) == ("Granel", "review", "L7", "T3")
    assert list(d.tags) == ["seo"]


@pytest.mark.parametrize(
    ("text", "due", "title"),
    [
        ("Send estimate due:fri 15:00", "fri 15:00", "Send estimate"),
        ("Send due:fri 15:00 to Anna", "fri 15:00", "Send to Anna"),
        ("Call due:tomorrow at 3pm about budget", "tomorrow at 3pm", "Call about budget"),
        ("Call due:in 3 days Anna", "in 3 days", "Call Anna"),
        ("Call due:fri 15:00 Europe/London Anna", "fri 15:00 Europe/London", "Call Anna"),
        ("Invoice due:3 dec 2026 now", "3 dec 2026", "Invoice now"),
        ("Brief due:fri Anna", "fri", "Brief Anna"),
    ],
)
def test_due_takes_the_longest_run_of_words_that_reads_as_a_date(  # type: ignore[no-untyped-def]
    draft, text: str, due: str, title: str
) -> None:
    d = draft(text)
    assert (d.due, d.title) == (due, title)


def test_due_that_is_not_a_date_is_kept_raw_for_the_service_to_refuse(draft) -> None:  # type: ignore[no-untyped-def]
    d = draft("Call due:frii about it")
    assert d.due == "frii"
    assert d.title == "Call about it"
    # A time after it belongs to the date: the whole phrase is refused, nothing is folded.
    with pytest.raises(InputError, match="can't read 'frii 15:00' as a date"):
        draft("Call due:frii 15:00")


def test_quoted_value_keeps_its_spaces(draft) -> None:  # type: ignore[no-untyped-def]
    d = draft('Kickoff client:"Granel Studio" col:"In progress" due:"fri 15:00"')
    assert d.title == "Kickoff"
    assert d.client == "Granel Studio"
    assert d.column == "In progress"
    assert d.due == "fri 15:00"


def test_unclosed_quote_is_refused_rather_than_creating_a_client_with_a_quote(draft) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="quote"):
        draft('Kickoff client:"Granel Studio')


def test_unknown_keys_urls_times_and_emails_stay_in_the_title(draft) -> None:  # type: ignore[no-untyped-def]
    text = "Read foo:bar https://example.com/a?b=c at 10:30 mail anna@example.com re:budget"
    d = draft(text)
    assert d.title == text
    assert d.client is None and d.due is None and d.assignee is None


def test_quotes_after_an_unknown_key_stay_in_the_title_as_typed(draft) -> None:  # type: ignore[no-untyped-def]
    d = draft('Say foo:"hello world" twice client:"A B"')
    assert d.title == 'Say foo:"hello world" twice'
    assert d.client == "A B"


def test_keys_are_case_insensitive(draft) -> None:  # type: ignore[no-untyped-def]
    d = draft("Call CLIENT:Granel Due:fri")
    assert (d.client, d.due) == ("Granel", "fri")


@pytest.mark.parametrize("text", ["a due:fri due:mon", "a client:X Client:Y", "a pri:1 pri:2"])
def test_a_key_given_twice_is_an_error(draft, text: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="given twice") as info:
        draft(text)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "key"),
    [("Call client:", "client"), ('Call client:""', "client"), ("Call due: fri", "due")],
)
def test_an_empty_value_is_an_error_naming_the_key(draft, text: str, key: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=f"{key}: needs a value") as info:
        draft(text)
    assert info.value.exit_code == 2


def test_tags_are_lowercased_and_any_script_works(draft) -> None:  # type: ignore[no-untyped-def]
    d = draft("Call +Urgent +срочно +q4.plan")
    assert list(d.tags) == ["urgent", "срочно", "q4.plan"]
    assert d.title == "Call"


def test_signed_numbers_are_not_tags(draft) -> None:  # type: ignore[no-untyped-def]
    d = draft("Budget +5 -10 percent")
    assert d.title == "Budget +5 -10 percent"
    assert list(d.tags) == []


def test_minus_tag_stays_in_the_title_when_adding(draft) -> None:  # type: ignore[no-untyped-def]
    d = draft("Fix the e-mail -urgent signup")
    assert d.title == "Fix the e-mail -urgent signup"
    assert list(d.tags) == []


def test_minus_tag_removes_a_tag_when_editing(config: Config, now: datetime) -> None:
    patch, column = patch_from_text("-urgent +later @seo", now=now, config=config)
    assert list(patch.remove_tags) == ["urgent"]
    assert list(patch.add_tags) == ["later"]
    assert patch.assignee == "seo"
    assert patch.title is UNSET
    assert column is None


def test_edit_none_clears_fields_but_not_priority(config: Config, now: datetime) -> None:
    patch, column = patch_from_text(
        "due:none client:none lead:none est:none @none col:done", now=now, config=config
    )
    assert patch.due is None
    assert patch.client is None
    assert patch.lead is None
    assert patch.estimate is None
    assert patch.assignee is None
    assert column == "done"
    patch, _ = patch_from_text("pri:none", now=now, config=config)
    assert patch.priority == "none"  # refused later by resolve_priority, never cleared


def test_edit_cannot_move_a_task_under_another_parent(config: Config, now: datetime) -> None:
    with pytest.raises(InputError, match="parent"):
        patch_from_text("parent:T3", now=now, config=config)


def test_one_assignee_only(draft) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="assignee"):
        draft("Call @anna @seo")


def test_a_quick_add_line_must_be_one_line(draft) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="one line"):
        draft("Call\nclient:Granel")


def test_parser_is_pure_and_asks_the_date_predicate() -> None:
    seen: list[str] = []

    def is_date(text: str) -> bool:
        seen.append(text)
        return text == "next mon"

    tokens = parse_tokens("Plan due:next mon with people", is_date=is_date)
    assert tokens.fields == {"due": "next mon"}
    assert tokens.title == "Plan with people"
    assert "next mon with" in seen  # longer phrases were tried, and refused
    assert parse_tokens("Plan due:x", is_date=never_a_date).fields == {"due": "x"}


# --- the one merge of tokens with explicit options (CLI options, form fields) ------------------


def test_options_fill_what_the_text_leaves_out(config: Config, now: datetime) -> None:
    options = TaskOptions(due="mon", client="Granel", assignee="@seo", tags=("later",))
    d = task_draft("Call back +urgent", options, now=now, config=config)
    assert (d.title, d.due, d.client, d.assignee) == ("Call back", "mon", "Granel", "seo")
    assert list(d.tags) == ["urgent", "later"]


def test_the_same_value_both_ways_is_fine_in_any_case(config: Config, now: datetime) -> None:
    options = TaskOptions(client="granel", priority="HIGH")
    d = task_draft("Call client:Granel pri:high", options, now=now, config=config)
    assert (d.client, d.priority) == ("Granel", "high")


@pytest.mark.parametrize(
    ("text", "options", "named"),
    [
        ("Call due:fri", TaskOptions(due="mon"), "'due:fri' in the text and --due 'mon'"),
        ("Call client:Granel", TaskOptions(client="Kettle"), "--client 'Kettle'"),
        ("Call @anna", TaskOptions(assignee="boris"), "'@anna' in the text and --assignee"),
        ("Call col:Review", TaskOptions(column="Backlog"), "'col:Review'"),
    ],
)
def test_two_different_values_for_one_field_are_refused(
    config: Config, now: datetime, text: str, options: TaskOptions, named: str
) -> None:
    with pytest.raises(InputError, match="disagree; give it once") as error:
        task_draft(text, options, now=now, config=config)
    assert named in str(error.value)


def test_edit_options_clear_and_merge_like_tokens(config: Config, now: datetime) -> None:
    options = TaskOptions(due="none", assignee="none", title="New title")
    patch, column = task_patch("+later col:review", options, now=now, config=config)
    assert (patch.due, patch.assignee, patch.title, column) == (None, None, "New title", "review")
    assert list(patch.add_tags) == ["later"]


def test_edit_title_twice_is_refused(config: Config, now: datetime) -> None:
    with pytest.raises(InputError, match="title once"):
        task_patch("Other words", TaskOptions(title="New title"), now=now, config=config)


# --- text that only half reads as a date is refused, never folded into the title or tags -----


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Call due:fri 25:00", "'25:00' is not a time"),
        ("Call due:tomorrow 3pmm", "'3pmm' is not a time"),
        ("Call due:fri +2h", r"'\+2h' is not a time"),
        ("Call due:fri 15:00 +2h", r"unexpected '\+2h'"),
        ("Call due:tomorrow at", "'at' must be followed by a time"),
        ("Call due:tomorrow at noonish", "'at' must be followed by a time|not a time"),
        ("Call due:fri 15:00 Europe/Berlinn", "unexpected"),
        ("Call due:mon 9:60", "not a time"),
        ("Call due:mon 13pm", "12-hour times"),
        ("Call due:3 dec 24:30", "not a time"),
        ("Call due:+2d 7", "'7' is not a time"),
        ("Call due:fri 2 copies", "'2' is not a time"),
        ("Call due:eod 5p.m.x", "not a time"),
        # A time first, then the day: the day is not silently left in the title.
        ("Call due:3pm tomorrow", "unexpected 'tomorrow' after the time"),
        ("Call due:10:00 fri", "unexpected 'fri' after the time"),
        ("Call due:noon friday", "unexpected 'friday' after the time"),
        ("Call due:15:00 3 dec", "unexpected '3 dec' after the time"),
        # Two days, or a day and a month that do not make one date.
        ("Call due:today tomorrow", "tomorrow"),
        ("Call due:fri mon", "mon"),
        ("Call due:eod fri", "fri"),
        ("Call due:fri dec", "dec"),
        ("Call due:now Tomorrow", "nothing but a zone may follow 'now'"),
        ("Call due:+3d eom", "eom"),
    ],
)
def test_a_half_read_date_is_refused_with_the_reason(draft, text: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=reason) as info:
        draft(text)
    assert info.value.exit_code == 2
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "due", "title", "tags"),
    [
        ("Call due:fri 15:00 +urgent", "fri 15:00", "Call", ["urgent"]),
        ("Call due:tomorrow 3pm about the brief", "tomorrow 3pm", "Call about the brief", []),
        ("Call due:fri 15:00 Europe/Berlin now", "fri 15:00 Europe/Berlin", "Call now", []),
        ("Read due:mon http://example.com/a:b", "mon", "Read http://example.com/a:b", []),
        ("Call due:fri at 9:30", "fri at 9:30", "Call", []),
        ("Call due:3 dec", "3 dec", "Call", []),
        # Abbreviations that are also English words stay title words.
        ("Call due:fri may slip", "fri", "Call may slip", []),
        ("Plan due:mon sun deck", "mon", "Plan sun deck", []),
        ("Call due:fri now", "fri", "Call now", []),
        ("Call due:3 dec next steps", "3 dec", "Call next steps", []),
    ],
)
def test_what_reads_as_a_date_is_taken_and_the_rest_kept(  # type: ignore[no-untyped-def]
    draft, text: str, due: str, title: str, tags: list[str]
) -> None:
    d = draft(text)
    assert (d.due, d.title, list(d.tags)) == (due, title, tags)


def test_editing_refuses_a_half_read_date_too(config: Config, now: datetime) -> None:
    with pytest.raises(InputError, match="'25:00' is not a time"):
        patch_from_text("due:fri 25:00", now=now, config=config)


def test_without_the_parser_the_refusal_is_generic() -> None:
    with pytest.raises(InputError, match=r"due:'fri 25:00' does not read as a date"):
        parse_tokens("x due:fri 25:00", is_date=lambda t: t == "fri")
