"""Files as users send them — and every kind of bad file, refused with one clear message."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from sqlalchemy.orm import Session

from scf.platform.errors import ValidationFailed
from scf.platform.services.onboarding.columns import COLUMNS, template_csv, template_xlsx
from scf.platform.services.onboarding.limits import FileLimits
from scf.platform.services.onboarding.reading import read_file
from tests.platform.onboarding.support import (
    DEALER_B,
    KEYS,
    SUPPLIER_A,
    Network,
    counts,
    csv_file,
    line,
    load,
    table,
    xlsx_file,
)

CHINESE = [next(c.header for c in COLUMNS if c.key == key) for key in KEYS]


def read(filename: str, data: bytes, max_bytes: int = 20 * 1024 * 1024, max_rows: int = 50_000):
    return read_file(filename, data, "core", FileLimits(max_bytes, max_rows))


@pytest.mark.parametrize(
    ("encoding", "read_as"),
    [("utf-8", "CSV (UTF-8)"), ("utf-8-sig", "CSV (UTF-8 BOM)"), ("gbk", "CSV (GBK/GB18030)")],
)
def test_csv_in_utf8_bom_or_gbk_reads_the_same(encoding: str, read_as: str) -> None:
    data = csv_file([SUPPLIER_A], encoding=encoding, titles=CHINESE)
    if encoding == "gbk":
        # Real GBK bytes, as Excel in China saves "CSV (逗号分隔)": 制造业 is D6C6 D4EC D2B5.
        assert b"\xd6\xc6\xd4\xec\xd2\xb5" in data
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    parsed = read("suppliers.csv", data)
    assert parsed.notes[0] == f"文件格式 (read as): {read_as}"
    assert parsed.rows[0].cells["name"] == "唐山甲机械制造有限公司"
    assert parsed.rows[0].cells["industry"] == "制造业"


def test_xlsx_with_excel_numbers_and_dates_loads(db_session: Session, network: Network) -> None:
    header = ["统一社会信用代码(uscc)*", *CHINESE[1:]]  # the template's own header style
    row = [SUPPLIER_A[k] for k in KEYS[:18]]
    row[KEYS.index("employees")] = 80  # an Excel integer
    row[KEYS.index("revenue_12m")] = 30000000.0  # an Excel double
    row[KEYS.index("established_on")] = dt.datetime(2015, 3, 1)  # an Excel date
    batch = load(db_session, xlsx_file([header[:18], row]), filename="suppliers.xlsx")
    assert batch.notes == ["文件格式 (read as): XLSX"]
    assert (line(batch, 2)["status"], line(batch, 2)["reference_limit"]) == (
        "created",
        "7200000.00",
    )


def test_full_width_digits_and_surrounding_spaces_are_normalised(
    db_session: Session, network: Network
) -> None:
    typed = SUPPLIER_A | {
        "uscc": " " + SUPPLIER_A["uscc"].lower() + "\u3000",
        "employees": "８０",
        "revenue_12m": "３０，０００，０００",
        "total_assets": " ¥20,000,000元 ",
        "established_on": "２０１５年３月１日",
        "rating": " ｂｂｂ ",
    }
    batch = load(db_session, csv_file([typed]))
    assert line(batch, 2)["errors"] == []
    assert line(batch, 2)["uscc"] == SUPPLIER_A["uscc"]
    assert line(batch, 2)["reference_limit"] == "7200000.00"


def test_unknown_columns_are_ignored_with_a_note(db_session: Session, network: Network) -> None:
    noted = SUPPLIER_A | {"备注": "老客户", "联系人": "张三"}
    batch = load(db_session, csv_file([noted], keys=[*KEYS[:18], "备注", "联系人"]))
    assert batch.notes[1] == "已忽略未知的列 (unknown columns ignored): 备注、联系人"
    assert line(batch, 2)["status"] == "created"


def test_the_templates_headers_are_understood() -> None:
    parsed = read("template.csv", template_csv() + csv_file([SUPPLIER_A]).split(b"\r\n", 1)[1])
    assert set(parsed.header.positions) == {c.key for c in COLUMNS}
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template_xlsx()))
    assert book.sheetnames == ["导入数据", "说明 Instructions"]
    assert book["导入数据"]["A1"].value == "统一社会信用代码(uscc)*"


def test_row_numbers_count_blank_rows_as_excel_does() -> None:
    cells = table([SUPPLIER_A, DEALER_B])
    cells.insert(2, [""] * len(KEYS))  # a blank row 3
    data = "\r\n".join(",".join(r) for r in cells).encode()
    assert [r.number for r in read("s.csv", data).rows] == [2, 4]


# -- bad input: each refused with one clear message, nothing written ----------------------
def garbage() -> bytes:
    return bytes(range(256)) * 64


def zipped_nonsense() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def formula_workbook() -> bytes:
    header = KEYS[:18]
    row: list[object] = [SUPPLIER_A[k] for k in header]
    row[KEYS.index("total_assets")] = "=H1*2"
    return xlsx_file([header, row])


BAD_FILES = [
    ("suppliers.pdf", b"%PDF-1.4", "不支持的文件类型 .pdf"),
    ("suppliers.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "不支持旧版Excel .xls"),
    ("suppliers", b"a,b", "无扩展名"),
    ("suppliers.csv", b"", "文件为空 (the file is empty)"),
    ("suppliers.csv", b"\r\n \r\n", "文件为空 (the file is empty)"),
    ("suppliers.xlsx", b"", "文件为空 (the file is empty)"),
    ("suppliers.csv", ",".join(KEYS).encode() + b"\r\n", "没有数据行 (no data rows"),
    ("suppliers.csv", b"uscc,name\r\n1,2\r\n", "缺少必需的列 (missing required columns)"),
    ("suppliers.csv", garbage(), "binary content"),
    ("suppliers.csv", b"\x81\x30\xff\xfe\xfd" * 50, "not UTF-8 or GBK text"),
    ("suppliers.csv", zipped_nonsense(), "an Excel workbook named .csv"),
    ("suppliers.csv", "uscc,name".encode("utf-16"), "UTF-16"),
    ("suppliers.xlsx", b"uscc,name\r\n", "not a valid .xlsx workbook"),
    ("suppliers.xlsx", zipped_nonsense(), "not a valid .xlsx workbook"),
    ("suppliers.xlsx", formula_workbook(), "第2行 H列 单元格含公式 (formula in cell H2)"),
]


@pytest.mark.parametrize(("filename", "data", "message"), BAD_FILES)
def test_a_bad_file_is_refused_with_one_clear_message_and_nothing_written(
    db_session: Session, network: Network, filename: str, data: bytes, message: str
) -> None:
    before = counts(db_session)
    with pytest.raises(ValidationFailed) as refused:
        load(db_session, data, filename=filename)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert counts(db_session) == before


def test_a_50_mb_file_is_refused_before_it_is_read(db_session: Session, network: Network) -> None:
    before = counts(db_session)
    big = csv_file([SUPPLIER_A]) + b"x" * (50 * 1024 * 1024)
    with pytest.raises(
        ValidationFailed, match=r"文件过大 \(file too large\): 50.0 MB，上限 20.0 MB"
    ):
        load(db_session, big)
    assert counts(db_session) == before


def test_a_200000_row_file_is_refused(db_session: Session, network: Network) -> None:
    """Short rows (1.4 MB, under the size limit): the row limit (50,000) refuses the file."""
    data = ",".join(KEYS[:18]).encode() + b"\r\n" + b"x,y\r\n" * 200_000
    before = counts(db_session)
    with pytest.raises(ValidationFailed, match="行数过多 \\(too many rows\\): 超过 50,000 行"):
        load(db_session, data)
    assert counts(db_session) == before


def test_limits_are_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from scf.platform.config import Settings
    from scf.platform.errors import ConfigurationError

    monkeypatch.setenv("SCF_ONBOARDING_MAX_BYTES", "1048576")
    monkeypatch.setenv("SCF_ONBOARDING_MAX_ROWS", "1_000")
    settings = Settings.from_env(serving=False)
    assert (settings.onboarding_max_bytes, settings.onboarding_max_rows) == (1048576, 1000)
    monkeypatch.setenv("SCF_ONBOARDING_MAX_ROWS", "-5")
    with pytest.raises(ConfigurationError, match="SCF_ONBOARDING_MAX_ROWS"):
        Settings.from_env(serving=False)


def test_the_row_limit_counts_data_rows_only() -> None:
    data = csv_file([SUPPLIER_A, DEALER_B])
    assert len(read("s.csv", data, max_rows=2).rows) == 2
    with pytest.raises(ValidationFailed, match="超过 1 行"):
        read("s.csv", data, max_rows=1)
