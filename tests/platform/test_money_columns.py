"""Money survives the database exactly, on SQLite as on PostgreSQL, sums included."""

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.money import MoneyError
from scf.platform.models import Commodity, CommodityPrice, Market, Programme
from scf.platform.models.enums import MarketKind, MarketStage, ProgrammeKind


def _market(session: Session) -> Market:
    market = Market(code="M-T", name="测试市场", kind=MarketKind.MALL, stage=MarketStage.MATURE)
    session.add(market)
    session.flush()
    return market


def _programme(market: Market, code: str, cap: object) -> Programme:
    return Programme(
        code=code,
        kind=ProgrammeKind.MARKET,
        market_id=market.id,
        name=code,
        cap=cap,
        valid_from=dt.date(2026, 1, 1),
    )


def test_amounts_round_trip_to_the_fen(db_session: Session) -> None:
    market = _market(db_session)
    db_session.add(_programme(market, "P1", Decimal("12345678901234.56")))
    db_session.flush()
    db_session.expire_all()
    cap = db_session.scalar(sa.select(Programme.cap).where(Programme.code == "P1"))
    assert cap == Decimal("12345678901234.56")
    assert isinstance(cap, Decimal)


def test_sum_of_a_tenth_ten_times_is_exactly_one(db_session: Session) -> None:
    # 0.1 summed ten times in binary floating point is 0.9999999999999999.
    market = _market(db_session)
    for i in range(10):
        db_session.add(_programme(market, f"S{i}", Decimal("0.10")))
    db_session.flush()
    total = db_session.scalar(
        sa.select(sa.func.sum(Programme.cap)).where(Programme.code.like("S%"))
    )
    assert total == Decimal("1.00")


def test_half_a_fen_rounds_up(db_session: Session) -> None:
    market = _market(db_session)
    db_session.add(_programme(market, "H", Decimal("0.005")))
    db_session.flush()
    db_session.expire_all()
    assert db_session.scalar(sa.select(Programme.cap).where(Programme.code == "H")) == Decimal(
        "0.01"
    )


def test_float_is_refused_at_the_column(db_session: Session) -> None:
    db_session.add(Commodity(code="steel", name="钢", unit="吨", category="steel"))
    db_session.add(
        CommodityPrice(commodity_code="steel", price_date=dt.date(2026, 1, 5), price=3850.1)
    )
    with pytest.raises(sa.exc.StatementError) as error:
        db_session.flush()
    assert isinstance(error.value.orig, MoneyError)


def test_comparison_with_a_decimal_literal_uses_the_same_scale(db_session: Session) -> None:
    market = _market(db_session)
    db_session.add(_programme(market, "C", Decimal("100.00")))
    db_session.flush()
    found = db_session.scalar(
        sa.select(Programme.code).where(Programme.cap > Decimal("99.99"), Programme.code == "C")
    )
    assert found == "C"
