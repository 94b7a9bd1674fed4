"""Column types that keep money exact on both databases.

PostgreSQL has ``NUMERIC``. SQLite has no decimal type: SQLAlchemy would pass
values through a float there, which is exactly what a bank cannot accept. So on
SQLite a decimal column is stored as a scaled integer (fen for money), and the
type converts on the way in and out. ``SUM`` over a column keeps its type, so
aggregates come back as exact ``Decimal`` on both backends.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from scf.credit.money import to_decimal


class _ScaledDecimal(TypeDecorator[Decimal]):
    """``NUMERIC(precision, scale)`` on PostgreSQL, a scaled ``BIGINT`` on SQLite."""

    impl = Numeric
    cache_ok = True
    precision = 18
    scale = 2

    def __init_subclass__(cls, *, precision: int, scale: int, **kwargs: Any) -> None:
        """Each column type fixes its precision and scale once, in its class line."""
        super().__init_subclass__(**kwargs)
        cls.precision, cls.scale, cls.cache_ok = precision, scale, True

    def __init__(self, **_ignored: Any) -> None:
        # Alembic renders ``Money(precision=18, scale=2)``; the class fixes both.
        super().__init__(precision=self.precision, scale=self.scale, asdecimal=True)
        self._unit = Decimal(1).scaleb(-self.scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = to_decimal(value).quantize(self._unit, rounding=ROUND_HALF_UP)
        if dialect.name == "sqlite":
            return int(exact.scaleb(self.scale))
        return exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self._unit)
        return Decimal(value).quantize(self._unit)

    @property
    def python_type(self) -> type:
        return Decimal


class Money(_ScaledDecimal, precision=18, scale=2):
    """CNY to the fen (元, two places)."""


class Quantity(_ScaledDecimal, precision=18, scale=4):
    """Goods quantities (tons, units) to four places."""


class UnitPrice(_ScaledDecimal, precision=18, scale=4):
    """Commodity prices per unit, four places."""


class Ratio(_ScaledDecimal, precision=12, scale=6):
    """Ratios and interest rates (0.081500), six places."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamps stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: timestamps must carry a timezone")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
