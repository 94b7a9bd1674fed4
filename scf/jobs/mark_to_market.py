"""Job 2, collateral mark-to-market (质押物盯市): every pledged goods and warehouse-receipt
position revalued at the latest price; margin status and shortfall per loan; 保兑仓
releases recomputed [003 §七(四)2, §六(九)] [DOMAIN §6].

Set-based: one SQL statement sums the pledged quantity per loan and commodity and joins
each loan's outstanding principal and the latest price on or before the as-of date. The
status comes from ``scf.credit.goods.margin_status`` called on those plain rows (never
on ORM objects), so the rule lives in one place and its thresholds — advance rate,
liquidation line, stale-price age — are the goods policy's. The alerts are reconciled
in bulk (``alert_book``). 1,000,000 positions: see docs/monitoring.md for the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from decimal import Decimal
from itertools import groupby
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.goods import MarginStatus, margin_status
from scf.credit.money import ZERO, format_yuan, quantize_fen
from scf.credit.policy import Policy
from scf.jobs import confirmed_warehouse
from scf.jobs.alert_book import Condition, dec, sync_alerts
from scf.jobs.context import Counts, JobContext
from scf.jobs.queries import latest_prices
from scf.platform.models import Loan, WarehouseReceipt
from scf.platform.models.enums import LoanStatus, ReceiptStatus, Severity
from scf.platform.models.types import Quantity
from scf.platform.services.lending.balances import outstanding_principal_column

MARGIN = "collateral_margin"
STALE = "collateral_price_stale"
RULES = (MARGIN, STALE, confirmed_warehouse.OVER_RELEASE)
CLAUSE = "[003 §七(四)2] [DOMAIN §6]"


class Lot(NamedTuple):
    """A loan's pledged goods of one commodity, with the price used."""

    commodity: str
    quantity: Decimal
    positions: int
    price: Decimal | None
    price_date: dt.date | None

    def to_dict(self) -> dict[str, object]:
        return {
            "commodity": self.commodity,
            "quantity": dec(self.quantity),
            "positions": self.positions,
            "price": None if self.price is None else dec(self.price),
            "price_date": None if self.price_date is None else self.price_date.isoformat(),
        }


class LoanMargin(NamedTuple):
    """One loan's goods marked to market. ``margin`` is None when a commodity has no price."""

    loan_id: int
    loan_code: str
    party_id: int
    balance: Decimal
    lots: tuple[Lot, ...]
    positions: int
    margin: MarginStatus | None

    @property
    def status(self) -> str:
        return "stale_price" if self.margin is None else self.margin.status


def pledged_goods(
    session: Session, as_of: dt.date, policy: Policy, loan_ids: Collection[int] | None = None
) -> Iterator[LoanMargin]:
    """Every active loan with pledged goods, revalued on ``as_of``, in loan order.

    One statement: receipts summed per loan and commodity, joined to the loan's
    outstanding principal and the commodity's latest price."""
    receipt = WarehouseReceipt
    lots = (
        sa.select(
            receipt.pledged_loan_id.label("loan_id"),
            receipt.commodity_code.label("commodity"),
            sa.func.sum(receipt.quantity - receipt.released_quantity).label("quantity"),
            sa.func.count().label("positions"),
        )
        .where(receipt.pledged_loan_id.is_not(None), receipt.status == ReceiptStatus.PLEDGED)
        .group_by(receipt.pledged_loan_id, receipt.commodity_code)
    )
    if loan_ids is not None:
        lots = lots.where(receipt.pledged_loan_id.in_(list(loan_ids)))
    pledged = lots.subquery()
    prices = latest_prices(as_of)
    balance, repaid = outstanding_principal_column()
    rows = session.execute(
        sa.select(
            Loan.id,
            Loan.code,
            Loan.party_id,
            balance,
            pledged.c.commodity,
            sa.type_coerce(pledged.c.quantity, Quantity()),
            pledged.c.positions,
            prices.c.price,
            prices.c.price_date,
        )
        .join(pledged, pledged.c.loan_id == Loan.id)
        .outerjoin(repaid, repaid.c.loan_id == Loan.id)
        .outerjoin(prices, prices.c.commodity_code == pledged.c.commodity)
        .where(Loan.status == LoanStatus.ACTIVE)
        .order_by(Loan.id, pledged.c.commodity)
    )
    for loan_id, group in groupby(rows, key=lambda r: r[0]):
        lines = list(group)
        _, code, party_id, loan_balance = lines[0][:4]
        found = tuple(Lot._make(r[4:9]) for r in lines)
        yield LoanMargin(
            loan_id,
            code,
            party_id,
            loan_balance,
            found,
            sum(lot.positions for lot in found),
            _margin(loan_balance, found, as_of, policy),
        )


def _margin(
    balance: Decimal, lots: tuple[Lot, ...], as_of: dt.date, policy: Policy
) -> MarginStatus | None:
    """One commodity: quantity × price as the rule states it. Several: the loan's goods as
    one lot worth Σ quantity × price (the same products, rounded once), dated by the oldest price."""
    if any(lot.price is None or lot.price_date is None for lot in lots):
        return None
    if len(lots) == 1:
        (lot,) = lots
        quantity, price, day = lot.quantity, lot.price, lot.price_date
    else:
        quantity = Decimal(1)
        price = sum((lot.quantity * lot.price for lot in lots if lot.price is not None), ZERO)
        day = min(lot.price_date for lot in lots if lot.price_date is not None)
    assert price is not None and day is not None
    return margin_status(
        loan_balance=balance,
        quantity=quantity,
        price=price,
        price_date=day,
        as_of=as_of,
        policy=policy,
    )


