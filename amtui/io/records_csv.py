"""amtui's own CSV files, one kind of record each (`amtui export --format csv --kind …`).

Written for spreadsheets: UTF-8 with a byte-order mark (so Excel reads Cyrillic and emoji
right), RFC 4180 quoting and CRLF rows, and every cell a spreadsheet could run as a formula
neutralised (`text.csv_safe`: a quote before `=`, `+`, `-`, `@`, a tab or a CR, and before a
leading quote). Reading undoes exactly that (`text.csv_restore`), so the text comes back as
it was. Which columns there are and what each cell means is `amtui.core.archive`'s business.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from amtui.core.errors import InputError
from amtui.core.text import csv_restore, csv_safe, one_line


def write_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(name) for name in header])
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def read_csv(data: bytes, *, source: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a CSV file amtui wrote (or one with the same columns)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{source} is not UTF-8 text (byte {error.start}); amtui's CSV files are UTF-8"
        ) from None
    if "\x00" in text:
        raise InputError(f"{source} holds NUL bytes: it is not a CSV file")
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise InputError(f"{source} is not valid CSV ({one_line(str(error))})") from None
    if not table:
        raise InputError(f"{source} is empty: an amtui CSV file starts with its header row")
    header = [csv_restore(name) for name in table[0]]
    rows = []
    for number, row in enumerate(table[1:], 2):
        if len(row) != len(header):
            raise InputError(
                f"{source} row {number}: {len(row)} cells where the header has {len(header)}"
                " (is the file cut short?)"
            )
        rows.append([csv_restore(cell) for cell in row])
    return header, rows
