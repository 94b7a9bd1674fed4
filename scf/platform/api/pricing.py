"""Loan pricing quotes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from scf.credit.pricing import FACTORS
from scf.platform.api import actor, make_blueprint
from scf.platform.services.lending.pricing import formula_quote, party_quote
from scf.platform.web_session import db_session

blp = make_blueprint("pricing", "/pricing", "Loan pricing (贷款定价) [000 第8篇]")


def ratio_map() -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(FACTORS)),
        values=fields.Decimal(allow_nan=False),
    )


class QuoteRequest(Schema):
    base_rate = fields.Decimal(
        allow_nan=False,
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


@blp.route("/quote")
class Quote(MethodView):
    @blp.arguments(QuoteRequest)
    @blp.response(200, QuoteSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Rate = base × (1 + Σ coefficient × weight): annual (%) and monthly (‰), with working."""
        if "uscc" not in body:
            return formula_quote(body["base_rate"], body["coefficients"], body["weights"])
        return party_quote(
            db_session(),
            actor(),
            body["uscc"],
            body["guarantee"],
            body.get("as_of") or dt.date.today(),
            contribution=body.get("contribution"),
            prospect=body.get("prospect"),
            base_rate=body.get("base_rate"),
        )
