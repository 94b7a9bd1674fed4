"""Schemas of the parties API: search, a party, its assessment on a date, pricing quotes."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from scf.credit.pricing import FACTORS
from scf.platform.api.schemas.common import money_field, ratio_field


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


class AssessmentQuery(Schema):
    as_of = fields.Date(metadata={"description": "YYYY-MM-DD, default today; not in the future"})
    requested_amount = money_field(
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


def ratio_map() -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(FACTORS)),
        values=ratio_field(),
    )


class QuoteRequest(Schema):
    base_rate = ratio_field(
        validate=validate.Range(min=0, max=1),
        metadata={"description": 'annual base rate as a ratio, e.g. "0.0486"'},
    )
    coefficients = ratio_map()
    weights = ratio_map()
    uscc = fields.String(metadata={"description": "price for this party instead"})
    guarantee = fields.String(
        metadata={"description": "deposit_certificate, strong, combined or unsecured"}
    )
    contribution = fields.String(
        metadata={"description": "high, medium or low (derived if absent)"}
    )
    prospect = fields.String(metadata={"description": "good, fair or poor (derived if absent)"})
    as_of = fields.Date(metadata={"description": "date of the party's figures (default today)"})

    @validates_schema
    def one_mode(self, data: dict[str, Any], **_: Any) -> None:
        formula = "coefficients" in data or "weights" in data
        party = "uscc" in data
        if formula == party:
            raise ValidationError(
                "给出系数和权重，或给出主体和担保方式，二选一 "
                "(give either coefficients and weights, or uscc and guarantee)",
                "_schema",
            )
        if formula:
            for name in ("base_rate", "coefficients", "weights"):
                if name not in data:
                    raise ValidationError("必填 (required)", name)
        elif "guarantee" not in data:
            raise ValidationError("必填 (required)", "guarantee")


class QuoteSchema(Schema):
    base_rate = fields.String()
    coefficients = fields.Dict(keys=fields.String(), values=fields.String())
    weights = fields.Dict(keys=fields.String(), values=fields.String())
    uplift = fields.String()
    annual_rate = fields.String(metadata={"description": "exact ratio"})
    annual_percent = fields.String(metadata={"description": 'e.g. "8.15" (%)'})
    monthly_permille = fields.String(metadata={"description": 'e.g. "6.79" (‰)'})
    formula = fields.String()
    policy_version = fields.String()
    inputs = fields.Dict()
    derived = fields.Dict()
