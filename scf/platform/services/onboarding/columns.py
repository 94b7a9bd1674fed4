"""The onboarding template: its columns, their Chinese headers, and which are required.

One table drives everything: header recognition, the marshmallow row schema's
required checks, the downloadable template and the documentation. A header may be
the canonical key (``uscc``), the Chinese header (``统一社会信用代码``), or both as
the template writes them (``统一社会信用代码(uscc)``), with an optional ``*`` that
marks a required column in the template.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from scf.platform.errors import ValidationFailed
from scf.platform.spreadsheets import csv_row, xlsx_row

Need = Literal["always", "enterprise", "individual_business", "optional", "core"]
TargetKind = Literal["core", "market"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # 中文表头
    need: Need
    kind: str  # text, code, choice, integer, money, date, yes_no
    note: str

    @property
    def title(self) -> str:
        """The template's header: Chinese, the key in brackets, ``*`` when always required."""
        star = "*" if self.need == "always" else ""
        return f"{self.header}({self.key}){star}"


# One row per column: key, Chinese header, who needs it, kind, note for the template.
# fmt: off
COLUMNS: tuple[Column, ...] = (
    Column("uscc",                     "统一社会信用代码",     "always",              "code",    "18位，校验码须正确 (check character)"),
    Column("name",                     "企业名称",             "always",              "text",    "登记名称 (registered name)"),
    Column("party_type",               "主体类型",             "optional",            "choice",  "企业 enterprise / 个体工商户 individual_business；空=按代码判断，默认企业"),
    Column("relation",                 "与核心企业关系",       "core",                "choice",  "供应商 supplier / 经销商 dealer；商圈文件为 商户 merchant（可空）"),
    Column("industry",                 "行业",                 "always",              "choice",  "行业代码或中文名 (e.g. manufacturing, 批发业)"),
    Column("employees",                "从业人员",             "enterprise",          "integer", "人数，≥0"),
    Column("revenue_12m",              "近12个月营业收入",     "always",              "money",   "元 (yuan)"),
    Column("revenue_prior_year",       "上年营业收入",         "optional",            "money",   "元，可空"),
    Column("total_assets",             "资产总额",             "always",              "money",   "元"),
    Column("total_liabilities",        "负债总额",             "always",              "money",   "元"),
    Column("existing_exposure",        "已有风险敞口",         "optional",            "money",   "元，空=0 (default 0)"),
    Column("net_profit_last_year",     "上年净利润",           "enterprise",          "money",   "元，可为负"),
    Column("net_profit_prior_year",    "前年净利润",           "enterprise",          "money",   "元，可为负"),
    Column("established_on",           "成立日期",             "always",              "date",    "YYYY-MM-DD"),
    Column("cooperation_since",        "合作起始日期",         "always",              "date",    "与核心企业/市场合作起始日"),
    Column("rating",                   "内部评级",             "optional",            "text",    "如 BBB、A+，可空"),
    Column("bad_credit_3y",            "近三年不良信用",       "enterprise",          "yes_no",  "是/否"),
    Column("controller_bad_credit_1y", "实控人近一年不良信用", "always",              "yes_no",  "是/否；个体工商户填经营者及配偶"),
    Column("requested_amount",         "申请额度",             "optional",            "money",   "元，可空"),
    Column("operator_birth_date",      "经营者出生日期",       "individual_business", "date",    "个体工商户"),
    Column("household_net_assets",     "家庭净资产",           "individual_business", "money",   "个体工商户，元"),
    Column("years_in_trade",           "从业年限",             "individual_business", "integer", "个体工商户，年"),
    Column("years_at_premises",        "经营场所年限",         "individual_business", "integer", "个体工商户，年"),
)
# fmt: on
BY_KEY = {c.key: c for c in COLUMNS}
_BY_HEADER = {c.header: c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS}
_BRACKETED = re.compile(r"^(?P<header>.*?)\s*[(]\s*(?P<key>[a-z0-9_]+)\s*[)]$")


