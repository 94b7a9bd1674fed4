"""Goods pledge (动产/仓单质押), 保兑仓 and partial-margin acceptances
[003 §七(四)2, §六(九), §六(十)] [000 §三(二)3,5] [DOMAIN §6].

Pledged goods are worth what the market pays today, so positions are marked to
market: a warning when the loan exceeds the lending value (top up the shortfall),
liquidation when the loan reaches 80% of market value, and a price older than five
business days is itself an alert *(assumed thresholds)*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scf.credit.dates import business_days_between
from scf.credit.explain import RuleResult, rule
from scf.credit.money import ZERO, floor_fen, quantize_fen
from scf.credit.policy import Policy
from scf.credit.rating import rating_at_least


class GoodsError(ValueError):
    """An advance rate above the policy maximum, or impossible quantities and prices."""


# rule id → (clause, the policy's list of categories, message)
CATEGORY_RULES = {
    "goods_category_acceptable": (
        "[003 §七(四)2]",
        "goods.acceptable_categories",
        "质物属于可接受的品种 (acceptable goods category)",
    ),
    "confirmed_warehouse_goods": (
        "[003 §六(九)]",
        "confirmed_warehouse.goods",
        "交易商品为家电、汽车、轮胎、钢材、名酒等",
    ),
}


def _category_rule(rid: str, category: str, policy: Policy) -> RuleResult:
    clause, name, message = CATEGORY_RULES[rid]
    allowed = policy.items(name)
    return rule(rid, clause, category in allowed, category, "/".join(allowed), message)


def goods_acceptable(category: str, policy: Policy) -> RuleResult:
    """Acceptable pledged goods [003 §七(四)2(1)-(5)]."""
    return _category_rule("goods_category_acceptable", category, policy)


def goods_advance_rate(policy: Policy, requested: Decimal | None = None) -> Decimal:
    """The advance rate on goods (质押率, as ``receivables.advance_rate`` is on receivables):
    60% of market value in general, up to 70% at most [003 §七(四)2]. Above the maximum
    is refused."""
    if requested is None:
        return policy.decimal("goods.advance_rate.general")
    ceiling = policy.decimal("goods.advance_rate.max")
    if requested > ceiling or requested < 0:
        raise GoodsError(f"质押率{requested}超过上限{ceiling} (advance rate above maximum)")
    return requested


def lending_value(quantity: Decimal, price: Decimal, rate: Decimal) -> Decimal:
    """Quantity × latest market price × advance rate, to the fen."""
    if quantity < 0 or price < 0:
        raise GoodsError("数量和价格不能为负 (quantity and price must be ≥ 0)")
    return floor_fen(quantity * price * rate)


def price_stale(age_business_days: int, policy: Policy) -> bool:
    """A price more than five business days old is stale [DOMAIN §6] *(assumed)*: goods
    valued with it cannot be trusted, so they are neither lent against nor marked as ok."""
    return age_business_days > int(policy.decimal("goods.stale_price_business_days"))


def price_current(price_date: date | None, as_of: date, policy: Policy) -> RuleResult:
    """Pledged goods are lent against only with a price that is known and not stale
    [DOMAIN §6] (the same ``price_stale`` the mark-to-market raises its alert with)."""
    stale_days = int(policy.decimal("goods.stale_price_business_days"))
    return rule(
        "price_current",
        "[DOMAIN §6]",
        price_date is not None
        and not price_stale(business_days_between(price_date, as_of), policy),
        None if price_date is None else price_date.isoformat(),
        f"≤ {stale_days} 个工作日",
        "质物须有近期市场价格 (a current market price for the goods)",
    )


@dataclass(frozen=True)
class MarginStatus:
    status: str  # ok / warning / liquidation / stale_price
    market_value: Decimal
    lending_value: Decimal
    loan_balance: Decimal
    shortfall: Decimal  # cash or goods to top up so the loan ≤ lending value
    price_age_business_days: int
    alerts: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "market_value": str(self.market_value),
            "lending_value": str(self.lending_value),
            "loan_balance": str(self.loan_balance),
            "shortfall": str(self.shortfall),
            "price_age_business_days": self.price_age_business_days,
            "alerts": list(self.alerts),
        }


def margin_status(
    *,
    loan_balance: Decimal,
    quantity: Decimal,
    price: Decimal,
    price_date: date,
    as_of: date,
    policy: Policy,
    rate: Decimal | None = None,
) -> MarginStatus:
    """Mark a goods pledge to market [DOMAIN §6]. A stale price outranks the other
    statuses because the figures it produces cannot be trusted; all alerts are listed."""
    used_rate = goods_advance_rate(policy, rate)
    market = quantize_fen(quantity * price)
    lending = lending_value(quantity, price, used_rate)
    shortfall = max(loan_balance - lending, ZERO)
    age = business_days_between(price_date, as_of)
    alerts = []
    if price_stale(age, policy):
        alerts.append("stale_price")
    if market == 0 or loan_balance >= market * policy.decimal("goods.liquidation_ratio"):
        alerts.append("liquidation")
    elif loan_balance > lending:
        alerts.append("warning")
    status = alerts[0] if alerts else "ok"
    return MarginStatus(status, market, lending, loan_balance, shortfall, age, tuple(alerts))


# ------------------------------------------------------------------- 保兑仓


def confirmed_warehouse_margin_ok(
    margin: Decimal, acceptance_amount: Decimal, policy: Policy
) -> RuleResult:
    """保兑仓 initial cash margin ≥ 30% of the acceptances [003 §六(九)]."""
    floor = policy.decimal("confirmed_warehouse.initial_margin_min")
    ratio = margin / acceptance_amount if acceptance_amount else ZERO
    return rule(
        "confirmed_warehouse_initial_margin",
        "[003 §六(九)]",
        ratio >= floor,
        f"{ratio:.4f}",
        f"≥ {floor}",
        "交存保证金比例不低于30%",
    )


def releasable_value(cumulative_margin_paid: Decimal, released_so_far: Decimal) -> Decimal:
    """随缴保证金随提货: cumulative releasable goods value = cumulative margin paid,
    so what may still be released is the margin not yet matched by releases."""
    return quantize_fen(max(cumulative_margin_paid - released_so_far, ZERO))


def manufacturer_rules(
    *,
    listed_or_national_or_large_regional: bool,
    annual_revenue: Decimal | None,
    rating: str | None,
    policy: Policy,
) -> tuple[RuleResult, ...]:
    """保兑仓 manufacturer: listed / nationally known / large regional, revenue ≥ 1bn,
    rating ≥ AA− [003 §六(九)]."""
    clause = "[003 §六(九)]"
    floor = policy.decimal("confirmed_warehouse.manufacturer_revenue_min")
    min_rating = policy.text("confirmed_warehouse.manufacturer_rating_min")
    return (
        rule(
            "manufacturer_standing",
            clause,
            listed_or_national_or_large_regional,
            listed_or_national_or_large_regional,
            True,
            "生产商应为上市公司、全国知名企业或区域内大型企业",
        ),
        rule(
            "manufacturer_revenue",
            clause,
            annual_revenue is not None and annual_revenue >= floor,
            None if annual_revenue is None else f"{annual_revenue:f}",
            f"≥ {floor:f}",
            "年营业收入10亿元以上",
        ),
        rule(
            "manufacturer_rating",
            clause,
            rating is not None and rating_at_least(rating, min_rating, policy),
            rating,
            f"≥ {min_rating}",
            "我行信用评级为AA-(含)级以上",
        ),
    )


def confirmed_warehouse_goods_ok(category: str, policy: Policy) -> RuleResult:
    """保兑仓 goods: appliances, cars, tyres, steel, premium liquor [003 §六(九)]."""
    return _category_rule("confirmed_warehouse_goods", category, policy)


def partial_margin_acceptance(
    margin_ratio: Decimal, tier: str, policy: Policy
) -> tuple[RuleResult, ...]:
    """Bank acceptance with partial margin: margin ≥ 50%, key-supported only [003 §六(十)]."""
    clause = "[003 §六(十)]"
    floor = policy.decimal("acceptance.partial_margin_min")
    return (
        rule(
            "partial_margin_key_supported",
            clause,
            tier == "key_supported",
            tier,
            "key_supported",
            "差额保证金业务仅限重点支持类客户",
        ),
        rule(
            "partial_margin_at_least_minimum",
            clause,
            margin_ratio >= floor,
            str(margin_ratio),
            f"≥ {floor}",
            "保证金比例一般不低于50%",
        ),
    )
