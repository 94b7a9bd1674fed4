"""Shared marshmallow pieces: money always as decimal strings."""

from __future__ import annotations

from marshmallow import Schema, fields


def money_field(**kwargs: object) -> fields.Decimal:
    """A decimal that travels as a string ("1234.50"), never as a JSON float."""
    return fields.Decimal(as_string=True, places=2, **kwargs)  # type: ignore[arg-type]


class PartyQuery(Schema):
    role = fields.String(
        metadata={
            "description": "core_enterprise, supplier, dealer, market_administrator, merchant, ..."
        }
    )
    q = fields.String(metadata={"description": "text in the name or the code"})


class PartySchema(Schema):
    uscc = fields.String()
    name = fields.String()
    kind = fields.String()
    industry = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    market_id = fields.Integer(allow_none=True)


class MarketSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    commodity = fields.String(allow_none=True)
    stage = fields.String()
    administrator = fields.Dict(allow_none=True)
    merchant_count = fields.Integer()


class AsOfQuery(Schema):
    as_of = fields.Date(metadata={"description": "YYYY-MM-DD; today when absent"})


class MerchantStatusSchema(Schema):
    uscc = fields.String()
    name = fields.String()
    kind = fields.String()
    decision = fields.String(allow_none=True)
    tier = fields.String(allow_none=True)
    reference_limit = money_field(allow_none=True)
    policy_version = fields.String(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "why there is no assessment"})


class PartyRefSchema(Schema):
    uscc = fields.String(allow_none=True)
    name = fields.String()


class LoanLineSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    borrower = fields.Nested(PartyRefSchema)
    product = fields.String()
    principal = money_field()
    outstanding = money_field()
    drawn_on = fields.Date()
    maturity_date = fields.Date()
    status = fields.String()
    days_past_due = fields.Integer()
    delinquency_class = fields.String()
