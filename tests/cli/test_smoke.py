from __future__ import annotations


def test_quick_add_prints_reference_and_creates_client(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli.ok("add", "Send estimate due:fri 15:00 client:Granel +urgent @copywriter")
    assert out.startswith("Added T1: Send estimate")
    assert "New client Granel (C1) was created." in out
    [task] = cli.json("task", "list")
    assert task["due"] == "2026-11-27T15:00:00+01:00"
    assert task["tags"] == ["urgent"]
    assert task["assignee"] == "copywriter"
    assert task["client"] == {"ref": "C1", "name": "Granel"}
