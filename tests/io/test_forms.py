"""Web-form CSV exports: presets, encodings, delimiters, timestamps, refusals."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from amtui.core.config import Config
from amtui.core.errors import InputError
from amtui.core.intake_config import FormMapping, FormSource, IntakeSettings
from amtui.io.forms import detect_preset, parse_timestamp, read_form

FORMS = Path(__file__).parent / "data" / "forms"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CFG = Config(timezone=ZoneInfo("Europe/Berlin"))


def read(name: str | Path, form: str | None = None, cfg: Config = CFG) -> list:  # type: ignore[type-arg]
    path = name if isinstance(name, Path) else FORMS / name
    return read_form(path, form, cfg, now=NOW)


def test_google_forms_english() -> None:
    first, second = read("google-forms-en.csv", "google-forms")
    assert first.received == datetime(2026, 9, 27, 12, 0, tzinfo=UTC)  # 3 PM at GMT+3
    assert (first.name, first.email, first.phone, first.company) == (
        "Anna Petrova",
        "anna@granel.example",
        "+7 900 123-45-67",
        "Granel",
    )
    assert first.answers == [
        ("What do you need?", "A new website, with a shop"),
        ("Budget", "12k EUR"),
        ("Deadline", "March"),
    ]
    assert second.answers == [("What do you need?", "SEO audit")]  # empty answers left out
    assert first.row_key.startswith("form:google-forms:sha256:")  # Google has no row id
    assert first.row_key != second.row_key


def test_google_forms_russian_in_cp1251_is_detected() -> None:
    (brief,) = read("google-forms-ru-cp1251.csv")  # preset recognised from the headers
    assert brief.form == "google-forms"
    assert brief.received == datetime(2026, 9, 27, 13, 0, tzinfo=UTC)  # Berlin, no offset
    assert (brief.name, brief.company, brief.email) == (
        "Олег",
        "Пекарня «Хлеб»",
        "oleg@pekarnya.example",
    )
    assert brief.answers == [("Что нужно сделать?", "Сайт и реклама"), ("Бюджет", "300 000 руб.")]


def test_typeform_with_semicolons_and_a_multiline_answer() -> None:
    (brief,) = read("typeform.csv")
    assert brief.form == "typeform"
    assert brief.row_key == "form:typeform:k3jd8sl2"
    assert brief.received == datetime(2026, 9, 27, 12, 0, tzinfo=UTC)
    assert brief.answers == [("Tell us about the project", "Brand refresh;\nlogo and site")]


def test_tally() -> None:
    first, second = read("tally.csv", "tally")
    assert first.row_key == "form:tally:w4Ez9P"
    assert (first.name, first.company) == ("Ирина Коваль", "Школа №5")
    assert first.answers == [("Budget", "5000")]
    assert second.answers == []


def test_a_later_export_with_a_new_question_keeps_old_row_keys(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("Timestamp,Email Address,Q1\n2026/09/27 3:00:00 PM GMT+3,a@x.example,yes\n")
    new = tmp_path / "new.csv"
    new.write_text(
        "Timestamp,Email Address,Q1,Q2\n2026/09/27 3:00:00 PM GMT+3,a@x.example,yes,\n"
        "2026/09/28 3:00:00 PM GMT+3,b@x.example,no,maybe\n"
    )
    assert read(old)[0].row_key == read(new)[0].row_key


@pytest.mark.parametrize(
    ("content", "form", "message"),
    [
        (b"Name,Email\nA,a@x\n", "tally", "no column 'Submitted at'"),
        (b"Name,Comment\nA,hi\n", None, "no email or phone column"),
        ("a,b\n".encode("utf-16-le") + b"\x00\x01\x02", None, "not a CSV file in a known"),
        (b"\x00\x01\x02\x03binary\xff\xfe", None, "not a CSV file in a known"),
        (b"", None, "is empty"),
        (b"Timestamp,Email Address\nyesterday-ish,a@x.example\n", None, "can't read"),
        (b"Name,Email\nA,a@x,extra\n", None, "has 3 cells"),
        (b"Name,Email\nA,a@x\n", "surveymonkey", "unknown form preset"),
    ],
)
def test_files_that_do_not_fit_are_refused_whole(
    tmp_path: Path, content: bytes, form: str | None, message: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read(path, form)
    assert "\n" not in str(info.value)


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("Name\tE-mail\nЗоя\tzoe@x.example\n".encode("utf-16"))
    (brief,) = read(path)
    assert (brief.name, brief.email) == ("Зоя", "zoe@x.example")


def test_a_form_mapped_in_the_config(tmp_path: Path) -> None:
    path = tmp_path / "site.csv"
    path.write_text(
        "ID;Кто;Куда писать;Когда;Задача\n7;Анна;anna@x.example;01.10.2026 10:30;Лендинг\n"
    )
    mapping = FormMapping(
        name="site",
        columns={"row_id": ("ID",), "name": ("Кто",), "email": ("Куда писать",),
                 "received": ("Когда",)},
        received_formats=("%d.%m.%Y %H:%M",),
        timezone="Europe/Moscow",
        required=("row_id", "name", "email", "received"),
    )  # fmt: skip
    settings = IntakeSettings(forms={"site": FormSource("site", None, mapping)})
    cfg = dataclasses.replace(CFG, intake=settings)
    (brief,) = read(path, "site", cfg)
    assert brief.row_key == "form:site:7"
    assert brief.received == datetime(2026, 10, 1, 7, 30, tzinfo=UTC)
    assert brief.answers == [("Задача", "Лендинг")]
    path.write_text("ID;Кто;Когда\n7;Анна;01.10.2026 10:30\n")
    with pytest.raises(InputError, match="no column 'Куда писать'"):
        read(path, "site", cfg)


def test_timestamps() -> None:
    zone = ZoneInfo("Europe/Moscow")
    assert parse_timestamp("2026/09/27 3:00:00 PM GMT+3", ["%Y/%m/%d %I:%M:%S %p"], zone) == (
        datetime(2026, 9, 27, 12, 0, tzinfo=UTC)
    )
    assert parse_timestamp("2026-09-27T12:00:00Z", [], zone) == datetime(
        2026, 9, 27, 12, tzinfo=UTC
    )
    assert parse_timestamp("27.09.2026 15:00:00", ["%d.%m.%Y %H:%M:%S"], zone) == (
        datetime(2026, 9, 27, 12, 0, tzinfo=UTC)
    )
    assert parse_timestamp("soon", ["%d.%m.%Y"], zone) is None


def test_preset_detection() -> None:
    assert detect_preset(["Submission ID", "Respondent ID", "Submitted at"]) == "tally"
    assert detect_preset(["#", "Name", "Submit Date (UTC)"]) == "typeform"
    assert detect_preset(["Отметка времени", "Имя"]) == "google-forms"
    assert detect_preset(["Name", "Email"]) == "generic"


REAL = Path(__file__).parent / "data" / "forms-real"


def test_a_real_google_forms_export_is_recognised_and_its_times_read() -> None:
    """The first rows of a real Google Forms export (Ask a Manager's 2021 salary survey, as
    published by TidyTuesday, MIT): US-style timestamps, commas inside quoted cells. It asks
    for no email or phone, so as a lead source it is refused whole, saying why."""
    from amtui.io.forms import PRESETS, _rows, decode_csv

    path = REAL / "ask-a-manager-2021-google-forms.csv"
    rows = _rows(decode_csv(path.read_bytes(), path.name), path.name)
    assert detect_preset(rows[0]) == "google-forms"
    assert len(rows) == 21 and all(len(row) == len(rows[0]) for row in rows)
    assert rows[3][2] == "Accounting, Banking & Finance" and rows[1][5] == "55,000"
    formats = PRESETS["google-forms"].received_formats
    zone = ZoneInfo("America/New_York")
    times = [parse_timestamp(row[0], formats, zone) for row in rows[1:]]
    assert times[0] == datetime(2021, 4, 27, 15, 2, 10, tzinfo=UTC)  # 11:02:10 EDT
    assert all(t is not None for t in times) and times == sorted(times)  # type: ignore[type-var]
    with pytest.raises(InputError, match="no email or phone column"):
        read(path)


def test_google_forms_times_with_a_zone_abbreviation() -> None:
    """Google Forms writes the owner's zone as an abbreviation (`2024/06/01 12:30:27 am
    EEST`, seen in public exports); an abbreviation several zones share is read in the
    form's zone, or refused."""
    formats = ["%Y/%m/%d %I:%M:%S %p"]
    berlin, chicago = ZoneInfo("Europe/Berlin"), ZoneInfo("America/Chicago")
    assert parse_timestamp("2024/06/01 12:30:27 am EEST", formats, berlin) == datetime(
        2024, 5, 31, 21, 30, 27, tzinfo=UTC
    )
    assert parse_timestamp("2024/06/01 3:00:00 pm PDT", formats, berlin) == datetime(
        2024, 6, 1, 22, 0, tzinfo=UTC
    )
    assert parse_timestamp("2026/01/05 10:00:00 am CST", formats, chicago) == datetime(
        2026, 1, 5, 16, 0, tzinfo=UTC
    )
    assert parse_timestamp("2026/01/05 10:00:00 am CST", formats, berlin) is None  # which CST?
    assert parse_timestamp("2026-01-05 10:00:00 UTC", [], berlin) == datetime(
        2026, 1, 5, 10, 0, tzinfo=UTC
    )


def test_typeform_contact_block_first_and_last_name_and_quoted_phone(tmp_path: Path) -> None:
    """Typeform's contact block asks the name in two questions and writes the phone as
    '+91… (the apostrophe keeps spreadsheets from reading a formula), with its own
    bookkeeping columns after the answers, as in public Typeform exports."""
    path = tmp_path / "typeform.csv"
    path.write_text(
        "#,First name,Last name,Phone number,Email,What do you need?,Response Type,"
        "Start Date (UTC),Stage Date (UTC),Submit Date (UTC),Network ID,Tags,Ending\n"
        "x1y2,Priya ,Nair,'+919812345678,priya@studio.example,A landing page,completed,"
        "2026-02-10 07:51:02,,2026-02-10 07:54:20,abddc491f8,,Thanks!\n",
        encoding="utf-8",
    )
    (brief,) = read(path)
    assert brief.form == "typeform" and brief.row_key == "form:typeform:x1y2"
    assert (brief.name, brief.phone, brief.email) == (
        "Priya Nair",
        "+919812345678",
        "priya@studio.example",
    )
    assert brief.received == datetime(2026, 2, 10, 7, 54, 20, tzinfo=UTC)
    assert brief.answers == [("What do you need?", "A landing page")]


def test_a_real_typeform_export_is_recognised_and_its_rows_read(tmp_path: Path) -> None:
    """The first rows of a real Typeform export (freeCodeCamp's 2017 New Coder Survey, "the
    raw CSV dump exported directly from Typeform", ODbL 1.0 / DbCL 1.0): `#` with a response
    token, a question header that appears three times, UTC submit times after the answers. It asks
    for no email or phone, so as a lead source it is refused whole, by its preset and by a
    config mapping alike, with the reason and nothing else read."""
    from amtui.io.forms import PRESETS, _rows, decode_csv

    path = REAL / "fcc-2017-new-coder-survey-typeform.csv"
    rows = _rows(decode_csv(path.read_bytes(), path.name), path.name)
    header = rows[0]
    assert detect_preset(header) == "typeform"
    assert len(rows) == 11 and all(len(row) == len(header) == 53 for row in rows)
    assert header.count("Other") == 3
    preset = PRESETS["typeform"]
    submit = header.index("Submit Date (UTC)")
    utc = ZoneInfo("UTC")
    times = [parse_timestamp(r[submit], preset.received_formats, utc) for r in rows[1:]]
    assert times[0] == datetime(2017, 3, 9, 0, 38, 59, tzinfo=UTC)
    assert all(t is not None and t.tzinfo is UTC for t in times)
    assert [r[0] for r in rows[1:3]] == [
        "21db37adb60cdcafadfa7dca1b13b6b1",
        "e0b92236ac53b58f079231e014748dc3",
    ]
    for form in (None, "typeform"):
        with pytest.raises(InputError, match="typeform form: no email or phone column"):
            read(path, form)
    mapping = FormMapping(
        name="survey",
        columns={"row_id": ("#",), "received": ("Submit Date (UTC)",)},
        received_formats=preset.received_formats,
        timezone="UTC",
        required=("row_id", "received"),
    )
    cfg = dataclasses.replace(
        CFG, intake=IntakeSettings(forms={"survey": FormSource("survey", None, mapping)})
    )
    with pytest.raises(InputError, match="survey form: no email or phone column"):
        read(path, "survey", cfg)


def test_contact_questions_in_the_forms_own_words(tmp_path: Path) -> None:
    """Forms ask for the address and the number in their own words ("What's your email?",
    "Email (Gitstart mail)", as in public Tally exports; "Ваш номер телефона для связи"):
    such a column counts when its answers read as addresses or numbers, and a question that
    merely mentions email ("Join our email list?") stays an answer."""
    path = tmp_path / "tally.csv"
    path.write_text(
        '"Submission ID","Respondent ID","Submitted at","What\'s your name?",'
        '"Join our email list?","Email (Gitstart mail)","Ваш номер телефона для связи"\n'
        '"X51KPE4","rjpPDQp","2026-08-06 05:56:31","Jojo","Yes","jojo@studio.example",'
        '"+7 (912) 345-67-89"\n',
        encoding="utf-8",
    )
    (brief,) = read(path)
    assert brief.form == "tally" and brief.row_key == "form:tally:X51KPE4"
    assert (brief.email, brief.phone) == ("jojo@studio.example", "+7 (912) 345-67-89")
    assert brief.received == datetime(2026, 8, 6, 5, 56, 31, tzinfo=UTC)
    assert brief.answers == [("What's your name?", "Jojo"), ("Join our email list?", "Yes")]
    path.write_text(
        "Timestamp,Join our email list?,Anything else?\n4/27/2021 11:02:10,Yes,No\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="no email or phone column"):
        read(path)


def test_russian_google_forms_with_a_us_time_and_an_offset(tmp_path: Path) -> None:
    """A Russian-language Google Form whose owner's locale writes US-style times with an
    offset (`12/15/2025 10:18:29 GMT+7`, seen in a public export)."""
    path = tmp_path / "ответы.csv"
    path.write_text(
        '"Отметка времени","Адрес электронной почты","Ваше имя","Что нужно сделать?"\n'
        '"12/15/2025 10:18:29 GMT+7","olga@bakery.example","Ольга","Сайт, логотип"\n',
        encoding="utf-8",
    )
    (brief,) = read(path)
    assert brief.form == "google-forms"
    assert brief.received == datetime(2025, 12, 15, 3, 18, 29, tzinfo=UTC)
    assert (brief.name, brief.email) == ("Ольга", "olga@bakery.example")
    assert brief.answers == [("Что нужно сделать?", "Сайт, логотип")]


def test_slash_dates_follow_the_order_the_file_shows(tmp_path: Path) -> None:
    """Google Forms writes the spreadsheet locale's dates: `4/27/2021` (US, as in the real
    export above) or `27/04/2021` (British, French, Russian…). A first number over 12 anywhere
    in the file makes the whole file day-first; otherwise month-first, as before. A file that
    shows both orders is refused whole; a config's own format is kept as given."""
    path = tmp_path / "uk.csv"
    path.write_text(
        "Timestamp,Email Address\n"
        "01/10/2026 10:30:00,a@x.example\n27/10/2026 09:00:00,b@x.example\n",
        encoding="utf-8",
    )
    first, second = read(path)
    assert first.received == datetime(2026, 10, 1, 8, 30, tzinfo=UTC)  # 1 October, Berlin
    assert second.received == datetime(2026, 10, 27, 8, 0, tzinfo=UTC)
    path.write_text("Timestamp,Email Address\n01/10/2026 10:30:00,a@x.example\n", encoding="utf-8")
    (us,) = read(path)
    assert us.received == datetime(2026, 1, 10, 9, 30, tzinfo=UTC)  # 10 January
    path.write_text(
        "Timestamp,Email Address\n"
        "27/10/2026 10:30:00,a@x.example\n10/27/2026 9:00:00,b@x.example\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="line 3: can't read '10/27/2026 9:00:00'"):
        read(path)
    mapping = FormMapping(
        name="site",
        columns={"received": ("Когда",), "email": ("Почта",)},
        received_formats=("%d/%m/%Y %H:%M",),
    )
    cfg = dataclasses.replace(
        CFG, intake=IntakeSettings(forms={"site": FormSource("site", None, mapping)})
    )
    path.write_text("Когда;Почта\n01/10/2026 10:30;a@x.example\n", encoding="utf-8")
    (site,) = read(path, "site", cfg)
    assert site.received == datetime(2026, 10, 1, 8, 30, tzinfo=UTC)
