"""Alerts raised by the monitoring jobs: the queue, one alert, acknowledge, resolve."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from scf.platform.api import actor, make_blueprint, window
from scf.platform.api.schemas.monitoring import ActionSchema, AlertQuery, AlertSchema
from scf.platform.services.monitoring.alerts import acknowledge_alert, resolve_alert
from scf.platform.services.monitoring.queries import (
    get_alert,
    list_alerts,
)
from scf.platform.web_session import db_session

blp = make_blueprint("alerts", "/alerts", "Monitoring alerts (预警): the queue to work through")


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
            **window(pagination_parameters),
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
