"""One row's validation: what a spreadsheet contains, and what each mistake is called."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from marshmallow import ValidationError

from scf.credit.policy import load_policy
from scf.platform.services.onboarding.columns import map_header
from scf.platform.services.onboarding.parsed import RawRow
from scf.platform.services.onboarding.rows import RowSchema, row_errors
from tests.platform.onboarding.support import AS_OF, KEYS, MERCHANT_E, SUPPLIER_A, code


def schema(target: str = "core") -> RowSchema:
    return RowSchema(target=target, as_of=AS_OF, ratings=load_policy(AS_OF).items("rating.scale"))  # type: ignore[arg-type]


def errors_of(row: dict[str, Any], target: str = "core") -> dict[str, list[str]]:
    cells = {k: v for k, v in row.items() if v != ""}
    try:
        schema(target).load(cells)
    except ValidationError as error:
        return error.messages  # type: ignore[return-value]
    return {}


# (column, value typed, a phrase the message must contain) — each a real mistake.
MISTAKES = [
    ("uscc", "911302830000001012", "第18位校验码应为"),
    ("uscc", "91130283000000101", "应为18位，实际为17位"),
    ("uscc", "91130283O00000101X", "第9位字符“O”不是合法字符"),
    ("name", "", "必填 (required)"),
    ("relation", "客户", "取值“客户”无效，应为 经销商 dealer / 商户 merchant / 供应商 supplier"),
    ("industry", "金融业", "未知行业“金融业”"),
    ("employees", "80.5", "应为整数 (must be a whole number)"),
    ("employees", "-1", "不能为负数 (must not be negative)"),
    ("employees", "", "企业必填 (required for an enterprise)"),
    ("revenue_12m", "三千万", "不是数字 (not a number)"),
    ("revenue_12m", "3.0E+07", "科学计数法"),
    ("revenue_12m", "100.005", "超过两位小数"),
    ("total_assets", "-1", "不能为负数"),
    ("established_on", "2015/02/30", "不是有效日期"),
    ("established_on", "03/01/2015", "不是有效日期"),
    ("established_on", "2026-11-21", "晚于评估日 2026-11-20 (after the as-of date)"),
    ("cooperation_since", "", "必填 (required)"),
    ("rating", "BBBB", "不在评级序列中"),
    ("bad_credit_3y", "可能", "应为 是/否 (must be yes or no)"),
    ("party_type", "个体工商户", "与统一社会信用代码不符：代码前两位“91”表示企业"),
]


@pytest.mark.parametrize(("column", "value", "phrase"), MISTAKES)
def test_each_mistake_is_named_on_its_column(column: str, value: str, phrase: str) -> None:
    found = errors_of(SUPPLIER_A | {column: value})
    assert column in found, found
    assert any(phrase in message for message in found[column]), found[column]


@pytest.mark.parametrize(
    ("column", "typed", "value"),
    [
        ("revenue_12m", "30,000,000.5", Decimal("30000000.50")),
        ("revenue_12m", "１２３４", Decimal("1234.00")),
        ("net_profit_last_year", "−250000", Decimal("-250000.00")),  # a loss, U+2212 minus
        ("established_on", "2015.3.1", dt.date(2015, 3, 1)),
        ("established_on", "20150301", dt.date(2015, 3, 1)),
        ("established_on", "2015-03-01 00:00:00", dt.date(2015, 3, 1)),
        ("bad_credit_3y", "无", False),
        ("bad_credit_3y", "YES", True),
        ("industry", "批发业", "wholesale"),
        ("industry", " Retail ", "retail"),
        ("relation", "经销商", "dealer"),
        ("rating", "aa-", "AA-"),
    ],
)
def test_what_a_spreadsheet_contains_is_understood(column: str, typed: str, value: object) -> None:
    assert schema().load(SUPPLIER_A | {column: typed})[column] == value


def test_the_code_decides_the_party_type_when_the_cell_is_empty() -> None:
    loaded = schema("market").load(MERCHANT_E)
    assert (loaded["party_type"], loaded["relation"]) == ("individual_business", "merchant")


def test_an_individual_business_needs_its_operator_figures_not_an_enterprises() -> None:
    found = errors_of(MERCHANT_E | {"household_net_assets": "", "years_in_trade": ""}, "market")
    assert found == {
        "household_net_assets": ["个体工商户必填 (required for an individual business)"],
        "years_in_trade": ["个体工商户必填 (required for an individual business)"],
    }


def test_a_core_file_needs_the_relation() -> None:
    assert errors_of(SUPPLIER_A | {"relation": ""}) == {
        "relation": ["必填：供应商 supplier 或 经销商 dealer (required: supplier or dealer)"]
    }


def test_row_errors_name_the_row_the_column_letter_and_the_column() -> None:
    header = map_header(KEYS, "core")
    row = RawRow(7, {})
    lines = row_errors(row, header, {"established_on": ["x"], "uscc": ["y"], "employees": ["z"]})
    assert lines == [
        "第7行 A列 统一社会信用代码 (uscc): y",
        "第7行 E列 从业人员 (employees): z",
        "第7行 M列 成立日期 (established_on): x",
    ]
    narrow = map_header(
        KEYS[:4]
        + [
            "revenue_12m",
            "total_assets",
            "total_liabilities",
            "established_on",
            "cooperation_since",
            "controller_bad_credit_1y",
        ],
        "core",
    )
    assert row_errors(row, narrow, {"employees": ["企业必填"]}) == [
        "第7行 从业人员 (employees) [文件中没有此列 (column not in the file)]: 企业必填"
    ]


def test_headers_in_chinese_english_or_both_and_duplicates() -> None:
    header = map_header(
        [
            "统一社会信用代码",
            "name",
            "与核心企业关系（relation）",
            "行业(industry)*",
            "近12个月营业收入",
            "资产总额",
            "负债总额",
            "成立日期",
            "合作起始日期",
            "实控人近一年不良信用",
        ],
        "core",
    )
    assert header.positions["relation"] == 2 and header.positions["industry"] == 3
    from scf.platform.errors import ValidationFailed

    with pytest.raises(
        ValidationFailed, match="重复的列 .*成立日期 \\(established_on\\): H列, I列"
    ):
        map_header(
            [
                "uscc",
                "name",
                "relation",
                "industry",
                "revenue_12m",
                "total_assets",
                "total_liabilities",
                "established_on",
                "成立日期",
                "cooperation_since",
                "controller_bad_credit_1y",
            ],
            "core",
        )


def test_market_files_do_not_need_the_relation_column() -> None:
    keys = [k for k in MERCHANT_E]
    assert "relation" not in map_header(keys, "market").positions
    from scf.platform.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="与核心企业关系 \\(relation\\)"):
        map_header(keys, "core")


def test_codes_for_the_test_network_are_valid() -> None:
    from scf.credit.uscc import is_valid

    assert is_valid(code(1)) and is_valid(code(201, "92"))
