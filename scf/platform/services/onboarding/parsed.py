"""The table read from a file, whatever its format: the header and the data rows.

Rows are numbered as the user sees them in Excel: the header is row 1, blank rows keep
their number but are skipped. What a row keeps is bounded, so that a file within the
limits cannot grow in memory while it is read: at most ``max_rows`` rows, only the
columns the header names, no cell longer than ``MAX_CELL_CHARS`` (five times the longest
value a column takes, a name of 200 characters), and one string for equal texts — a
workbook's shared string that a hundred thousand cells point at stays one string.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scf.platform.errors import ValidationFailed
from scf.platform.services.onboarding.columns import HeaderMap, column_letter

CellValue = str | int | float | dt.date | dt.datetime | bool
MAX_CELL_CHARS = 1000


def refuse(message: str, key: str = "file") -> ValidationFailed:
    return ValidationFailed(message, errors={key: [message]})


def present(value: Any) -> bool:
    """A value, not an empty or blank cell (checked without copying a long text)."""
    if isinstance(value, str):
        return bool(value) and not value.isspace()
    return value is not None


@dataclass(frozen=True)
class RawRow:
    """One data row: its number as Excel shows it, and the non-empty cells by key."""

    number: int
    cells: dict[str, CellValue]


@dataclass
class ParsedFile:
    file_format: str
    encoding: str | None
    header: HeaderMap
    rows: list[RawRow] = field(default_factory=list)
    _texts: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def notes(self) -> list[str]:
        """File-level remarks the report carries (the format read, columns ignored)."""
        read = self.file_format.upper() + (f" ({self.encoding})" if self.encoding else "")
        notes = [f"文件格式 (read as): {read}"]
        if self.header.ignored:
            notes.append(
                "已忽略未知的列 (unknown columns ignored): " + "、".join(self.header.ignored)
            )
        return notes

    def add_row(self, number: int, values: Sequence[Any], max_rows: int) -> None:
        """Keep a data row's cells under their keys; a blank row carries nothing."""
        if not any(present(v) for v in values):
            return
        if len(self.rows) >= max_rows:
            raise refuse(
                f"行数过多 (too many rows): 超过 {max_rows:,} 行数据的上限 "
                f"(more than {max_rows:,} data rows; limit SCF_ONBOARDING_MAX_ROWS); "
                "请拆分文件 (split the file)"
            )
        cells: dict[str, CellValue] = {}
        for key, position in self.header.positions.items():
            if position < len(values) and present(values[position]):
                cells[key] = self._kept(values[position], number, position)
        self.rows.append(RawRow(number, cells))

    def _kept(self, value: Any, number: int, position: int) -> Any:
        """A cell's value as kept: a text stripped, refused when no column takes that long."""
        if not isinstance(value, str):
            return value
        if len(value) > MAX_CELL_CHARS:
            cell = f"{column_letter(position)}{number}"
            raise refuse(
                f"第{number}行 {column_letter(position)}列 单元格过长 (cell {cell} too long): "
                f"{len(value):,} 字，上限 {MAX_CELL_CHARS:,} (at most {MAX_CELL_CHARS:,} characters)"
            )
        stripped = value.strip()
        if stripped is value:
            return value
        return self._texts.setdefault(stripped, stripped)

    def require_data(self) -> ParsedFile:
        if not self.rows:
            raise refuse("文件只有表头，没有数据行 (no data rows below the header)")
        return self
