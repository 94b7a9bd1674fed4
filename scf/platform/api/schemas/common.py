"""Pieces every area's schemas share: money always as decimal strings, the as-of query,
a reference to a party."""

from __future__ import annotations

from marshmallow import Schema, fields


def money_field(**kwargs: object) -> fields.Decimal:
    """A decimal that travels as a string ("1234.50"), never as a JSON float."""
    return fields.Decimal(as_string=True, places=2, **kwargs)  # type: ignore[arg-type]


class AsOfQuery(Schema):
    as_of = fields.Date(metadata={"description": "YYYY-MM-DD; today when absent"})


class PartyRefSchema(Schema):
    uscc = fields.String(allow_none=True)
    name = fields.String()
