"""Every snapshot SVG belongs to a snapshot test that still exists.

syrupy reports a snapshot no test uses any more only when the whole run is on one process;
the suite runs on every core (pytest-xdist), so this test holds the files to the tests instead:
`__snapshots__/<test module>/<test name>.svg` needs that module to define that test. (Update
snapshots on one process, where syrupy also deletes unused ones: `--snapshot-update` does not
start workers, tests/conftest.py.)
"""

from __future__ import annotations

import ast
from pathlib import Path

HERE = Path(__file__).parent


def test_every_snapshot_has_its_test() -> None:
    svgs = sorted((HERE / "__snapshots__").glob("*/*.svg"))
    assert svgs, "no snapshots found"
    orphans = []
    for svg in svgs:
        module = HERE / f"{svg.parent.name}.py"
        test = svg.stem.split("[", 1)[0]
        names = (
            {
                node.name
                for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            if module.exists()
            else set()
        )
        if test not in names:
            orphans.append(str(svg.relative_to(HERE)))
    assert orphans == [], f"snapshots without a test (delete them or restore the test): {orphans}"
