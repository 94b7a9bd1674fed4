"""Markets (商圈) and their administrators."""

from __future__ import annotations

from flask.views import MethodView

from scf.platform.api import actor, make_blueprint
from scf.platform.api.schemas import MarketSchema
from scf.platform.services.markets import list_markets
from scf.platform.web_session import db_session

blp = make_blueprint("markets", "/markets", "Markets (商圈) and administrators")


@blp.route("")
class Markets(MethodView):
    @blp.response(200, MarketSchema(many=True))
    def get(self) -> list[dict[str, object]]:
        """The markets you may see (a market administrator sees only their own)."""
        return [m.to_dict() for m in list_markets(db_session(), actor())]
