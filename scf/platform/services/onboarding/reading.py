"""Reading an uploaded file into rows, refusing what is not a table we can trust.

Accepted: CSV in UTF-8 (with or without BOM) or GBK/GB18030 — what Excel in China
writes when it saves "CSV (逗号分隔)" — and XLSX through openpyxl. Refused, each
with one clear sentence and before anything is written: another file type (the old
binary ``.xls`` included), an empty file, a file over the size limit, binary content
under a ``.csv`` name, a header without the required columns, no data rows, more
rows than the limit, and formula cells (a value computed by Excel is not a value
the customer stated, and openpyxl cannot compute it anyway).

Rows are numbered as the user sees them in Excel: the header is row 1, blank rows
keep their number but are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from scf.platform.config import Settings
from scf.platform.errors import ValidationFailed
from scf.platform.services.onboarding.columns import (
    HeaderMap,
    TargetKind,
    column_letter,
    map_header,
)

CellValue = str | int | float | dt.date | dt.datetime | bool
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc)
FILE_TYPES = ("csv", "xlsx")


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


def refuse(message: str, key: str = "file") -> ValidationFailed:
    return ValidationFailed(message, errors={key: [message]})


def file_type(filename: str) -> str:
    """``csv`` or ``xlsx`` from the name; anything else is refused by name."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix in FILE_TYPES:
        return suffix
    if suffix == "xls":
        raise refuse(
            "不支持旧版Excel .xls 文件，请另存为 .xlsx 或 CSV (the old .xls format is not "
            "supported; save as .xlsx or CSV)"
        )
    shown = f".{suffix}" if suffix else "无扩展名 (no extension)"
    raise refuse(
        f"不支持的文件类型 {shown} (unsupported file type): 请上传 .csv 或 .xlsx "
        "(upload a .csv or .xlsx file)"
    )


@dataclass(frozen=True)
class FileLimits:
    """How large a file may be: bytes (SCF_ONBOARDING_MAX_BYTES) and data rows
    (SCF_ONBOARDING_MAX_ROWS). The web server refuses a larger body before reading it."""

    max_bytes: int
    max_rows: int

    @classmethod
    def of(cls, settings: Settings) -> FileLimits:
        return cls(settings.onboarding_max_bytes, settings.onboarding_max_rows)


TOO_LARGE = "文件过大 (file too large)"


def size_limit(max_bytes: int) -> str:
    """The limit as a refused file is told it, wherever the size was caught."""
    return f"上限 {_mb(max_bytes)} MB (limit SCF_ONBOARDING_MAX_BYTES); 请拆分文件 (split the file)"


def too_large(max_bytes: int, size: int | None = None) -> str:
    """The refusal of a file over the limit; ``size`` is unknown when the web server
    refused the body unread."""
    read = "" if size is None else f"{_mb(size)} MB，"
    return f"{TOO_LARGE}: {read}{size_limit(max_bytes)}"


def read_file(filename: str, data: bytes, target: TargetKind, limits: FileLimits) -> ParsedFile:
    """Check the file's type and size, then read its header and data rows."""
    kind = file_type(filename)
    if not data:
        raise refuse("文件为空 (the file is empty)")
    if len(data) > limits.max_bytes:
        raise refuse(too_large(limits.max_bytes, len(data)))
    if kind == "xlsx":
        return _read_xlsx(data, target, limits.max_rows)
    return _read_csv(data, target, limits.max_rows)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


