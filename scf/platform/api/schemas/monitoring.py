"""Schemas of the monitoring API: alerts (the queue, one alert, acting on it) and commodity prices."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from scf.platform.api.schemas.common import PartyRefSchema
from scf.platform.services.monitoring.alerts import COMMENT_MAX
from scf.platform.services.monitoring.queries import SEVERITIES, STATUS_FILTERS


class AlertQuery(Schema):
    status = fields.String(
        validate=validate.OneOf(STATUS_FILTERS),
        metadata={
            "description": "open, acknowledged, resolved, or unresolved (open + acknowledged)"
        },
    )
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    rule = fields.String(metadata={"description": "e.g. collateral_margin, loan_overdue"})
    party = fields.String(metadata={"description": "unified social credit code or customer number"})
    owner = fields.String(metadata={"description": "username of the owner"})


class AlertEventSchema(Schema):
    at = fields.String()
    actor = fields.String()
    action = fields.String()
    comment = fields.String(allow_none=True)


class AlertSchema(Schema):
    id = fields.Integer()
    rule = fields.String()
    severity = fields.String()
    status = fields.String()
    subject_type = fields.String()
    subject_id = fields.Integer(allow_none=True)
    party = fields.Nested(PartyRefSchema, allow_none=True)
    loan_code = fields.String(allow_none=True)
    market_id = fields.Integer(allow_none=True)
    owner = fields.String(allow_none=True)
    message = fields.String()
    figures = fields.Dict(
        metadata={"description": "the figures behind it; amounts as decimal strings"}
    )
    first_seen_on = fields.String()
    last_seen_on = fields.String()
    acknowledged_at = fields.String(allow_none=True)
    acknowledged_by = fields.String(allow_none=True)
    resolved_at = fields.String(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    events = fields.List(fields.Nested(AlertEventSchema))


class ActionSchema(Schema):
    comment = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=COMMENT_MAX)
    )


MAX_ROWS = 10_000


class PriceRowSchema(Schema):
    commodity = fields.String(metadata={"description": "commodity code, e.g. steel_rebar"})
    price_date = fields.String(metadata={"description": "YYYY-MM-DD, not after today"})
    price = fields.Raw(
        metadata={
            "description": 'price per unit, e.g. "2613.14" (a JSON number is read as an exact decimal)'
        }
    )


class PriceImportSchema(Schema):
    source = fields.String(load_default="api", validate=validate.Length(max=100))
    prices = fields.List(
        fields.Nested(PriceRowSchema), required=True, validate=validate.Length(min=1, max=MAX_ROWS)
    )


class RejectedRowSchema(Schema):
    row = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class PriceImportResultSchema(Schema):
    loaded = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.List(fields.Nested(RejectedRowSchema))
