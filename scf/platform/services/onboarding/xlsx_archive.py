"""What an .xlsx must be before openpyxl parses it (issue #12, findings 2 and 12).

An .xlsx is a zip archive of XML parts. Its size on the wire says little: one part of
a 4 MB upload inflated to 4 GB, and openpyxl holds a whole text node in memory several
times over while it parses. Two steps, each refusing with one sentence that names the
file and the limit, and nothing written:

1. ``check_archive`` reads the central directory only — nothing inflated — and bounds
   the number of parts, what they inflate to together, and each part's inflation against
   its compressed size (parts under ``RATIO_GRACE_BYTES`` are not judged by their ratio,
   as in Apache POI: a small part of repeated markup deflates far, and harmlessly).
   The sizes it reads are binding: ``zipfile`` stops inflating a part at its declared
   size and checks its CRC, so a part that lies about its size is cut off and refused.
2. ``scan_parts`` inflates each XML part once, streaming a chunk at a time, and refuses
   a DTD (``<!DOCTYPE``: the door to entity expansion, the "billion laughs"; Excel never
   writes one) and any run of more than ``MAX_TEXT_RUN`` bytes without a ``<``: no cell
   holds that much (Excel's own limit is 32,767 characters), and such a text would be
   held whole, several times, by the parser. ``defusedxml`` (which openpyxl uses when it
   is installed) is the second line: it refuses entity declarations wherever they are.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from typing import IO

from scf.platform.services.onboarding.limits import FileLimits, megabytes
from scf.platform.services.onboarding.parsed import refuse

RATIO_GRACE_BYTES = 100 * 1024
MAX_TEXT_RUN = 1024 * 1024
XML_PARTS = (".xml", ".rels")
# "<!DOCTYPE" in UTF-8, UTF-16 little-endian and UTF-16 big-endian.
_DOCTYPE = re.compile(
    b"|".join(re.escape("<!DOCTYPE".encode(codec)) for codec in ("utf-8", "utf-16-le", "utf-16-be"))
)
_OVERLAP = len("<!DOCTYPE".encode("utf-16-le"))


def check_archive(filename: str, entries: Sequence[zipfile.ZipInfo], limits: FileLimits) -> None:
    """Refuse, from the central directory alone, an archive no workbook would be."""
    name = f"“{filename}”"
    if len(entries) > limits.max_entries:
        raise refuse(
            f"{name}: 压缩包内文件过多 (too many parts in the archive): {len(entries):,} 个，"
            f"上限 {limits.max_entries:,} (limit SCF_ONBOARDING_MAX_ENTRIES)"
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed:
        raise refuse(
            f"{name}: 解压后过大 (too large uncompressed): {megabytes(total)} MB，"
            f"上限 {megabytes(limits.max_uncompressed)} MB (limit SCF_ONBOARDING_MAX_UNCOMPRESSED)"
        )
    for entry in entries:
        inflated, deflated = entry.file_size, entry.compress_size
        if inflated > RATIO_GRACE_BYTES and inflated > limits.max_ratio * deflated:
            ratio = f"{inflated / deflated:,.0f}:1" if deflated else "∞"
            raise refuse(
                f"{name}: 压缩比过高 (compression ratio too high): {entry.filename} {ratio}，"
                f"上限 {limits.max_ratio}:1 (limit SCF_ONBOARDING_MAX_RATIO)"
            )


def scan_parts(filename: str, archive: zipfile.ZipFile) -> None:
    """Refuse a DTD or an overlong text in any XML part, before openpyxl parses one."""
    for entry in archive.infolist():
        if not entry.filename.lower().endswith(XML_PARTS):
            continue
        with archive.open(entry) as stream:
            problem = _scan(stream)
        if problem == "doctype":
            raise refuse(
                f"“{filename}”: {entry.filename} 含DTD或实体声明，拒绝解析 "
                "(a DTD or entity declaration: refused, never expanded)"
            )
        if problem == "long":
            raise refuse(
                f"“{filename}”: {entry.filename} 含超过 {MAX_TEXT_RUN // 1024:,} KB 的连续文本 "
                f"(a text longer than {MAX_TEXT_RUN // 1024:,} KB): "
                "不是电子表格的内容 (no spreadsheet cell holds that much)"
            )


def _scan(stream: IO[bytes]) -> str | None:
    """``doctype``, ``long`` or None, reading ``MAX_TEXT_RUN`` bytes at a time.

    A run without ``<`` inside one chunk is shorter than the chunk, so only a run that
    crosses chunk boundaries can be too long: the bytes after the last ``<`` of one
    chunk and before the first ``<`` of the next are added up.
    """
    run, tail = 0, b""
    while chunk := stream.read(MAX_TEXT_RUN):
        if _DOCTYPE.search(chunk) or _DOCTYPE.search(tail + chunk[:_OVERLAP]):
            return "doctype"
        tail = chunk[-_OVERLAP:]
        first = chunk.find(b"<")
        if first == -1:
            run += len(chunk)
        else:
            if run + first > MAX_TEXT_RUN:
                return "long"
            run = len(chunk) - chunk.rfind(b"<") - 1
        if run > MAX_TEXT_RUN:
            return "long"
    return None