# -- CSV ------------------------------------------------------------------------------
def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with BOM, UTF-8, then GB18030 (a superset of GBK)."""
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        raise refuse(
            "文件扩展名是 .csv，内容却是Excel工作簿 (an Excel workbook named .csv): "
            "请以 .xlsx 上传或另存为CSV (upload it as .xlsx, or save it as CSV)"
        )
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        raise refuse(
            "不支持UTF-16编码的文本 (UTF-16 text is not supported): "
            "请另存为“CSV UTF-8”或“CSV (逗号分隔)” (save as CSV UTF-8 or CSV)"
        )
    if b"\x00" in data[:65536]:
        raise _binary()
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8", errors="strict"), "UTF-8 BOM"
    else:
        try:
            text, encoding = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("gb18030"), "GBK/GB18030"
            except UnicodeDecodeError:
                raise refuse(
                    "无法识别的文件编码，既不是UTF-8也不是GBK (not UTF-8 or GBK text): "
                    "请另存为“CSV UTF-8” (save as CSV UTF-8)"
                ) from None
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:65536]):
        raise _binary()
    return text, encoding


def _binary() -> ValidationFailed:
    return refuse(
        "文件不是文本表格，可能是二进制文件改了扩展名 (not a CSV text file: binary content)"
    )


def _read_csv(data: bytes, target: TargetKind, max_rows: int) -> ParsedFile:
    text, encoding = decode_text(data)
    if not text.strip():
        raise refuse("文件为空 (the file is empty)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = enumerate(reader, start=1)
        header = next(records)
        mapped = map_header([str(c) for c in header[1]], target)
        parsed = ParsedFile("csv", encoding, mapped)
        for number, cells in records:
            _append(parsed, number, cells, max_rows)
    except csv.Error as error:
        raise refuse(
            f"第{reader.line_num}行CSV格式错误 (malformed CSV at row {reader.line_num}): {error}"
        ) from None
    return _require_data(parsed)


# -- XLSX -----------------------------------------------------------------------------
def _read_xlsx(data: bytes, target: TargetKind, max_rows: int) -> ParsedFile:
    from openpyxl import load_workbook

    if not data.startswith(ZIP_MAGIC):
        raise refuse("不是有效的 .xlsx 文件 (not a valid .xlsx workbook)")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise refuse(
            f"不是有效的 .xlsx 文件 (not a valid .xlsx workbook): {type(error).__name__}"
        ) from None
    try:
        if not book.worksheets:
            raise refuse("工作簿没有工作表 (the workbook has no sheet)")
        sheet = book.worksheets[0]
        parsed: ParsedFile | None = None
        for number, row in enumerate(sheet.iter_rows(), start=1):
            values = [_xlsx_value(cell, number, position) for position, cell in enumerate(row)]
            if parsed is None:
                if number > 1 or not any(_present(v) for v in values):
                    break  # row 1 must be the header
                header = ["" if v is None else str(v) for v in values]
                parsed = ParsedFile("xlsx", None, map_header(header, target))
                continue
            _append(parsed, number, values, max_rows)
    finally:
        book.close()
    if parsed is None:
        raise refuse("文件为空，第1行没有表头 (the file is empty: no header in row 1)")
    return _require_data(parsed)


def _xlsx_value(cell: Any, number: int, position: int) -> Any:
    if getattr(cell, "data_type", None) == "f":
        raise refuse(
            f"第{number}行 {column_letter(position)}列 单元格含公式 (formula in cell "
            f"{column_letter(position)}{number}): 请复制后“选择性粘贴-数值” "
            "(paste values only; formulas are refused)"
        )
    return getattr(cell, "value", None)


# -- common ---------------------------------------------------------------------------
def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _append(parsed: ParsedFile, number: int, values: list[Any], max_rows: int) -> None:
    cells: dict[str, CellValue] = {}
    for key, position in parsed.header.positions.items():
        if position < len(values) and _present(values[position]):
            value = values[position]
            cells[key] = value.strip() if isinstance(value, str) else value
    if not any(_present(v) for v in values):
        return  # a blank row keeps its number but carries nothing
    if len(parsed.rows) >= max_rows:
        raise refuse(
            f"行数过多 (too many rows): 超过 {max_rows:,} 行数据的上限 "
            f"(more than {max_rows:,} data rows; limit SCF_ONBOARDING_MAX_ROWS); "
            "请拆分文件 (split the file)"
        )
    parsed.rows.append(RawRow(number, cells))


def _require_data(parsed: ParsedFile) -> ParsedFile:
    if not parsed.rows:
        raise refuse("文件只有表头，没有数据行 (no data rows below the header)")
    return parsed
