"""Industries the rules distinguish (行业), with their Chinese names.

The size standard, the debt-ratio ceiling and the limit coefficients all depend on
the industry [DOMAIN §2, §3, §4]; coal mining is classified as industry (工业) for
size and also triggers the coal overlay [DOMAIN §12].
"""

from __future__ import annotations

INDUSTRIES: dict[str, str] = {
    "agriculture": "农、林、牧、渔业",
    "mining": "采矿业",
    "coal_mining": "煤炭开采和洗选业",
    "manufacturing": "制造业",
    "utilities": "电力、热力、燃气及水生产和供应业",
    "construction": "建筑业",
    "wholesale": "批发业",
    "retail": "零售业",
    "transport": "交通运输业",
    "warehousing": "仓储业",
    "postal": "邮政业",
    "accommodation": "住宿业",
    "catering": "餐饮业",
    "information_transmission": "信息传输业",
    "software_it": "软件和信息技术服务业",
    "real_estate_development": "房地产开发经营",
    "property_management": "物业管理",
    "leasing_business_services": "租赁和商务服务业",
    "other": "其他未列明行业",
}

_ALIASES = {
    "农业": "agriculture",
    "农林牧渔业": "agriculture",
    "煤炭": "coal_mining",
    "煤炭开采": "coal_mining",
    "工业": "manufacturing",
    "批发": "wholesale",
    "零售": "retail",
    "住宿": "accommodation",
    "餐饮": "catering",
    "仓储": "warehousing",
    "邮政": "postal",
    "软件": "software_it",
    "房地产": "real_estate_development",
    "房地产开发": "real_estate_development",
    "其他": "other",
}

_BY_NAME = {name: code for code, name in INDUSTRIES.items()} | _ALIASES


class UnknownIndustry(ValueError):
    """An industry the policy does not know; the message names the value given."""


def parse_industry(text: str) -> str:
    """Industry code from a code (``"wholesale"``) or a Chinese name (``"批发业"``)."""
    value = text.strip()
    if value.lower() in INDUSTRIES:
        return value.lower()
    if value in _BY_NAME:
        return _BY_NAME[value]
    raise UnknownIndustry(f"未知行业“{text}” (unknown industry {text!r})")


def debt_ratio_group(code: str) -> str:
    """Which debt-ratio ceiling applies [003 §五(一)1(4)]: 制造类, 批发零售类, 其他."""
    if code == "manufacturing":
        return "manufacturing"
    if code in ("wholesale", "retail"):
        return "wholesale_retail"
    return "other"


limit_group = debt_ratio_group  # R's coefficients follow the same split [003 §八(一)]
