"""Commodity prices for the mark-to-market: the same import as the price drop folder."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask.views import MethodView

from scf.platform.api import actor, make_blueprint
from scf.platform.api.schemas.monitoring import PriceImportResultSchema, PriceImportSchema
from scf.platform.services.collateral.prices import import_prices
from scf.platform.web_session import db_session

blp = make_blueprint("prices", "/prices", "Commodity prices (商品价格) for mark-to-market")


@blp.route("")
class Prices(MethodView):
    @blp.arguments(PriceImportSchema)
    @blp.response(200, PriceImportResultSchema)
    def post(self, body: dict[str, Any]) -> dict[str, object]:
        """Load prices: good rows are loaded, bad rows reported (by index) and not loaded;
        a price already known is a no-op. All rows bad: 422."""
        session = db_session()
        rows = [(f"prices[{i}]", row) for i, row in enumerate(body["prices"])]
        settings = current_app.extensions["scf_settings"]
        today = dt.datetime.now(ZoneInfo(settings.jobs_timezone)).date()  # the bank's today
        result = import_prices(
            session,
            actor(),
            rows,
            source=f"api:{body['source']}",
            as_of=today,
            refuse_when_all_rejected=True,
        )
        return result.to_dict()
