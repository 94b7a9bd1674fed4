"""Markets (商圈) and administrators; a market's merchants with their status, and its loans.

A market administrator gets *not found* for any market but their own, whatever id
they send (``services.portal`` asks ``access.visible_market``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView

from scf.platform.api import actor, make_blueprint, window
from scf.platform.api.schemas.common import AsOfQuery
from scf.platform.api.schemas.markets import LoanLineSchema, MarketSchema, MerchantStatusSchema
from scf.platform.services.markets import portal
from scf.platform.services.markets.queries import list_markets
from scf.platform.web_session import db_session

blp = make_blueprint("markets", "/markets", "Markets (商圈) and administrators")


@blp.route("")
class Markets(MethodView):
    @blp.response(200, MarketSchema(many=True))
    def get(self) -> list[dict[str, object]]:
        """The markets you may see (a market administrator sees only their own)."""
        return [m.to_dict() for m in list_markets(db_session(), actor())]


@blp.route("/<int:market_id>")
class MarketDetail(MethodView):
    @blp.response(200, MarketSchema)
    def get(self, market_id: int) -> dict[str, object]:
        """One market: stage, administrator, number of merchants."""
        return portal.market_view(db_session(), actor(), market_id, dt.date.today()).to_dict()


@blp.route("/<int:market_id>/merchants")
class MarketMerchants(MethodView):
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, MerchantStatusSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], market_id: int, pagination_parameters: Any) -> Any:
        """The market's merchants with their assessment on ``as_of`` (default today):
        decision, tier, reference limit, policy version."""
        total, merchants = portal.market_merchants(
            db_session(),
            actor(),
            market_id,
            args.get("as_of") or dt.date.today(),
            **window(pagination_parameters),
        )
        pagination_parameters.item_count = total
        return [m.to_dict() for m in merchants]


@blp.route("/<int:market_id>/loans")
class MarketLoans(MethodView):
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, LoanLineSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], market_id: int, pagination_parameters: Any) -> Any:
        """Loans in the market, most overdue first: balance derived from repayments,
        days past due and delinquency class on ``as_of`` (default today)."""
        book = portal.market_loans(
            db_session(),
            actor(),
            market_id,
            args.get("as_of") or dt.date.today(),
            **window(pagination_parameters),
        )
        pagination_parameters.item_count = book.total
        return [line.to_dict() for line in book.lines]
