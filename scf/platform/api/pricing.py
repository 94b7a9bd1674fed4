"""Loan pricing quotes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView

from scf.platform.api import actor, make_blueprint
from scf.platform.api.schemas.parties import QuoteRequest, QuoteSchema
from scf.platform.services.lending.pricing import formula_quote, party_quote
from scf.platform.web_session import db_session

blp = make_blueprint("pricing", "/pricing", "Loan pricing (贷款定价) [000 第8篇]")


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
