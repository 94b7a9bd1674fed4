"""Workbooks built to hurt the server (issue #12, findings 2, 5 and 12): a zip bomb, XML
entities, a ``<dimension>`` that lies, a cell as large as the file. Each is refused with
one sentence naming the file and the limit — or, for the lying dimension, read whole —
and nothing is written."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from sqlalchemy.orm import Session

from scf.platform.errors import ValidationFailed
from scf.platform.services.onboarding.limits import FileLimits
from scf.platform.services.onboarding.reading import read_file
from scf.platform.services.onboarding.xlsx_archive import check_archive
from tests.platform.onboarding.crafted import (
    MAIN_NS,
    SHARED_STRINGS,
    SHEET,
    WORKBOOK,
    add_entries,
    five_suppliers,
    laughs,
    lying_dimension,
    noise,
    supplier_workbook,
    under_declared,
    with_cell,
    with_entities,
    zip_bomb,
)
from tests.platform.onboarding.support import SUPPLIER_A, Network, counts, csv_file, line, load

MIB = 1024 * 1024


def read(data: bytes, **limits: Any) -> Any:
    return read_file("suppliers.xlsx", data, "core", FileLimits(20 * MIB, 50_000, **limits))


def refused(session: Session, data: bytes) -> str:
    """Load ``data`` as suppliers.xlsx; the refusal's message, after checking nothing changed."""
    before = counts(session)
    with pytest.raises(ValidationFailed) as refusal:
        load(session, data, filename="suppliers.xlsx")
    assert counts(session) == before
    message = str(refusal.value)
    assert "\n" not in message
    return message


