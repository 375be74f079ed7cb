"""Intake rules and services: titles, keys, partners, clients, replies, de-duplication."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from amtui.core.clients import add_client, add_contact
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.intake import (
    Attachment,
    IncomingBrief,
    IncomingMail,
    Tally,
    clean_title,
    mail_key,
    normalize_message_id,
    parse_references,
    partner_for,
    received_at,
    row_key,
    trim_quoted,
)
from amtui.core.intake_config import IntakeSettings
from amtui.core.intake_store import Intake
from amtui.core.lead_queries import get_lead_details
from amtui.core.models import Activity, Client, Contact, IntakeItem, Lead, Reminder
from amtui.core.pipeline import change_stage
from tests.storage import count, rows

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("subject", "title"),
    [
        ("Re: Website redesign", "Website redesign"),
        ("RE: FW: Fwd: website", "website"),
        ("Ответ: Отв: Пересл: Сайт для пекарни", "Сайт для пекарни"),
        ("AW: WG: Angebot", "Angebot"),
        ("I: R: Ordine", "Ordine"),
        ("RV: ENC: Odp: PD: Presupuesto", "Presupuesto"),
        ("I:Ordine", "Ordine"),
        ("Item: Ordine", "Item: Ordine"),
        ("IR: spectrum", "IR: spectrum"),
        ("[EXT] [ticket #42] Re[2]: Re(3): SEO audit", "SEO audit"),
        ("Re：fullwidth colon", "fullwidth colon"),
        ("  spaced\t\tout\n subject ", "spaced out subject"),
        ("Reply needed: about Rebrand", "Reply needed: about Rebrand"),
        ("", "(no subject)"),
        ("[only a tag]", "(no subject)"),
    ],
)
def test_titles_lose_reply_prefixes_and_tags(subject: str, title: str) -> None:
    assert clean_title(subject) == title


def test_a_very_long_subject_is_cut() -> None:
    assert len(clean_title("x" * 1000)) == 200


def test_message_ids_and_references() -> None:
    assert normalize_message_id(" <abc@x.example> ") == "<abc@x.example>"
    assert normalize_message_id("abc@x.example") == "<abc@x.example>"
    assert normalize_message_id("") is None
    refs = parse_references("<c@x>", "<a@x> <b@x>\n <c@x>")
    assert refs == ("<c@x>", "<b@x>", "<a@x>")  # in-reply-to first, then newest first


def mail(**changes: object) -> IncomingMail:
    base = IncomingMail(
        message_id="<m1@client.example>",
        references=(),
        subject="Website redesign",
        sender_name="Anna Petrova",
        sender_email="anna@granel.example",
        date=NOW - timedelta(hours=2),
        body="We need a new website.",
        origin="test",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_the_key_is_the_message_id_or_a_content_hash() -> None:
    assert mail_key(mail()) == "<m1@client.example>"
    a = mail_key(mail(message_id=None))
    assert a.startswith("mail-sha256:")
    # The same mail read elsewhere (whitespace reflowed) has the same key; another does not.
    assert mail_key(mail(message_id=None, body="We  need a new\nwebsite.")) == a
    assert mail_key(mail(message_id=None, subject="Other")) != a
    assert mail_key(mail(message_id=None, date=None)) != a


def test_row_keys_use_the_form_id_or_hash_the_row() -> None:
    assert row_key("tally", "w4Ez", ["a"]) == "form:tally:w4Ez"
    assert row_key("google-forms", None, ["1", "a"]) == row_key("google-forms", "", [" 1", "a "])
    assert row_key("google-forms", None, ["1", "a"]) != row_key("google-forms", None, ["1", "b"])


def test_partner_by_domain_and_subdomain() -> None:
    partners = {"Pixel Partners": ("pixel.example",), "North": ("@north.example",)}
    assert partner_for("bob@pixel.example", partners) == "Pixel Partners"
    assert partner_for("bob@mail.pixel.example", partners) == "Pixel Partners"
    assert partner_for("bob@north.example", partners) == "North"
    assert partner_for("bob@notpixel.example", partners) is None
    assert partner_for(None, partners) is None


def test_received_time_falls_back_to_the_import_and_says_why() -> None:
    assert received_at(NOW - timedelta(days=1), None, now=NOW) == (NOW - timedelta(days=1), "")
    when, note = received_at(None, "missing", now=NOW)
    assert when == NOW and "missing" in note and "time of import" in note
    when, note = received_at(NOW + timedelta(days=3), None, now=NOW)
    assert when == NOW and "future" in note


def test_quoted_history_is_trimmed() -> None:
    body = "Thanks, yes.\n\nOn Tue, 24 Nov 2026, Anna <a@x> wrote:\n> earlier\n> text\n"
    assert trim_quoted(body) == "Thanks, yes."
    assert trim_quoted("Да, подходит.\n\n24.11.2026 10:00, Анна пишет:\n> раньше") == (
        "Да, подходит."
    )
    outlook = "See below.\n\nFrom: Anna\nSent: Tuesday\nTo: me\nSubject: x\n\nold text"
    assert trim_quoted(outlook) == "See below."
    assert trim_quoted("Text\n-- \nAnna, CMO") == "Text"
    assert trim_quoted("> all quoted") == "> all quoted"  # never trimmed to nothing
    assert trim_quoted("From: the start we wanted\nmore") == "From: the start we wanted\nmore"
    gmail_ru = "Да, давайте.\n\nпн, 30 нояб. 2026 г. в 10:00, Анна <anna@x.example>:\n\n> раньше\n"
    assert trim_quoted(gmail_ru) == "Да, давайте."
    wrapped = (
        "Sounds good.\n\nOn Mon, Nov 30, 2026 at 10:00 AM Anna Petrova <anna@x.example>\n"
        "wrote:\n\n> old"
    )
    assert trim_quoted(wrapped) == "Sounds good."
    # An address with a colon in the text itself is not history when no quote follows.
    asked = "Please write to Ivan <ivan@x.example>:\nhe decides.\n"
    assert trim_quoted(asked) == "Please write to Ivan <ivan@x.example>:\nhe decides."


def test_summary_line() -> None:
    tally = Tally(leads=12, replies=3, seen=40)
    assert tally.summary() == "12 new leads, 3 replies linked, 40 already seen"
    assert Tally(leads=1, replies=1, skipped=2).summary() == (
        "1 new lead, 1 reply linked, 0 already seen, 2 skipped"
    )
    assert Tally().summary(dry_run=True).startswith("dry run, nothing written: would add 0 new")


@pytest.fixture
def cfg(config: Config) -> Config:
    settings = IntakeSettings(
        me=("me@agency.example",), partners={"Pixel Partners": ("pixel.example",)}
    )
    return dataclasses.replace(config, intake=settings)


def run(db: Database, cfg: Config, *mails: IncomingMail, dry_run: bool = False) -> list[str]:
    with Intake(db, now=NOW, config=cfg, dry_run=dry_run) as intake:
        return [f"{o.kind} {o.ref}" for o in map(intake.receive_mail, mails)]


def test_a_new_mail_becomes_a_lead_with_its_text(db: Database, cfg: Config) -> None:
    first = mail(attachments=(Attachment("brief.pdf", 12_500),))
    assert run(db, cfg, first) == ["lead L1"]
    details = get_lead_details(db, "L1")
    lead = details.row.lead
    assert lead.title == "Website redesign"
    assert (lead.channel, lead.source, lead.partner) == ("email", "client", None)
    assert (lead.contact_name, lead.contact_email) == ("Anna Petrova", "anna@granel.example")
    assert lead.received_at == NOW - timedelta(hours=2)
    assert lead.external_id == "<m1@client.example>"
    assert lead.notes == "We need a new website.\n\nAttachments: brief.pdf (12 KB)"
    assert [a.kind for a in details.activities] == ["created"]


def test_the_same_mail_twice_adds_nothing(db: Database, cfg: Config) -> None:
    assert run(db, cfg, mail(), mail(message_id=None)) == ["lead L1", "lead L2"]
    assert run(db, cfg, mail(), mail(message_id=None)) == ["seen None", "seen None"]
    assert count(db, Lead) == 2
    assert count(db, IntakeItem) == 2


def test_a_reply_is_logged_on_its_lead_and_stops_the_ladder(db: Database, cfg: Config) -> None:
    run(db, cfg, mail())
    change_stage(db, "L1", "proposal-sent", now=NOW - timedelta(hours=1), config=cfg)
    reply = mail(
        message_id="<m2@client.example>",
        references=("<m1@client.example>",),
        subject="Re: Website redesign",
        date=NOW - timedelta(minutes=30),
        body="Looks good",
    )
    assert run(db, cfg, reply) == ["reply L1"]
    details = get_lead_details(db, "L1")
    kinds = [a.kind for a in details.activities]
    assert "email-in" in kinds and "reply-received" not in kinds  # one mail, one entry
    email_in = next(a for a in details.activities if a.kind == "email-in")
    assert email_in.text == "Looks good"
    assert email_in.occurred_at == NOW - timedelta(minutes=30)
    assert all(r.done_at is not None for r in details.reminders)  # the ladder stopped
    # A reply to the reply still finds the lead, through the chain of Message-IDs.
    again = mail(message_id="<m3@x>", references=("<m2@client.example>",), subject="Re: Re:")
    assert run(db, cfg, again) == ["reply L1"]


def test_a_reply_sent_before_the_proposal_does_not_stop_its_ladder(
    db: Database, cfg: Config
) -> None:
    """Mail imported late (cron every ten minutes, a mailbox read days later) can predate the
    proposal: it goes on the timeline but does not answer the proposal, so the ladder goes
    on, and the line says so. A reply sent after the proposal stops it."""
    run(db, cfg, mail(date=NOW - timedelta(hours=5)))
    change_stage(db, "L1", "proposal-sent", now=NOW - timedelta(hours=1), config=cfg)
    early = mail(
        message_id="<m2@client.example>",
        references=("<m1@client.example>",),
        date=NOW - timedelta(hours=3),
        body="Also, a logo?",
    )
    with Intake(db, now=NOW, config=cfg) as intake:
        outcome = intake.receive_mail(early)
    assert (outcome.kind, outcome.ref) == ("reply", "L1")
    assert outcome.note == "sent before the follow-up ladder began: it goes on"
    pending = [r for r in rows(db, Reminder) if r.done_at is None]
    assert [r.kind for r in pending] == ["check-receipt"]
    late = mail(
        message_id="<m3@client.example>",
        references=("<m2@client.example>",),
        date=NOW - timedelta(minutes=10),
        body="Got the proposal, thanks",
    )
    with Intake(db, now=NOW, config=cfg) as intake:
        assert intake.receive_mail(late).note == ""
    assert [r for r in rows(db, Reminder) if r.done_at is None] == []
    timeline = get_lead_details(db, "L1").activities
    assert [a.kind for a in timeline if a.kind == "email-in"] == ["email-in", "email-in"]


def test_your_own_mail_in_a_thread_is_your_answer(db: Database, cfg: Config) -> None:
    run(db, cfg, mail())
    ours = mail(
        message_id="<out1@agency.example>",
        references=("<m1@client.example>",),
        sender_email="me@agency.example",
        date=NOW - timedelta(hours=1),
        body="Thanks, we'll send a proposal.",
    )
    lonely = mail(message_id="<out2@agency.example>", sender_email="Me@Agency.example")
    assert run(db, cfg, ours, lonely) == ["sent L1", "skipped None"]
    lead = get_lead_details(db, "L1").row.lead
    assert lead.first_response_at == NOW - timedelta(hours=1)
    # A client's answer to our mail threads to the lead through our Message-ID.
    answer = mail(message_id="<m9@x>", references=("<out1@agency.example>",))
    assert run(db, cfg, answer) == ["reply L1"]


def test_partner_and_client_matching(db: Database, cfg: Config) -> None:
    add_client(db, "Granel", now=NOW)
    add_contact(db, "Granel", "Zoe", now=NOW, email="zoe@granel.example")
    from_partner = mail(message_id="<p@pixel>", sender_email="bob@pixel.example")
    from_colleague = mail(message_id="<c@granel>", sender_email="ivan@granel.example")
    from_gmail = mail(message_id="<g@gmail>", sender_email="zoe.private@gmail.com")
    assert run(db, cfg, from_partner, from_colleague, from_gmail) == [
        "lead L1",
        "lead L2",
        "lead L3",
    ]
    leads = {lead.id: lead for lead in rows(db, Lead)}
    assert (leads[1].source, leads[1].partner, leads[1].client_id) == (
        "partner",
        "Pixel Partners",
        None,
    )
    assert leads[2].client_id == 1  # same company domain as a known contact
    assert leads[3].client_id is None  # gmail says nothing about the company


def test_client_matching_within_one_run(db: Database, cfg: Config) -> None:
    """The client of a sender, decided from one read of contacts and leads a run: a known
    contact's exact address wins (even at a free-mail domain), then a contact's company
    domain (the earliest contact), then a lead's; a lead this run made for a client
    (a brief naming it) brings later senders from its domain to that client."""
    add_client(db, "Granel", now=NOW)
    add_client(db, "Bakery", now=NOW)
    add_contact(db, "Granel", "Zoe", now=NOW, email="ZOE.private@gmail.com")
    add_contact(db, "Bakery", "Ivan", now=NOW, email="ivan@bakery.example")
    add_contact(db, "Granel", "Olga", now=NOW, email="olga@bakery.example")
    brief = IncomingBrief(
        row_key="form:tally:1",
        received=NOW - timedelta(hours=1),
        name="Pat",
        email="pat@newco.example",
        company="Granel",
        answers=[("Budget", "5k")],
        form="tally",
    )
    with Intake(db, now=NOW, config=cfg) as intake:
        assert intake.receive_brief(brief).ref == "L1"
        outcomes = [
            intake.receive_mail(mail(message_id=f"<{n}@x>", sender_email=address))
            for n, address in enumerate(
                ("zoe.private@gmail.com", "anna@bakery.example", "sam@newco.example"), 2
            )
        ]
    assert [o.note for o in outcomes] == ["client Granel", "client Bakery", "client Granel"]
    leads = {lead.id: lead.client_id for lead in rows(db, Lead)}
    assert leads == {1: 1, 2: 1, 3: 2, 4: 1}


def test_a_dry_run_writes_nothing_but_shows_replies(db: Database, cfg: Config) -> None:
    reply = mail(message_id="<m2@x>", references=("<m1@client.example>",))
    assert run(db, cfg, mail(), reply, mail(), dry_run=True) == [
        "lead None",
        "reply None",
        "seen None",
    ]
    assert rows(db, Lead) == []
    assert rows(db, IntakeItem) == []


def test_a_deleted_lead_is_not_imported_again(db: Database, cfg: Config) -> None:
    from amtui.core.leads import delete_lead

    run(db, cfg, mail())
    delete_lead(db, "L1")
    assert run(db, cfg, mail()) == ["seen None"]


def test_a_lead_added_by_hand_with_the_message_id_is_not_duplicated(
    db: Database, cfg: Config
) -> None:
    from amtui.core.leads import LeadDraft, add_lead

    add_lead(db, LeadDraft("Typed in", external_id="<m1@client.example>"), now=NOW, config=cfg)
    assert run(db, cfg, mail()) == ["seen L1"]
    reply = mail(message_id="<m2@x>", references=("<m1@client.example>",))
    assert run(db, cfg, reply) == ["reply L1"]


def test_a_missing_date_uses_the_import_time_and_says_so(db: Database, cfg: Config) -> None:
    with Intake(db, now=NOW, config=cfg) as intake:
        outcome = intake.receive_mail(mail(date=None, date_problem="missing"))
    assert "date missing" in outcome.note
    lead = get_lead_details(db, "L1").row.lead
    assert lead.received_at == NOW
    (created,) = rows(db, Activity)
    assert "date missing" in created.text


def test_a_brief_becomes_a_web_brief_lead(db: Database, cfg: Config) -> None:
    brief = IncomingBrief(
        row_key="form:tally:abc",
        received=NOW - timedelta(hours=1),
        name="Олег",
        email="not an address",
        phone="+7 900 000-00-00",
        company="Пекарня",
        answers=[("Budget", "12k"), ("Deadline", "March")],
        form="tally",
    )
    with Intake(db, now=NOW, config=cfg) as intake:
        assert intake.receive_brief(brief).kind == "lead"
    with Intake(db, now=NOW, config=cfg) as intake:
        assert intake.receive_brief(brief).kind == "seen"
    lead = get_lead_details(db, "L1").row.lead
    assert (lead.channel, lead.title) == ("web-brief", "Web brief from Пекарня")
    assert lead.contact_email is None
    assert lead.brief == [
        {"q": "Email", "a": "not an address"},
        {"q": "Budget", "a": "12k"},
        {"q": "Deadline", "a": "March"},
    ]
    assert rows(db, Reminder) == []


def load(tmp_path: object, text: str) -> Config:
    from pathlib import Path

    from amtui.core.config import load_config

    path = Path(str(tmp_path)) / "c.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_intake_config_reads_sources(tmp_path: object) -> None:
    settings = load(
        tmp_path,
        """
