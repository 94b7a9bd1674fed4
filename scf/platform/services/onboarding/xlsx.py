"""Reading the first sheet of an .xlsx, row by row, trusting nothing it says of itself.

The archive is checked before it is parsed (``xlsx_archive``); openpyxl then reads in
read-only mode, one row at a time, and the reading stops at the row limit. The sheet's
``<dimension>`` tag is only its writer's claim — trusted, it once cut a file of five
rows to one, reported "loaded" (issue #12, finding 5) — so it is dropped and the rows
are read to the end of the sheet. The header is the table: cells in columns with no
header are not read, so that a stray cell in column XFD does not turn every row into
16,384 cells. Formula cells are refused (a value Excel computed is not a value the
customer stated, and openpyxl cannot compute it anyway).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from scf.platform.errors import ConfigurationError, ValidationFailed
from scf.platform.services.onboarding.columns import TargetKind, column_letter, map_header
from scf.platform.services.onboarding.limits import FileLimits
from scf.platform.services.onboarding.parsed import ParsedFile, present, refuse
from scf.platform.services.onboarding.xlsx_archive import check_archive, scan_parts

ZIP_MAGIC = b"PK\x03\x04"
EXCEL_LAST_ROW = 1_048_576
# What parsing a malformed workbook raises: a broken archive or CRC, bad XML
# (ElementTree's ParseError is a SyntaxError), defusedxml's refusals (ValueError), a
# shared string or style that does not exist (IndexError, KeyError), a bad number.
MALFORMED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
)


def read_xlsx(filename: str, data: bytes, target: TargetKind, limits: FileLimits) -> ParsedFile:
    """Check the archive, then read the header and the data rows of the first sheet."""
    if not data.startswith(ZIP_MAGIC):
        raise _invalid(filename, "not a zip archive")
    _require_defusedxml()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(filename, archive.infolist(), limits)
            scan_parts(filename, archive)
        return _read_sheet(data, target, limits.max_rows)
    except MALFORMED as error:
        raise _invalid(filename, type(error).__name__) from None


def _invalid(filename: str, reason: str) -> ValidationFailed:
    return refuse(f"“{filename}”: 不是有效的 .xlsx 文件 (not a valid .xlsx workbook): {reason}")


def _require_defusedxml() -> None:
    """openpyxl parses through defusedxml only when it is installed and not switched off
    (``OPENPYXL_DEFUSEDXML``); without it no upload is parsed."""
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        raise ConfigurationError(
            "openpyxl 未使用 defusedxml (openpyxl does not parse through defusedxml): "
            "install defusedxml and leave OPENPYXL_DEFUSEDXML unset"
        )


def _read_sheet(data: bytes, target: TargetKind, max_rows: int) -> ParsedFile:
    from openpyxl import load_workbook
    from openpyxl.cell.read_only import EMPTY_CELL

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        if not book.worksheets:
            raise refuse("工作簿没有工作表 (the workbook has no sheet)")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the <dimension> tag is its writer's claim, not a fact
        first = next(sheet.iter_rows(min_row=1, max_row=1), ())
        header = [_value(cell, 1, position) for position, cell in enumerate(first)]
        while header and not present(header[-1]):
            header.pop()
        if not header:
            raise refuse("文件为空，第1行没有表头 (the file is empty: no header in row 1)")
        titles = ["" if value is None else str(value) for value in header]
        parsed = ParsedFile("xlsx", None, map_header(titles, target))
        rows = sheet.iter_rows(min_row=2, max_col=len(header))
        for number, row in enumerate(rows, start=2):
            if number > EXCEL_LAST_ROW:
                raise refuse(
                    f"第{number:,}行超出Excel的最后一行 {EXCEL_LAST_ROW:,} "
                    f"(row {number:,} is past Excel's last row, {EXCEL_LAST_ROW:,})"
                )
            if all(cell is EMPTY_CELL for cell in row):
                continue  # a row the sheet does not have: blank, and cheap to skip
            values = [_value(cell, number, position) for position, cell in enumerate(row)]
            parsed.add_row(number, values, max_rows)
    finally:
        book.close()
    return parsed.require_data()


def _value(cell: Any, number: int, position: int) -> Any:
    if getattr(cell, "data_type", None) == "f":
        raise refuse(
            f"第{number}行 {column_letter(position)}列 单元格含公式 (formula in cell "
            f"{column_letter(position)}{number}): 请复制后“选择性粘贴-数值” "
            "(paste values only; formulas are refused)"
        )
    return getattr(cell, "value", None)
