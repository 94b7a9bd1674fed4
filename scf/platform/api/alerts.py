"""Alerts raised by the monitoring jobs: the queue, one alert, acknowledge, resolve."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from scf.platform.api import actor, make_blueprint
from scf.platform.api.schemas import PartyRefSchema
from scf.platform.services.monitoring.alerts import COMMENT_MAX, acknowledge_alert, resolve_alert
from scf.platform.services.monitoring.queries import (
    SEVERITIES,
    STATUS_FILTERS,
    get_alert,
    list_alerts,
)
from scf.platform.web_session import db_session

blp = make_blueprint("alerts", "/alerts", "Monitoring alerts (预警): the queue to work through")


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


@blp.route("")
class Alerts(MethodView):
    @blp.arguments(AlertQuery, location="query")
    @blp.response(200, AlertSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, object]]:
        """The alerts you may see, most severe and most recent first."""
        total, views = list_alerts(
            db_session(),
            actor(),
            **args,
            limit=pagination_parameters.page_size,
            offset=pagination_parameters.first_item,
        )
        pagination_parameters.item_count = total
        return [v.to_dict() for v in views]


@blp.route("/<int:alert_id>")
class AlertDetail(MethodView):
    @blp.response(200, AlertSchema)
    def get(self, alert_id: int) -> dict[str, object]:
        """One alert with its history."""
        return get_alert(db_session(), actor(), alert_id).to_dict()


@blp.route("/<int:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @blp.arguments(ActionSchema)
    @blp.response(200, AlertSchema)
    def post(self, body: dict[str, Any], alert_id: int) -> dict[str, object]:
        """Acknowledge an open alert, with an optional comment."""
        session = db_session()
        view = acknowledge_alert(session, actor(), alert_id, body.get("comment"))
        return view.to_dict()


@blp.route("/<int:alert_id>/resolve")
class Resolve(MethodView):
    @blp.arguments(ActionSchema)
    @blp.response(200, AlertSchema)
    def post(self, body: dict[str, Any], alert_id: int) -> dict[str, object]:
        """Resolve an alert by hand, saying what was done (bank staff only)."""
        session = db_session()
        view = resolve_alert(session, actor(), alert_id, body.get("comment"))
        return view.to_dict()