def nothing_inflated(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, opening any part of an archive fails the test."""

    def inflate(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a part was inflated: the archive should have been refused first")

    monkeypatch.setattr(zipfile.ZipFile, "open", inflate)


# -- the zip bomb: the central directory is read, nothing inflated ----------------------------
def test_a_zip_bomb_is_refused_from_its_central_directory_before_anything_is_inflated(
    db_session: Session, network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """101 MiB of one letter in about 100 KiB: over the 100 MiB the archive may inflate to."""
    bomb = zip_bomb(101)
    assert len(bomb) < 200 * 1024
    nothing_inflated(monkeypatch)
    message = refused(db_session, bomb)
    assert message.startswith("“suppliers.xlsx”: 解压后过大 (too large uncompressed): ")
    assert "上限 100.0 MB (limit SCF_ONBOARDING_MAX_UNCOMPRESSED)" in message


def test_a_part_that_inflates_a_thousandfold_is_refused_by_its_ratio(
    db_session: Session, network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One MiB of one letter: far under the size limit, but no spreadsheet deflates 1000:1."""
    bomb = zip_bomb(1)
    nothing_inflated(monkeypatch)
    message = refused(db_session, bomb)
    assert message.startswith(
        f"“suppliers.xlsx”: 压缩比过高 (compression ratio too high): {SHEET} "
    )
    assert "上限 100:1 (limit SCF_ONBOARDING_MAX_RATIO)" in message


def test_plain_data_over_the_uncompressed_limit_is_refused_whatever_its_ratio() -> None:
    """Letters that deflate 2:1 — no bomb by its ratio — 1.2 MiB over a 1 MiB limit."""
    data = with_cell(supplier_workbook(), "Z3", noise(1.2))
    with pytest.raises(ValidationFailed, match="解压后过大") as refusal:
        read(data, max_uncompressed=MIB)
    assert "上限 1.0 MB (limit SCF_ONBOARDING_MAX_UNCOMPRESSED)" in str(refusal.value)


def test_an_archive_of_more_parts_than_allowed_is_refused(
    db_session: Session, network: Network
) -> None:
    with zipfile.ZipFile(io.BytesIO(supplier_workbook())) as archive:
        own = len(archive.infolist())
    message = refused(db_session, add_entries(supplier_workbook(), 1001 - own))
    assert message == (
        "“suppliers.xlsx”: 压缩包内文件过多 (too many parts in the archive): 1,001 个，"
        "上限 1,000 (limit SCF_ONBOARDING_MAX_ENTRIES)"
    )


def entry(name: str, inflated: int, deflated: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = inflated, deflated
    return info


LIMITS = FileLimits(20 * MIB, 50_000, max_uncompressed=10 * MIB, max_ratio=100, max_entries=3)


@pytest.mark.parametrize(
    ("entries", "refusal"),
    [
        # the total: exactly the limit passes, one byte more is refused
        ([entry("a.xml", 6 * MIB, MIB), entry("b.xml", 4 * MIB, MIB)], None),
        ([entry("a.xml", 6 * MIB, MIB), entry("b.xml", 4 * MIB + 1, MIB)], "解压后过大"),
        # the ratio: 100:1 exactly passes, above it is refused
        ([entry("a.xml", 100 * 2048, 2048)], None),
        ([entry("a.xml", 100 * 2048 + 1, 2048)], "压缩比过高"),
        # a part under 100 KiB is not judged by its ratio (an empty sheet deflates 200:1)
        ([entry("a.xml", 100 * 1024, 10)], None),
        ([entry("a.xml", 100 * 1024 + 1, 10)], "压缩比过高"),
        # a part stored or deflated to nothing cannot divide by zero
        ([entry("a.xml", 200 * 1024, 0)], "压缩比过高"),
        # the number of parts: three pass, four are refused
        ([entry(f"{n}.xml", 10, 10) for n in range(3)], None),
        ([entry(f"{n}.xml", 10, 10) for n in range(4)], "压缩包内文件过多"),
    ],
)
def test_the_archive_limits_at_their_boundaries(
    entries: list[zipfile.ZipInfo], refusal: str | None
) -> None:
    if refusal is None:
        check_archive("s.xlsx", entries, LIMITS)
    else:
        with pytest.raises(ValidationFailed, match=refusal):
            check_archive("s.xlsx", entries, LIMITS)


def test_the_archive_limits_are_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scf.platform.config import Settings
    from scf.platform.errors import ConfigurationError

    def archive_limits() -> tuple[int, int, int]:
        limits = FileLimits.of(Settings.from_env(serving=False))
        return limits.max_uncompressed, limits.max_ratio, limits.max_entries

    assert archive_limits() == (100 * MIB, 100, 1000)
    monkeypatch.setenv("SCF_ONBOARDING_MAX_UNCOMPRESSED", "209715200")
    monkeypatch.setenv("SCF_ONBOARDING_MAX_RATIO", "50")
    monkeypatch.setenv("SCF_ONBOARDING_MAX_ENTRIES", "200")
    assert archive_limits() == (200 * MIB, 50, 200)
    monkeypatch.setenv("SCF_ONBOARDING_MAX_RATIO", "0")
    with pytest.raises(ConfigurationError, match="SCF_ONBOARDING_MAX_RATIO"):
        Settings.from_env(serving=False)


def test_a_part_larger_than_its_central_directory_says_is_refused_not_inflated_past_it(
    db_session: Session, network: Network
) -> None:
    """zipfile stops at the declared size and checks the CRC: the lie ends the reading."""
    message = refused(db_session, under_declared(supplier_workbook(), SHEET, 200))
    assert message.startswith(
        "“suppliers.xlsx”: 不是有效的 .xlsx 文件 (not a valid .xlsx workbook)"
    )


# -- XML entities: refused, never expanded ----------------------------------------------------
def test_openpyxl_parses_every_part_through_defusedxml() -> None:
    """The second line behind the scan for DTDs: openpyxl's own parser refuses entities."""
    import openpyxl
    from defusedxml import EntitiesForbidden
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    xml = f'{laughs(2)}<sst xmlns="{MAIN_NS}"><si><t>&lol2;</t></si></sst>'.encode()
    with pytest.raises(EntitiesForbidden):
        list(functions.iterparse(io.BytesIO(xml)))
    with pytest.raises(EntitiesForbidden):
        functions.fromstring(xml)


@pytest.mark.parametrize("part", [SHEET, SHARED_STRINGS, WORKBOOK])
def test_a_billion_laughs_is_refused_not_expanded(
    db_session: Session, network: Network, part: str
) -> None:
    """Nine levels of ten: three hundred million characters if expanded."""
    message = refused(db_session, with_entities(supplier_workbook(), part, depth=9))
    assert message == (
        f"“suppliers.xlsx”: {part} 含DTD或实体声明，拒绝解析 (a DTD or entity declaration: "
        "refused, never expanded)"
    )


def test_a_single_small_entity_is_refused_too(db_session: Session, network: Network) -> None:
    """Three levels — 300 characters — would pass any size limit: the declaration is refused."""
    message = refused(db_session, with_entities(supplier_workbook(), SHARED_STRINGS, depth=3))
    assert "refused, never expanded" in message


# -- the dimension: recomputed, never trusted -------------------------------------------------


def test_five_rows_under_a_dimension_of_one_all_load(db_session: Session, network: Network) -> None:
    """Declared A1:S2 (a header and one row); the sheet holds five data rows."""
    data = lying_dimension(supplier_workbook(five_suppliers()), "A1:S2")
    batch = load(db_session, data, filename="suppliers.xlsx")
    assert batch.status == "loaded"
    assert [line(batch, n)["status"] for n in range(2, 7)] == ["created"] * 5


def test_columns_beyond_a_narrow_dimension_are_read(db_session: Session, network: Network) -> None:
    """Declared A1:C2: without column D (relation) onwards the row would miss required values."""
    parsed = read(lying_dimension(supplier_workbook(), "A1:C2"))
    assert parsed.rows[0].cells["requested_amount"] == SUPPLIER_A["requested_amount"]
    assert len(parsed.rows[0].cells) == len(SUPPLIER_A)


def test_a_dimension_declaring_a_million_rows_reads_only_the_rows_there() -> None:
    parsed = read(lying_dimension(supplier_workbook(five_suppliers()), "A1:XFD1048576"))
    assert [row.number for row in parsed.rows] == [2, 3, 4, 5, 6]


# -- cells and rows no spreadsheet has ----------------------------------------------------------
def test_a_cell_longer_than_any_column_allows_is_refused_by_its_address() -> None:
    """A firm name of 1,001 characters: five times the 200 a name may have, so it is no typo;
    one of 1,000 reaches the row's own check (at most 200 characters)."""
    at_limit = read(supplier_workbook([SUPPLIER_A | {"name": "名" * 1000}]))
    assert len(str(at_limit.rows[0].cells["name"])) == 1000
    with pytest.raises(ValidationFailed) as refusal:
        read(supplier_workbook([SUPPLIER_A | {"name": "名" * 1001}]))
    assert str(refusal.value) == (
        "第2行 B列 单元格过长 (cell B2 too long): 1,001 字，上限 1,000 (at most 1,000 characters)"
    )


def test_a_row_numbered_past_excels_last_row_is_refused() -> None:
    data = with_cell(supplier_workbook(), "A1048577", "x")
    with pytest.raises(ValidationFailed, match="1,048,576"):
        read(data)


def test_a_text_longer_than_any_cell_is_refused_before_openpyxl_parses_it() -> None:
    """1.1 MiB in one cell (Excel holds 32,767 characters at most), plain by its ratio and
    under the size limits: parsed, it would cost several times its size at once."""
    data = with_cell(supplier_workbook(), "Z3", noise(1.1))
    with pytest.raises(ValidationFailed) as refusal:
        read(data)
    assert str(refusal.value) == (
        f"“suppliers.xlsx”: {SHEET} 含超过 1,024 KB 的连续文本 (a text longer than 1,024 KB): "
        "不是电子表格的内容 (no spreadsheet cell holds that much)"
    )


def test_cells_under_no_header_are_not_read() -> None:
    """The header is the table: a cell in column XFD, far right of the 18 headed columns, is
    not read — nor are the 16,000 empty cells before it — and a row holding only such a cell
    is blank."""
    data = with_cell(with_cell(supplier_workbook(), "XFD2", "stray"), "XFD3", "stray")
    parsed = read(data)
    assert [row.number for row in parsed.rows] == [2]
    assert parsed.rows[0].cells == read(supplier_workbook()).rows[0].cells


def test_a_rejected_row_repeats_little_of_what_it_holds(
    db_session: Session, network: Network
) -> None:
    """Cells of 1,000 characters, each wrong: each error quotes 40 characters of its cell and
    the report shows the name cut at 200 — the report of a 50,000-row file of such rows stays
    the size of a valid one."""
    bad = SUPPLIER_A | {"name": "名" * 1000, "industry": "钢" * 1000, "rating": "A" * 1000}
    batch = load(db_session, csv_file([bad]), accept_valid=True)
    report = line(batch, 2)
    assert report["status"] == "rejected"
    assert report["name"] == "名" * 200
    name, industry, rating = (error.split(": ", 1)[1] for error in report["errors"])
    assert name == "过长，最多200字 (too long: at most 200 characters)"
    assert industry.startswith(f"未知行业“{'钢' * 40}…” (unknown industry)")
    assert rating.startswith(f"评级“{'A' * 40}…”不在评级序列中")


def test_without_defusedxml_no_workbook_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl falls back to the standard library's parser when defusedxml is missing or
    switched off (OPENPYXL_DEFUSEDXML=False): then .xlsx uploads stop, saying why."""
    import openpyxl

    from scf.platform.errors import ConfigurationError

    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(ConfigurationError, match="defusedxml"):
        read(supplier_workbook())