def required_columns(target: TargetKind) -> tuple[str, ...]:
    """Columns a file must have: those every row needs (and the relation, for a core file)."""
    needs = ("always", "core") if target == "core" else ("always",)
    return tuple(c.key for c in COLUMNS if c.need in needs)


def label(key: str) -> str:
    """``成立日期 (established_on)``: how an error names a column."""
    column = BY_KEY.get(key)
    return f"{column.header} ({key})" if column else key


def normalise_header(text: str) -> str:
    """Full-width brackets and letters to ASCII, spaces and the required-marker ``*`` gone."""
    return unicodedata.normalize("NFKC", text).strip().rstrip("*").strip()


def match_header(text: str) -> str | None:
    """The canonical key a header stands for, or None for a column we do not know."""
    value = normalise_header(text)
    bracketed = _BRACKETED.match(value)
    if bracketed and bracketed["key"] in BY_KEY:
        return bracketed["key"]
    return _BY_HEADER.get(value) or _BY_HEADER.get(value.lower())


@dataclass(frozen=True)
class HeaderMap:
    """Which file column (0-based position) holds which key, and what was ignored."""

    positions: dict[str, int]
    titles: dict[str, str]  # key -> the header as the file wrote it
    ignored: tuple[str, ...]


def map_header(cells: list[str], target: TargetKind) -> HeaderMap:
    """Recognise the header row; refuse duplicates and missing required columns."""
    positions: dict[str, int] = {}
    titles: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for position, cell in enumerate(cells):
        if not cell.strip():
            continue
        key = match_header(cell)
        if key is None:
            ignored.append(cell.strip())
        elif key in positions:
            duplicates.append(
                f"{label(key)}: {column_letter(positions[key])}列, {column_letter(position)}列"
            )
        else:
            positions[key] = position
            titles[key] = cell.strip()
    if duplicates:
        raise ValidationFailed(
            "第1行表头有重复的列 (duplicate columns in the header): " + "; ".join(duplicates),
            errors={"header": duplicates},
        )
    missing = [label(k) for k in required_columns(target) if k not in positions]
    if missing:
        raise ValidationFailed(
            "第1行表头缺少必需的列 (missing required columns): "
            + "、".join(missing)
            + "。请使用模板 (use the template: scf onboard template)",
            errors={"header": [f"缺少 (missing): {m}" for m in missing]},
        )
    return HeaderMap(positions, titles, tuple(ignored))


def column_letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet shows it."""
    letters = ""
    n = position + 1
    while n:
        n, remainder = divmod(n - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def template_csv() -> bytes:
    """The header row as CSV, UTF-8 with BOM so that Excel opens it in Chinese."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(csv_row(c.title for c in COLUMNS))
    return out.getvalue().encode("utf-8-sig")


def single_row_file(fields: dict[str, str]) -> bytes:
    """One firm typed into a form, as a one-row file in the template's columns, so that a
    form goes through exactly the path of an uploaded file (validation, upsert, audit,
    assessment, report)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in COLUMNS])
    writer.writerow([(fields.get(c.key) or "").strip() for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    """A workbook: the data sheet with the header first, then a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    data = book.active
    assert data is not None
    data.title = "导入数据"
    data.append(xlsx_row(data, (c.title for c in COLUMNS)))
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    notes = book.create_sheet("说明 Instructions")
    notes.append(
        xlsx_row(notes, ["列 (key)", "中文表头", "必填 (required)", "类型 (type)", "说明 (notes)"])
    )
    for column in COLUMNS:
        notes.append(
            xlsx_row(
                notes, [column.key, column.header, NEED_TEXT[column.need], column.kind, column.note]
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NEED_TEXT: dict[Need, str] = {
    "always": "必填 required",
    "core": "核心企业文件必填 required in a core-enterprise file",
    "enterprise": "企业必填 required for enterprises",
    "individual_business": "个体工商户必填 required for individual businesses",
    "optional": "可空 optional",
}
