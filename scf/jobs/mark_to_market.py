"""Job 2, collateral mark-to-market (质押物盯市): every pledged goods and warehouse-receipt
position revalued at the latest price; margin status and shortfall per loan; 保兑仓
releases recomputed [003 §七(四)2, §六(九)] [DOMAIN §6].

Set-based: one SQL aggregate sums the pledged quantity per loan and commodity and
joins the latest price on or before the as-of date; one more gives each loan's
outstanding principal. The status itself comes from ``scf.credit.goods.margin_status``
called on those plain rows (never on ORM objects), so the rule lives in one place and
its thresholds — pledge rate, liquidation line, stale-price age — are the goods policy's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.goods import MarginStatus, margin_status
from scf.credit.money import ZERO, format_yuan, quantize_fen
from scf.credit.policy import Policy
from scf.jobs import confirmed_warehouse
from scf.jobs.alert_book import Condition, dec, sync_alerts
from scf.jobs.context import Counts, JobContext
from scf.jobs.queries import latest_prices, outstanding_principal_column
from scf.platform.models import Loan, WarehouseReceipt
from scf.platform.models.enums import LoanStatus, ReceiptStatus, Severity
from scf.platform.models.types import Quantity

MARGIN = "collateral_margin"
STALE = "collateral_price_stale"
RULES = (MARGIN, STALE, confirmed_warehouse.OVER_RELEASE)
CLAUSE = "[003 §七(四)2] [DOMAIN §6]"


@dataclass(frozen=True)
class Lot:
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


@dataclass(frozen=True)
class LoanMargin:
    """One loan's goods marked to market. ``margin`` is None when a commodity has no price."""

    loan_id: int
    loan_code: str
    party_id: int
    balance: Decimal
    lots: tuple[Lot, ...]
    margin: MarginStatus | None

    @property
    def positions(self) -> int:
        return sum(lot.positions for lot in self.lots)

    @property
    def status(self) -> str:
        return "stale_price" if self.margin is None else self.margin.status


def pledged_goods(
    session: Session, as_of: dt.date, policy: Policy, loan_ids: Collection[int] | None = None
) -> Iterator[LoanMargin]:
    """Every active loan with pledged goods, revalued on ``as_of``, in loan order."""
    prices = latest_prices(as_of)
    pledged = sa.and_(
        WarehouseReceipt.pledged_loan_id.is_not(None),
        WarehouseReceipt.status == ReceiptStatus.PLEDGED,
        Loan.status == LoanStatus.ACTIVE,
    )
    if loan_ids is not None:
        pledged = sa.and_(pledged, Loan.id.in_(list(loan_ids)))
    balance, repaid = outstanding_principal_column()
    loans = {
        row.id: row
        for row in session.execute(
            sa.select(Loan.id, Loan.code, Loan.party_id, balance.label("balance"))
            .outerjoin(repaid, repaid.c.loan_id == Loan.id)
            .where(
                Loan.id.in_(
                    sa.select(WarehouseReceipt.pledged_loan_id)
                    .join(Loan, Loan.id == WarehouseReceipt.pledged_loan_id)
                    .where(pledged)
                )
            )
        )
    }
    lots = session.execute(
        sa.select(
            WarehouseReceipt.pledged_loan_id,
            WarehouseReceipt.commodity_code,
            sa.type_coerce(
                sa.func.sum(WarehouseReceipt.quantity - WarehouseReceipt.released_quantity),
                Quantity(),
            ).label("quantity"),
            sa.func.count().label("positions"),
            prices.c.price,
            prices.c.price_date,
        )
        .join(Loan, Loan.id == WarehouseReceipt.pledged_loan_id)
        .outerjoin(prices, prices.c.commodity_code == WarehouseReceipt.commodity_code)
        .where(pledged)
        .group_by(
            WarehouseReceipt.pledged_loan_id,
            WarehouseReceipt.commodity_code,
            prices.c.price,
            prices.c.price_date,
        )
        .order_by(WarehouseReceipt.pledged_loan_id, WarehouseReceipt.commodity_code)
    )
    for loan_id, rows in groupby(lots, key=lambda r: r[0]):
        loan = loans[loan_id]
        found = tuple(Lot(r[1], r[2], r[3], r[4], r[5]) for r in rows)
        yield LoanMargin(
            loan_id,
            loan.code,
            loan.party_id,
            loan.balance,
            found,
            _margin(loan.balance, found, as_of, policy),
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


def conditions_for(loan: LoanMargin, policy: Policy) -> Iterator[Condition]:
    """The alerts one loan's valuation calls for: a margin call or liquidation, a stale price."""
    base = {
        "loan_code": loan.loan_code,
        "lots": [lot.to_dict() for lot in loan.lots],
        "positions": loan.positions,
        "clause": CLAUSE,
        "policy_version": policy.version,
    }
    ms = loan.margin
    stale_limit = int(policy.decimal("goods.stale_price_business_days"))
    if ms is None:
        missing = [lot.commodity for lot in loan.lots if lot.price is None]
        yield _condition(
            loan,
            STALE,
            Severity.WARNING,
            f"贷款 {loan.loan_code} 的质押物没有价格，无法盯市 (no price for {', '.join(missing)}: "
            "cannot mark to market)",
            {**base, "missing_prices": missing, "threshold_business_days": stale_limit},
        )
        return
    if "stale_price" in ms.alerts:
        oldest = min(lot.price_date for lot in loan.lots if lot.price_date is not None)
        yield _condition(
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
    level = (
        "liquidation"
        if "liquidation" in ms.alerts
        else "warning"
        if "warning" in ms.alerts
        else None
    )
    if level is None:
        return
    ratio = policy.decimal("goods.liquidation_ratio")
    line = quantize_fen(ms.market_value * ratio)
    figures = {
        **base,
        "status": level,
        "loan_balance": dec(ms.loan_balance),
        "market_value": dec(ms.market_value),
        "lending_value": dec(ms.lending_value),
        "shortfall": dec(ms.shortfall),
        "pledge_rate": dec(policy.decimal("goods.pledge_rate.general")),
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
        yield _condition(loan, MARGIN, Severity.CRITICAL, message, figures)
    else:
        message = (
            f"贷款 {loan.loan_code} 余额 {format_yuan(ms.loan_balance)} 超过可贷价值 "
            f"{format_yuan(ms.lending_value)}，需补足货物或保证金 {format_yuan(ms.shortfall)} 元 "
            f"(margin call: top up {dec(ms.shortfall)})"
        )
        yield _condition(loan, MARGIN, Severity.WARNING, message, figures)


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
    for loan in pledged_goods(ctx.session, ctx.as_of, policy):
        counts["loans"] += 1
        counts["positions"] += loan.positions
        counts[loan.status] += 1
        if loan.margin is not None:
            market_total += loan.margin.market_value
            shortfall_total += loan.margin.shortfall
        conditions.extend(conditions_for(loan, policy))
    releases = confirmed_warehouse.release_positions(ctx.session, ctx.as_of, policy)
    conditions.extend(confirmed_warehouse.conditions_for(releases, policy))
    counts["market_value"] = dec(market_total)
    counts["shortfall"] = dec(shortfall_total)
    counts["confirmed_warehouse_facilities"] = len(releases)
    counts["releasable"] = dec(sum((r.releasable for r in releases), ZERO))
    counts["alerts"] = sync_alerts(ctx, RULES, conditions)
    return counts
