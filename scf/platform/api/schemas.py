"""Shared marshmallow pieces: money always as decimal strings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


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


class AssessmentQuery(Schema):
    as_of = fields.Date(metadata={"description": "YYYY-MM-DD, default today; not in the future"})
    requested_amount = fields.Decimal(
        as_string=True,
        places=2,
        validate=validate.Range(min=0, min_inclusive=False),
        metadata={"description": "yuan; the answer then includes the granted amount"},
    )


class RuleSchema(Schema):
    id = fields.String()
    clause = fields.String(metadata={"description": "source clause, e.g. [003 §五(一)1(4)]"})
    result = fields.String(metadata={"description": "pass, fail or refer"})
    observed = fields.String(allow_none=True)
    threshold = fields.String(allow_none=True)
    message = fields.String()
    missing = fields.List(fields.String())


class LimitSchema(Schema):
    formula = fields.String()
    clause = fields.String()
    inputs = fields.Dict(keys=fields.String(), values=fields.String())
    candidates = fields.Dict(keys=fields.String(), values=fields.String())
    binding = fields.String(allow_none=True)
    amount = fields.String(metadata={"description": "yuan, decimal string"})
    floored = fields.Boolean()
    missing = fields.List(fields.String())


class AssessmentSchema(Schema):
    uscc = fields.String()
    name = fields.String()
    as_of = fields.String()
    snapshot_as_of = fields.String(allow_none=True)
    size_class = fields.String(allow_none=True)
    size_explanation = fields.String()
    decision = fields.String(metadata={"description": "eligible, refer or ineligible"})
    tier = fields.String(metadata={"description": "key_supported, normal, cautious, prohibited"})
    policy_version = fields.String()
    rules = fields.List(fields.Nested(RuleSchema))
    tier_rules = fields.List(fields.Nested(RuleSchema))
    reference_limit = fields.Nested(LimitSchema)
    granted = fields.Dict(allow_none=True)
    missing = fields.List(fields.String())
    coal_class = fields.Integer(allow_none=True)


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
