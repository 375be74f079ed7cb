"""The config file: every key optional, each bad value and unknown key refused in one line."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from amtui.core import config as config_module
from amtui.core.config import DEFAULT_COLUMNS, ConfigError, config_path, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_there_is_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config_module, "system_timezone", lambda: ZoneInfo("Asia/Tokyo"))
    cfg = load_config(tmp_path / "missing.toml")
    assert cfg.timezone == ZoneInfo("Asia/Tokyo")  # the system's zone
    assert cfg.db is None
    assert cfg.date_order == "dmy"
    assert cfg.default_currency is None
    assert cfg.columns == DEFAULT_COLUMNS
    assert cfg.new_task_column == "To do"
    assert cfg.done_column == "Done"
    assert cfg.done_recent_days == 7
    assert cfg.agenda_days == 7
    assert cfg.first_response_minutes == 15
    assert (cfg.work_start, cfg.work_end) == (time(9), time(18))
    assert cfg.work_days == frozenset({0, 1, 2, 3, 4})


def test_a_full_valid_file(tmp_path: Path) -> None:
    cfg = load_config(
        write(
            tmp_path,
            """
            timezone = "America/New_York"
            date_order = "mdy"
            default_currency = "usd"
            db = "~/work/amtui.db"

            [board]
            columns = ["Ideas", "Doing", "Checking", "Shipped"]
            new_task_column = "Doing"
            done_recent_days = 3

            [agenda]
            days = 14

            [leads]
            first_response_minutes = 30
            work_hours = "08:30-17:00"
            work_days = ["Mon", "tuesday", "wed", "thu", "sat"]
            """,
        )
    )
    assert cfg.timezone == ZoneInfo("America/New_York")
    assert cfg.date_order == "mdy"
    assert cfg.default_currency == "USD"
    assert cfg.db == "~/work/amtui.db"
    assert cfg.columns == ("Ideas", "Doing", "Checking", "Shipped")
    assert cfg.new_task_column == "Doing"
    assert cfg.done_column == "Shipped"
    assert cfg.done_recent_days == 3
    assert cfg.agenda_days == 14
    assert cfg.first_response_minutes == 30
    assert (cfg.work_start, cfg.work_end) == (time(8, 30), time(17))
    assert cfg.work_days == frozenset({0, 1, 2, 3, 5})
    assert cfg.path == tmp_path / "config.toml"


def test_new_task_column_defaults_to_the_first_when_there_is_no_to_do(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, '[board]\ncolumns = ["Open", "Closed"]\n'))
    assert (cfg.new_task_column, cfg.done_column) == ("Open", "Closed")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('timezone = "Mars/Olympus"', "timezone"),
        ("timezone = 5", "timezone"),
        ('date_order = "ymd"', "date_order"),
        ("default_currency = 978", "default_currency"),
        ('default_currency = "euro"', "default_currency"),
        ("db = 1", "db"),
        ("board = 5", "board"),
        ('[board]\ncolumns = ["Only"]', "board.columns"),
        ('[board]\ncolumns = ["Done", "done"]', "board.columns"),
        ('[board]\ncolumns = "To do, Done"', "board.columns"),
        ('[board]\ncolumns = ["To do", ""]', "board.columns"),
        ('[board]\nnew_task_column = "Later"', "board.new_task_column"),
        ("[board]\ndone_recent_days = -1", "board.done_recent_days"),
        ('[agenda]\ndays = "7"', "agenda.days"),
        ("[agenda]\ndays = true", "agenda.days"),
        ("[agenda]\ndays = 1.5", "agenda.days"),
        ("[leads]\nfirst_response_minutes = 0", "leads.first_response_minutes"),
        ('[leads]\nwork_hours = "18:00-09:00"', "leads.work_hours"),
        ('[leads]\nwork_hours = "9-18"', "leads.work_hours"),
        ('[leads]\nwork_hours = "25:00-26:00"', "leads.work_hours"),
        ('[leads]\nwork_hours = "٠٩:٠٠-18:00"', "leads.work_hours"),
        ('[leads]\nwork_days = ["funday"]', "leads.work_days"),
        ('[leads]\nwork_days = "mon-fri"', "leads.work_days"),
        ('[leads]\nfollowup_ladder = "every now and then"', "leads.followup_ladder"),
    ],
)
def test_each_bad_value_is_a_one_line_error_naming_the_key(
    tmp_path: Path, text: str, key: str
) -> None:
    path = write(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert info.value.exit_code == 2
    assert key in message
    assert str(path) in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('colour = "red"', "colour"),
        ("[board]\nwip_limit = 3", "board.wip_limit"),
        ("[display]\ntheme = 'dark'", "display"),
        ("[agenda]\nday = 7", "agenda.day"),
    ],
)
def test_unknown_keys_are_refused(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match="unknown setting") as info:
        load_config(write(tmp_path, text + "\n"))
    assert key in str(info.value)
    assert "\n" not in str(info.value)


def test_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = write(tmp_path, "timezone = \n")
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        load_config(path)
    assert "\n" not in str(info.value) and info.value.exit_code == 2


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'timezone = "\xff\xfe"\n')
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(path)


def test_amtui_config_points_at_the_file(tmp_path: Path) -> None:
    target = write(tmp_path, 'timezone = "Asia/Tokyo"\n')
    assert config_path({"AMTUI_CONFIG": str(target)}) == target
    assert load_config(env={"AMTUI_CONFIG": str(target)}).timezone == ZoneInfo("Asia/Tokyo")


def test_without_amtui_config_the_user_config_directory_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path({}) == tmp_path / "xdg" / "amtui" / "config.toml"


def test_defaults_taken_without_their_checks_are_what_the_checks_make_of_them() -> None:
    from amtui.core.money_config import (
        DEFAULT_LOCALE,
        LOCALE_TAG,
        check_number_pattern,
    )
    from amtui.core.sla import parse_ladder

    path = Path("config.toml")
    assert config_module._work_hours("09:00-18:00", path) == config_module.DEFAULT_WORK_HOURS
    assert parse_ladder(config_module.Config.followup_ladder)
    assert check_number_pattern("{seq}") == "{seq}"
    assert LOCALE_TAG.fullmatch(DEFAULT_LOCALE)
    config = load_config(Path("/nonexistent/amtui-config.toml"))
    assert (config.work_start, config.work_end) == (time(9), time(18))
    assert config.followup_ladder == "1b,3d,1w,2w,1m,3m"
