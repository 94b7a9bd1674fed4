"""Commodity prices (商品价格): one way in, whether from ``POST /api/v1/prices`` or a CSV
dropped in the price folder (the ``price_import`` job).

Pledged goods are marked to market with these prices [DOMAIN §6], so a bad price must
never slip in: each row is checked on its own, good rows are loaded, bad rows are
reported by row and field and not loaded. The same price sent twice is a no-op (the
feed may repeat itself); a *different* price for a commodity and date already known
is refused as a conflict rather than silently overwriting the value that was used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.business_dates import too_early
from scf.credit.money import MoneyError, to_decimal
from scf.credit.policy import load_policy
from scf.platform.auth.access import Actor, require_role
from scf.platform.errors import ValidationFailed
from scf.platform.models import Commodity, CommodityPrice
from scf.platform.models.enums import Role
from scf.platform.services import audit
from scf.platform.services.unit_of_work import use_case

PRICE_PLACES = 4  # the column keeps four places (``UnitPrice``); more would be rounded away


@dataclass(frozen=True)
class RejectedRow:
    row: str  # where it came from: "prices[2]" or "2026-11-20.csv:5"
    errors: dict[str, list[str]]

    def to_dict(self) -> dict[str, object]:
        return {"row": self.row, "errors": self.errors}


@dataclass
class PriceImportResult:
    loaded: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "rejected": [r.to_dict() for r in self.rejected],
        }


Accepted = dict[tuple[str, dt.date], tuple[Decimal, str]]  # (code, day) → (price, row label)


@use_case
def import_prices(
    session: Session,
    actor: Actor,
    rows: Iterable[tuple[str, Mapping[str, object]]],
    *,
    source: str,
    as_of: dt.date,
    refuse_when_all_rejected: bool = False,
) -> PriceImportResult:
    """Load ``(row label, {commodity, price_date, price})`` rows; dates after ``as_of`` are
    refused. With ``refuse_when_all_rejected`` (a request, not a file in the drop folder),
    a batch of which no row is good is refused as a whole and nothing is written."""
    require_role(actor, Role.ADMIN, Role.RISK_OFFICER)
    known = set(session.scalars(sa.select(Commodity.code)))
    result = PriceImportResult()
    accepted = _accepted_rows(rows, known, as_of, result)
    new = _new_prices(_stored(session, accepted), accepted, source, result)
    if refuse_when_all_rejected and result.rejected and not (new or result.unchanged):
        raise ValidationFailed(
            "所有价格行均有误，未加载 (every row is invalid; nothing loaded)",
            errors={r.row: [m for ms in r.errors.values() for m in ms] for r in result.rejected},
        )
    if new:
        session.execute(sa.insert(CommodityPrice), new)
    result.loaded = len(new)
    if result.loaded or result.rejected:
        audit.record(
            session,
            actor,
            "prices.import",
            "commodity_prices",
            None,
            after={"loaded": result.loaded, "unchanged": result.unchanged},
            context={
                "source": source,
                "rejected": [r.to_dict() for r in result.rejected[:100]],
            },
        )
    return result


def _accepted_rows(
    rows: Iterable[tuple[str, Mapping[str, object]]],
    known: set[str],
    as_of: dt.date,
    result: PriceImportResult,
) -> Accepted:
    """Each row checked on its own; a repeat within the batch is unchanged if it agrees
    and rejected if it does not. Rejections and repeats are counted in ``result``."""
    accepted: Accepted = {}
    for label, data in rows:
        errors: dict[str, list[str]] = {}
        code, day, price = (
            _commodity(data, known, errors),
            _day(data, as_of, errors),
            _price(data, errors),
        )
        if code is not None and day is not None and price is not None:
            earlier = accepted.get((code, day))
            if earlier is None:
                accepted[(code, day)] = (price, label)
                continue
            if earlier[0] == price:
                result.unchanged += 1
                continue
            errors.setdefault("price", []).append(
                f"价格 (price): 与{earlier[1]}的 {earlier[0]} 冲突 (conflicts with {earlier[1]})"
            )
        result.rejected.append(RejectedRow(label, errors))
    return accepted


def _new_prices(
    stored: Mapping[tuple[str, dt.date], Decimal],
    accepted: Accepted,
    source: str,
    result: PriceImportResult,
) -> list[dict[str, object]]:
    """The accepted prices not yet known; one already stored is unchanged if equal, and
    refused rather than overwritten if it differs."""
    new: list[dict[str, object]] = []
    for (code, day), (price, label) in accepted.items():
        known_price = stored.get((code, day))
        if known_price is None:
            new.append(
                {"commodity_code": code, "price_date": day, "price": price, "source": source}
            )
        elif known_price == price:
            result.unchanged += 1
        else:
            result.rejected.append(
                RejectedRow(
                    label,
                    {
                        "price": [
                            f"价格 (price): {code} {day} 已记录为 {known_price:f} "
                            f"(already recorded as {known_price:f}; not overwritten)"
                        ]
                    },
                )
            )
    return new


def _commodity(
    data: Mapping[str, object], known: set[str], errors: dict[str, list[str]]
) -> str | None:
    value = str(data.get("commodity") or "").strip()
    if not value:
        errors["commodity"] = ["品种 (commodity): 必填 (required)"]
        return None
    if value not in known:
        errors["commodity"] = [f"品种 (commodity): 未知品种 (unknown commodity) “{value}”"]
        return None
    return value


def _day(
    data: Mapping[str, object], as_of: dt.date, errors: dict[str, list[str]]
) -> dt.date | None:
    raw = data.get("price_date")
    if isinstance(raw, dt.date):
        day = raw
    else:
        text = str(raw or "").strip()
        if not text:
            errors["price_date"] = ["价格日期 (price_date): 必填 (required)"]
            return None
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            errors["price_date"] = [f"价格日期 (price_date): 应为YYYY-MM-DD (bad date) “{text}”"]
            return None
    if day > as_of:
        errors["price_date"] = [
            f"价格日期 (price_date): {day} 晚于今天 {as_of} (a price from the future)"
        ]
        return None
    problem = too_early(day, load_policy(as_of))
    if problem:
        errors["price_date"] = [f"价格日期 (price_date): {problem}"]
        return None
    return day


def _price(data: Mapping[str, object], errors: dict[str, list[str]]) -> Decimal | None:
    raw = data.get("price")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        errors["price"] = ["价格 (price): 必填 (required)"]
        return None
    try:
        price = to_decimal(raw, field="价格 (price)")
    except MoneyError as error:
        errors["price"] = [str(error)]
        return None
    if price <= 0:
        errors["price"] = ["价格 (price): 必须大于0 (must be positive)"]
        return None
    exponent = price.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PRICE_PLACES:
        errors["price"] = [
            f"价格 (price): 最多{PRICE_PLACES}位小数 (at most {PRICE_PLACES} places)"
        ]
        return None
    return price


def _stored(
    session: Session, keys: Mapping[tuple[str, dt.date], object]
) -> dict[tuple[str, dt.date], Decimal]:
    if not keys:
        return {}
    codes = sorted({code for code, _ in keys})
    days = [day for _, day in keys]
    rows = session.execute(
        sa.select(
            CommodityPrice.commodity_code, CommodityPrice.price_date, CommodityPrice.price
        ).where(
            CommodityPrice.commodity_code.in_(codes),
            CommodityPrice.price_date.between(min(days), max(days)),
        )
    )
    return {(code, day): price for code, day, price in rows}
