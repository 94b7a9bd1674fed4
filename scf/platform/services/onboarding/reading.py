"""Reading an uploaded file into rows, refusing what is not a table we can trust.

Accepted: CSV in UTF-8 (with or without BOM) or GBK/GB18030 — what Excel in China
writes when it saves "CSV (逗号分隔)" — and XLSX (``xlsx``). Refused, each with one
clear sentence and before anything is written: another file type (the old binary
``.xls`` included), an empty file, a file over the size limit, binary content under a
``.csv`` name, a header without the required columns, no data rows, more rows than the
limit, a cell longer than any column takes, and — for XLSX — an archive over its limits
(``limits``), XML entities, and formula cells.

Rows are numbered as the user sees them in Excel (``parsed``).
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePath

from scf.platform.errors import ValidationFailed
from scf.platform.services.onboarding.columns import TargetKind, map_header
from scf.platform.services.onboarding.limits import FileLimits, too_large
from scf.platform.services.onboarding.parsed import ParsedFile, refuse
from scf.platform.services.onboarding.xlsx import ZIP_MAGIC, read_xlsx

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc)
FILE_TYPES = ("csv", "xlsx")


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


def read_file(filename: str, data: bytes, target: TargetKind, limits: FileLimits) -> ParsedFile:
    """Check the file's type and size, then read its header and data rows."""
    kind = file_type(filename)
    if not data:
        raise refuse("文件为空 (the file is empty)")
    if len(data) > limits.max_bytes:
        raise refuse(too_large(limits.max_bytes, len(data)))
    if kind == "xlsx":
        return read_xlsx(filename, data, target, limits)
    return _read_csv(data, target, limits.max_rows)


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
            parsed.add_row(number, cells, max_rows)
    except csv.Error as error:
        raise refuse(
            f"第{reader.line_num}行CSV格式错误 (malformed CSV at row {reader.line_num}): {error}"
        ) from None
    return parsed.require_data()