class Limits(NamedTuple):
    """The goods policy's thresholds as the figures show them (read once per run)."""

    advance_rate: str
    liquidation_ratio: Decimal
    stale_business_days: int
    policy_version: str

    @classmethod
    def of(cls, policy: Policy) -> Limits:
        return cls(
            dec(policy.decimal("goods.advance_rate.general")),
            policy.decimal("goods.liquidation_ratio"),
            int(policy.decimal("goods.stale_price_business_days")),
            policy.version,
        )


def conditions_for(loan: LoanMargin, limits: Limits) -> Iterator[Condition]:
    """The alerts one loan's valuation calls for: a margin call or liquidation, a stale price."""
    ms = loan.margin
    if ms is not None and ms.status == "ok":
        return
    base = {
        "loan_code": loan.loan_code,
        "lots": [lot.to_dict() for lot in loan.lots],
        "positions": loan.positions,
        "clause": CLAUSE,
        "policy_version": limits.policy_version,
    }
    if ms is None:
        yield _no_price(loan, base, limits)
        return
    if "stale_price" in ms.alerts:
        yield _stale_price(loan, ms, base, limits)
    level = (
        "liquidation"
        if "liquidation" in ms.alerts
        else "warning"
        if "warning" in ms.alerts
        else None
    )
    if level is not None:
        yield _margin_call(loan, ms, level, base, limits)


def _no_price(loan: LoanMargin, base: dict[str, object], limits: Limits) -> Condition:
    missing = [lot.commodity for lot in loan.lots if lot.price is None]
    return _condition(
        loan,
        STALE,
        Severity.WARNING,
        f"贷款 {loan.loan_code} 的质押物没有价格，无法盯市 (no price for {', '.join(missing)}: "
        "cannot mark to market)",
        {**base, "missing_prices": missing, "threshold_business_days": limits.stale_business_days},
    )


def _stale_price(
    loan: LoanMargin, ms: MarginStatus, base: dict[str, object], limits: Limits
) -> Condition:
    stale_limit = limits.stale_business_days
    oldest = min(lot.price_date for lot in loan.lots if lot.price_date is not None)
    return _condition(
        loan,
        STALE,
        Severity.WARNING,
        f"贷款 {loan.loan_code} 质押物价格已 {ms.price_age_business_days} 个工作日未更新，"
        f"超过 {stale_limit} 日 (price {ms.price_age_business_days} business days old, "
        f"limit {stale_limit})",
        {
            **base,
            "price_date": oldest.isoformat(),
            "price_age_business_days": ms.price_age_business_days,
            "threshold_business_days": stale_limit,
        },
    )


def _margin_call(
    loan: LoanMargin, ms: MarginStatus, level: str, base: dict[str, object], limits: Limits
) -> Condition:
    """A margin call (warning) or the liquidation line reached (critical)."""
    ratio = limits.liquidation_ratio
    line = quantize_fen(ms.market_value * ratio)
    figures = {
        **base,
        "status": level,
        "loan_balance": dec(ms.loan_balance),
        "market_value": dec(ms.market_value),
        "lending_value": dec(ms.lending_value),
        "shortfall": dec(ms.shortfall),
        "advance_rate": limits.advance_rate,
        "liquidation_ratio": dec(ratio),
        "liquidation_line": dec(line),
        "price_age_business_days": ms.price_age_business_days,
    }
    if level == "liquidation":
        message = (
            f"贷款 {loan.loan_code} 触及平仓线：余额 {format_yuan(ms.loan_balance)} ≥ 市值 "
            f"{format_yuan(ms.market_value)} × {ratio} (liquidation line reached; "
            f"shortfall {dec(ms.shortfall)})"
        )
        return _condition(loan, MARGIN, Severity.CRITICAL, message, figures)
    message = (
        f"贷款 {loan.loan_code} 余额 {format_yuan(ms.loan_balance)} 超过可贷价值 "
        f"{format_yuan(ms.lending_value)}，需补足货物或保证金 {format_yuan(ms.shortfall)} 元 "
        f"(margin call: top up {dec(ms.shortfall)})"
    )
    return _condition(loan, MARGIN, Severity.WARNING, message, figures)


def _condition(
    loan: LoanMargin, rule: str, severity: Severity, message: str, figures: dict[str, object]
) -> Condition:
    return Condition(
        rule=rule,
        key=f"loan:{loan.loan_id}",
        severity=severity,
        subject_type="loan",
        subject_id=loan.loan_id,
        party_id=loan.party_id,
        loan_id=loan.loan_id,
        message=message,
        figures=figures,
    )


def run(ctx: JobContext) -> Counts:
    policy = ctx.policy
    counts: Counts = {"loans": 0, "positions": 0, "ok": 0, "warning": 0, "liquidation": 0}
    counts["stale_price"] = 0
    market_total = shortfall_total = ZERO
    conditions: list[Condition] = []
    limits = Limits.of(policy)
    for loan in pledged_goods(ctx.session, ctx.as_of, policy):
        counts["loans"] += 1
        counts["positions"] += loan.positions
        counts[loan.status] += 1
        if loan.margin is not None:
            market_total += loan.margin.market_value
            shortfall_total += loan.margin.shortfall
        conditions.extend(conditions_for(loan, limits))
    releases = confirmed_warehouse.release_positions(ctx.session, ctx.as_of, policy)
    conditions.extend(confirmed_warehouse.conditions_for(releases, policy))
    counts["market_value"] = dec(market_total)
    counts["shortfall"] = dec(shortfall_total)
    counts["confirmed_warehouse_facilities"] = len(releases)
    counts["releasable"] = dec(sum((r.releasable for r in releases), ZERO))
    counts["alerts"] = sync_alerts(ctx, RULES, conditions)
    return counts
