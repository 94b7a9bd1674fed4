"""Schemas of the markets API: markets, their merchants and loans."""

from __future__ import annotations

from marshmallow import Schema, fields

from scf.platform.api.schemas.common import PartyRefSchema, money_field


class MarketSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    commodity = fields.String(allow_none=True)
    stage = fields.String()
    administrator = fields.Dict(allow_none=True)
    merchant_count = fields.Integer()


class MerchantStatusSchema(Schema):
    uscc = fields.String()
    name = fields.String()
    kind = fields.String()
    decision = fields.String(allow_none=True)
    tier = fields.String(allow_none=True)
    reference_limit = money_field(allow_none=True)
    policy_version = fields.String(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "why there is no assessment"})


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
