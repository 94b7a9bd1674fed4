"""Pieces every area's schemas share: exact decimals (money, rates, quantities) as decimal
strings, the as-of query, a reference to a party.

An amount is never silently rounded on the way in: ``12.345`` yuan is refused, naming
the field, rather than stored as ``12.34``, and a rate of ``0.0000004`` is refused rather
than stored as ``0.000000``. The places are those of the column that keeps the figure
(money 2, quantities and unit prices 4, ratios and rates 6).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields

MONEY_PLACES = 2
QUANTITY_PLACES = 4
RATIO_PLACES = 6
LARGEST = Decimal("1e15")  # ¥1,000 trillion: beyond any figure a bank books; columns hold 1e16


class ExactDecimal(fields.Decimal):
    """A decimal string ("1234.50") with at most ``max_places`` decimal places: more is
    refused, not rounded; NaN, infinities and magnitudes beyond ``LARGEST`` are refused
    too. Money is then written with its two places ("12.30"); ratios keep the digits given."""

    def __init__(self, max_places: int, *, pad: bool = False, **kwargs: Any) -> None:
        super().__init__(
            places=max_places if pad else None, as_string=True, allow_nan=False, **kwargs
        )
        self.exact_places = max_places

    def _validated(self, value: Any) -> Decimal:
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except (InvalidOperation, ValueError, TypeError):
            return super()._validated(value)  # marshmallow's own "not a number" message
        if number.is_finite():
            if abs(number) >= LARGEST:
                raise ValidationError(f"数值过大 (at most {LARGEST:,.0f})")
            if number.normalize().as_tuple().exponent < -self.exact_places:  # type: ignore[operator]
                raise ValidationError(
                    f"最多 {self.exact_places} 位小数，不做四舍五入 "
                    f"(at most {self.exact_places} decimal places; not rounded)"
                )
        result: Decimal = super()._validated(value)
        return result


def money_field(**kwargs: Any) -> fields.Decimal:
    """Yuan to the fen, travelling as a string ("1234.50"), never as a JSON float."""
    return ExactDecimal(MONEY_PLACES, pad=True, **kwargs)


def quantity_field(**kwargs: Any) -> fields.Decimal:
    """Goods quantities (tons, units) to four places."""
    return ExactDecimal(QUANTITY_PLACES, **kwargs)


def ratio_field(**kwargs: Any) -> fields.Decimal:
    """Ratios and annual rates (0.081500) to six places."""
    return ExactDecimal(RATIO_PLACES, **kwargs)


class AsOfQuery(Schema):
    as_of = fields.Date(metadata={"description": "YYYY-MM-DD; today when absent"})


class PartyRefSchema(Schema):
    uscc = fields.String(allow_none=True)
    name = fields.String()