[intake]
me = ["me@agency.example", "@agency.example"]
mail = "~/Mail/leads"
[intake.partners]
"Pixel Partners" = ["pixel.example"]
[intake.imap.work]
host = "imap.example.com"
user = "me@agency.example"
password_command = "pass show mail"
sent_folders = ["Sent"]
[intake.forms.site]
file = "~/brief.csv"
email = ["E-mail", "Почта"]
name = "Name"
""",
    ).intake
    assert settings.me == ("me@agency.example", "@agency.example")
    assert settings.mail == ("~/Mail/leads",)
    assert settings.partners == {"Pixel Partners": ("pixel.example",)}
    work = settings.imap["work"]
    assert (work.port, work.security, work.folders, work.sent_folders) == (
        993,
        "tls",
        ("INBOX",),
        ("Sent",),
    )
    site = settings.forms["site"]
    assert site.mapping is not None and site.mapping.columns["email"] == ("E-mail", "Почта")
    assert settings.has_sources


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[intake.imap.w]\nhost="h"\nuser="u"\npassword="secret"', "never put a password"),
        ('[intake.imap.w]\nhost="h"\nuser="u"', "password_env"),
        ('[intake.imap.w]\nhost="h"\nuser="u"\npassword_env="P"\nport=0', "port"),
        ('[intake.forms.f]\nfile="x.csv"', "preset"),
        ('[intake.forms.f]\nname="Name"', "email"),
        ('[intake.forms.f]\npreset="tally"\ntimezone="Mars/Base"', "timezone"),
        ('[intake.forms.f]\nemail="E"\nreceived_formats="%d.%m %H:%M"', "has no year"),
        ('[intake.forms.f]\nemail="E"\nreceived_formats=["%Y-%m-%d", "%H:%M"]', "no year"),
        ('[intake.forms.f]\nemail="E"\nreceived_formats="%Y %B"', "has no day"),
        ("[intake]\nbogus = 1", "unknown setting intake.bogus"),
    ],
)
def test_bad_intake_config_is_refused_in_one_line(
    tmp_path: object, text: str, message: str
) -> None:
    from amtui.core.errors import InputError

    with pytest.raises(InputError, match=message) as info:
        load(tmp_path, text)
    assert "\n" not in str(info.value) and info.value.exit_code == 2


def test_a_failing_item_is_undone_whole_and_the_batch_goes_on(
    db: Database, cfg: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An item that fails half-way (here: after its lead is written) leaves nothing; the
    items before and after it in the same transaction are kept."""
    import amtui.core.intake_store as store
    from amtui.core.errors import InputError

    real = store.create_lead

    def failing(tx, draft, **kwargs):  # type: ignore[no-untyped-def]
        result = real(tx, draft, **kwargs)
        if draft.title == "Broken":
            raise InputError("broken on purpose")
        return result

    monkeypatch.setattr(store, "create_lead", failing)
    with Intake(db, now=NOW, config=cfg) as intake:
        intake.receive_mail(mail(message_id="<a@x>", subject="First"))
        with pytest.raises(InputError):
            intake.receive_mail(mail(message_id="<b@x>", subject="Broken"))
        intake.receive_mail(mail(message_id="<c@x>", subject="Third"))
    titles = sorted(lead.title for lead in rows(db, Lead))
    keys = sorted(item.key for item in rows(db, IntakeItem))
    activities = count(db, Activity)
    assert titles == ["First", "Third"]
    assert keys == ["<a@x>", "<c@x>"]
    assert activities == 2


