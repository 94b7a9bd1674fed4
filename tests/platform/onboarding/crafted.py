"""Hostile .xlsx files, built from a good one the way an attacker would edit it: a part
rewritten (a lying ``<dimension>``, XML entities, a huge cell), a central directory that
under-declares a size, an archive with too many entries."""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from collections.abc import Callable

from tests.platform.onboarding.support import (
    DEALER_B,
    SUPPLIER_A,
    SUPPLIER_C,
    code,
    table,
    xlsx_file,
)

SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


SHARED_STRINGS = "xl/sharedStrings.xml"
_INLINE = re.compile(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>(.*?)</t></is></c>')


def supplier_workbook(rows: list[dict[str, str]] | None = None) -> bytes:
    """A supplier file as Excel saves it: its texts in the shared-string table."""
    return shared_strings(xlsx_file(table(rows or [SUPPLIER_A])))


def five_suppliers() -> list[dict[str, str]]:
    """Five valid rows (A, B, C and two more like A)."""
    return [
        SUPPLIER_A,
        DEALER_B,
        SUPPLIER_C,
        SUPPLIER_A | {"uscc": code(104), "name": "唐山丁公司"},
        SUPPLIER_A | {"uscc": code(105), "name": "唐山戊公司"},
    ]


def shared_strings(data: bytes) -> bytes:
    """openpyxl writes texts inline; Excel writes them once, in ``xl/sharedStrings.xml``,
    and the cells point at them by number."""
    texts: list[str] = []

    def shared(cell: re.Match[str]) -> str:
        texts.append(cell[2])
        return f'<c r="{cell[1]}" t="s"><v>{len(texts) - 1}</v></c>'

    data = rewrite_part(data, SHEET, lambda xml: _INLINE.sub(shared, xml))
    table_xml = (
        f'<sst xmlns="{MAIN_NS}" count="{len(texts)}" uniqueCount="{len(texts)}">'
        + "".join(f"<si><t>{text}</t></si>" for text in texts)
        + "</sst>"
    )
    data = rewrite_part(
        data,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            "</Types>",
            f'<Override PartName="/{SHARED_STRINGS}" ContentType="{SHARED_TYPE}"/></Types>',
        ),
    )
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(SHARED_STRINGS, table_xml)
    return out.getvalue()


def rewrite_part(data: bytes, name: str, change: Callable[[str], str]) -> bytes:
    """The same workbook with one XML part changed (deflated at the strongest level)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == name:
                body = change(body.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, body)
    return out.getvalue()


def add_entries(data: bytes, count: int) -> bytes:
    """The workbook with ``count`` extra tiny parts (``customXml/item<n>.xml``)."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for n in range(count):
            archive.writestr(f"customXml/item{n}.xml", "<a/>")
    return out.getvalue()


def with_cell(data: bytes, reference: str, text: str) -> bytes:
    """The sheet with one inline-string cell at ``reference`` (e.g. Z3): added to its row,
    or in a row of its own after the others."""
    number = "".join(ch for ch in reference if ch.isdigit())
    cell = f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'

    def change(xml: str) -> str:
        start = xml.find(f'<row r="{number}"')
        if start == -1:
            return xml.replace("</sheetData>", f'<row r="{number}">{cell}</row></sheetData>')
        end = xml.index("</row>", start)
        return xml[:end] + cell + xml[end:]

    return rewrite_part(data, SHEET, change)


def zip_bomb(megabytes: int) -> bytes:
    """A good supplier file plus one cell of ``megabytes`` MiB of the letter a in column Z:
    about a thousand to one, so 100 MiB travel in about 100 KiB."""
    return with_cell(supplier_workbook(), "Z3", "a" * (megabytes * 1024 * 1024))


def noise(megabytes: float, seed: int = 12) -> str:
    """Letters that deflate about two to one: a large part that is no bomb by its ratio."""
    rng = random.Random(seed)
    return "".join(rng.choices("abcdefghijklmnop", k=int(megabytes * 1024 * 1024)))


def lying_dimension(data: bytes, reference: str) -> bytes:
    """The sheet's ``<dimension ref=…>`` replaced by ``reference`` (e.g. ``A1:S2``)."""

    def change(xml: str) -> str:
        start = xml.index("<dimension ")
        end = xml.index("/>", start) + 2
        return xml[:start] + f'<dimension ref="{reference}"/>' + xml[end:]

    return rewrite_part(data, SHEET, change)


def laughs(depth: int) -> str:
    """The "billion laughs" DTD: each entity ten of the one before, ``&lol<depth>;`` is
    3 × 10^(depth-1) characters when expanded."""
    entities = ['<!ENTITY lol1 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(2, depth + 1)
    ]
    return "<!DOCTYPE lolz [" + "".join(entities) + "]>"


def with_entities(data: bytes, part: str, depth: int) -> bytes:
    """``part`` with the laughs DTD at its start (after an XML declaration, if any) and the
    deepest entity used: as the firm's name in the shared strings, as a cell of its own in
    the sheet, as the sheet's name in the workbook."""

    def change(xml: str) -> str:
        start = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
        xml = xml[:start] + laughs(depth) + xml[start:]
        entity = f"&lol{depth};"
        if part == SHARED_STRINGS:
            return xml.replace(SUPPLIER_A["name"], entity, 1)
        if part == SHEET:
            cell = f'<c r="Z2" t="inlineStr"><is><t>{entity}</t></is></c>'
            return xml.replace("</row></sheetData>", cell + "</row></sheetData>", 1)
        return re.sub(r'<sheet name="[^"]*"', f'<sheet name="{entity}"', xml, count=1)

    return rewrite_part(data, part, change)


def under_declared(data: bytes, part: str, declared: int) -> bytes:
    """The central directory says ``part`` inflates to ``declared`` bytes; it inflates to more."""
    archive = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        info = source.getinfo(part)
    name = part.encode()
    record = archive.index(b"PK\x01\x02")
    while True:  # find the central-directory record of ``part``
        name_length = struct.unpack_from("<H", archive, record + 28)[0]
        if archive[record + 46 : record + 46 + name_length] == name:
            break
        record = archive.index(b"PK\x01\x02", record + 4)
    assert struct.unpack_from("<I", archive, record + 24)[0] == info.file_size
    struct.pack_into("<I", archive, record + 24, declared)
    return bytes(archive)
