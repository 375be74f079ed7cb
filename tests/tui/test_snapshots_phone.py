"""SVG snapshots of a phone-sized screen (`amtui web` on a phone: 40–45 columns).

Update after an intended visual change:
`pytest tests/tui/test_snapshots_phone.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from tests.tui.conftest import after_keys as _after


def test_inbox_at_45x30(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(45, 30), run_before=_after())


def test_board_at_45x30(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(45, 30), run_before=_after("2"))


def test_agenda_at_40x25(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(40, 25), run_before=_after("3"))


def test_new_task_form_at_40x25(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(40, 25), run_before=_after("2", "n"))