def test_an_unreadable_sender_address_does_not_lose_the_mail(db: Database, cfg: Config) -> None:
    assert run(db, cfg, mail(sender_email="anna@granel@example")) == ["lead L1"]
    lead = get_lead_details(db, "L1").row.lead
    assert lead.contact_email is None and lead.contact_name == "Anna Petrova"
    (created,) = rows(db, Activity)
    assert "sender address unreadable: anna@granel@example" in created.text


def test_a_huge_body_is_cut_and_says_so() -> None:
    from amtui.core.intake import BODY_MAX, mail_notes

    notes = mail_notes(mail(body="x" * (BODY_MAX + 500)))
    assert notes.startswith("x" * BODY_MAX)
    assert notes.endswith("(500 more characters not kept)")


def test_contacts_import_once_by_email_phone_or_name(db: Database) -> None:
    """An address book read twice adds nothing: people are known by email or phone, a card
    with neither by its name at the same client; group and location cards are no people.
    On both storage paths (AMTUI_TEST_DB=postgresql)."""
    from amtui.core.intake import IncomingContact
    from amtui.core.intake_store import import_contact

    cards = [
        IncomingContact("Anna Petrova", ["anna@granel.example"], ["+7 900 123-45-67"], "Granel"),
        IncomingContact("John Doe", organization="Granel"),
        IncomingContact("The Doe Family", kind="group"),
        IncomingContact("Empire State Building", phones=["+1-212-736-3100"], kind="location"),
        IncomingContact("ABC Marketing", ["marketing@abc.example"], organization="ABC, Inc."),
    ]

    def load() -> list[str]:
        return [
            f"{o.kind} {o.note}".strip() for o in (import_contact(db, c, now=NOW) for c in cards)
        ]

    assert load() == [
        "contact new client Granel",
        "contact",
        "skipped a group card, not a person",
        "skipped a location card, not a person",
        "contact new client ABC, Inc.",
    ]
    assert load() == [
        "seen",
        "seen",
        "skipped a group card, not a person",
        "skipped a location card, not a person",
        "seen",
    ]
    assert count(db, Contact) == 3 and count(db, Client) == 2
    other_format = IncomingContact("Anna", phones=["8 (900) 123-45-67"])
    assert import_contact(db, other_format, now=NOW).kind == "seen"
