"""What we know about a borrower (客户事实), as given by the platform: nothing guessed.

Every field is optional because a relationship manager often has part of the file;
a rule that needs a missing field refers the case and names the field rather than
assume a value. ``validate`` refuses figures that contradict each other or the
calendar, naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Literal

from scf.credit.industries import INDUSTRIES
from scf.credit.policy import Policy

PartyType = Literal["enterprise", "individual_business"]

LABELS: dict[str, str] = {
    "party_type": "主体类型",
    "industry": "行业",
    "employees": "从业人员",
    "revenue_12m": "最近12个月营业收入",
    "revenue_prior_year": "上年营业收入",
    "total_assets": "资产总额",
    "total_liabilities": "负债总额",
    "existing_exposure": "已有风险敞口余额",
    "net_profit_last_year": "最近一年净利润",
    "net_profit_prior_year": "前一年净利润",
    "taxable_revenue_last_year": "上年度纳税营业收入",
    "established_on": "成立日期",
    "cooperation_since": "合作起始日",
    "rating": "信用评级",
    "bad_credit_3y": "三年内不良信用记录",
    "controller_bad_credit_1y": "法定代表人/实际控制人一年内不良信用记录",
    "operator_birth_date": "经营者出生日期",
    "household_net_assets": "家庭及经营实体净资产",
    "household_debt": "家庭及经营实体负债",
    "years_in_trade": "行业从业年限",
    "years_at_premises": "现场所连续经营年限",
    "local_residence": "本地常住户口或居留",
    "fixed_home": "固定住所",
    "operator_bad_credit_1y": "经营者及配偶一年内不良信用记录",
    "coal": "煤炭企业数据",
    "coal.group_output_mt": "集团原煤年产量(百万吨)",
    "coal.mine_capacity_mt": "单井井型规模(百万吨/年)",
    "coal.key_province": "是否晋陕蒙地区",
    "coal.coking_coal": "是否焦煤",
    "coal.new_or_expanded": "是否新建/改扩建",
    "coal.reserve_life_years": "可开采年限",
}


class FactsError(ValueError):
    """Contradictory or impossible input; ``field`` names the culprit."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field} ({LABELS.get(field, field)}): {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class CoalFacts:
    """Coal-producer figures for the overlay [000 第2篇]; output in million tonnes a year."""

    group_output_mt: Decimal | None = None
    mine_capacity_mt: Decimal | None = None
    key_province: bool | None = None  # Shanxi, Shaanxi, Inner Mongolia
    coking_coal: bool | None = None
    new_or_expanded: bool | None = None
    reserve_life_years: Decimal | None = None


@dataclass(frozen=True)
class FirmFacts:
    party_type: PartyType | None = None
    industry: str | None = None
    employees: int | None = None
    revenue_12m: Decimal | None = None
    revenue_prior_year: Decimal | None = None
    total_assets: Decimal | None = None
    total_liabilities: Decimal | None = None
    existing_exposure: Decimal = Decimal("0")
    net_profit_last_year: Decimal | None = None
    net_profit_prior_year: Decimal | None = None
    taxable_revenue_last_year: Decimal | None = None
    established_on: date | None = None
    cooperation_since: date | None = None
    rating: str | None = None
    bad_credit_3y: bool | None = None
    controller_bad_credit_1y: bool | None = None
    prohibited_flags: frozenset[str] = field(default_factory=frozenset)
    tier_factors: frozenset[str] = field(default_factory=frozenset)
    cautious_factors: frozenset[str] = field(default_factory=frozenset)
    programme_credit: bool = False
    operator_birth_date: date | None = None
    household_net_assets: Decimal | None = None
    household_debt: Decimal | None = None
    years_in_trade: Decimal | None = None
    years_at_premises: Decimal | None = None
    local_residence: bool | None = None
    fixed_home: bool | None = None
    operator_bad_credit_1y: bool | None = None
    coal: CoalFacts | None = None

    @property
    def owners_equity(self) -> Decimal | None:
        """Y, 所有者权益 = total assets − total liabilities."""
        if self.total_assets is None or self.total_liabilities is None:
            return None
        return self.total_assets - self.total_liabilities

    def validate(self, as_of: date, policy: Policy | None = None) -> None:
        validate(self, as_of, policy)


_NON_NEGATIVE = (
    "revenue_12m",
    "revenue_prior_year",
    "total_assets",
    "total_liabilities",
    "existing_exposure",
    "taxable_revenue_last_year",
    "household_debt",
    "years_in_trade",
    "years_at_premises",
)


def validate(facts: FirmFacts, as_of: date, policy: Policy | None = None) -> None:
    """Raise ``FactsError`` for impossible or contradictory input; missing is not an error."""
    for f in fields(facts):
        value = getattr(facts, f.name)
        if isinstance(value, float):
            raise FactsError(f.name, "浮点数不可用于金额 (float refused; use Decimal)")
    if facts.party_type not in (None, "enterprise", "individual_business"):
        raise FactsError("party_type", f"未知主体类型 {facts.party_type!r}")
    if facts.industry is not None and facts.industry not in INDUSTRIES:
        raise FactsError("industry", f"未知行业 {facts.industry!r} (unknown industry)")
    if facts.employees is not None and facts.employees < 0:
        raise FactsError("employees", "不能为负 (negative)")
    for name in _NON_NEGATIVE:
        value = getattr(facts, name)
        if value is not None and value < 0:
            raise FactsError(name, f"不能为负 (negative: {value})")
    if facts.total_liabilities is not None and facts.total_assets is None:
        raise FactsError("total_assets", "给出负债却没有资产 (liabilities given without assets)")
    for name in ("established_on", "cooperation_since", "operator_birth_date"):
        value = getattr(facts, name)
        if value is not None and value > as_of:
            raise FactsError(name, f"日期在评估日之后 ({value} is after as_of {as_of})")
    if policy is not None:
        scale = policy.items("rating.scale")
        if facts.rating is not None and facts.rating not in scale:
            raise FactsError("rating", f"评级“{facts.rating}”不在评级序列中 (not on the scale)")
        _known("prohibited_flags", facts.prohibited_flags, policy.items("tier.prohibited.flags"))
        _known("tier_factors", facts.tier_factors, policy.items("tier.key_supported.factors"))
        _known("cautious_factors", facts.cautious_factors, policy.items("tier.cautious.factors"))
    coal = facts.coal
    if coal is not None:
        for name in ("group_output_mt", "mine_capacity_mt", "reserve_life_years"):
            value = getattr(coal, name)
            if value is not None and value < 0:
                raise FactsError(f"coal.{name}", "不能为负 (negative)")


def _known(name: str, given: frozenset[str], allowed: tuple[str, ...]) -> None:
    unknown = sorted(given - set(allowed))
    if unknown:
        raise FactsError(name, f"未知标志 {unknown} (unknown; allowed: {list(allowed)})")
