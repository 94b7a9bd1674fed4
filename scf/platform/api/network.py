"""The network: ego network for the viewer, exposure, guarantee circles, stress tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView

from scf.platform.api import actor, make_blueprint
from scf.platform.api.network_schemas import (
    CircleQuery,
    CircleSchema,
    EgoQuery,
    EgoSchema,
    ExposureSchema,
    StressIn,
    StressSchema,
)
from scf.platform.api.schemas import AsOfQuery
from scf.platform.services.network.ego import ego_network_view
from scf.platform.services.network.queries import exposure_report, guarantee_circles_view
from scf.platform.services.network.stress import run_stress_scenario
from scf.platform.web_session import db_session

blp = make_blueprint("network", "", "The network (关系网络): exposure, circles, contagion")


def _as_of(args: dict[str, Any]) -> dt.date:
    value: dt.date = args.get("as_of") or dt.date.today()
    return value


@blp.route("/network/<string:uscc>")
class EgoNetwork(MethodView):
    @blp.arguments(EgoQuery, location="query")
    @blp.response(200, EgoSchema)
    def get(self, args: dict[str, Any], uscc: str) -> dict[str, Any]:
        """Nodes and edges within ``radius`` of a party, optionally only some edge types.
        Parties you may not see are anonymised stubs (``hidden``), not expanded."""
        types = args.get("types")
        kinds = [t.strip() for t in types.split(",") if t.strip()] if types else None
        return ego_network_view(
            db_session(),
            actor(),
            uscc,
            _as_of(args),
            radius=args["radius"],
            kinds=kinds,
            max_nodes=args["max_nodes"],
        )


@blp.route("/exposure/<string:uscc>")
class Exposure(MethodView):
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, ExposureSchema)
    def get(self, args: dict[str, Any], uscc: str) -> dict[str, Any]:
        """Own, related-party group, joint-guarantee group, chain (core enterprise) and
        market (administrator) exposure, against the concentration limits."""
        return exposure_report(db_session(), actor(), uscc, _as_of(args))


@blp.route("/guarantee-circles")
class GuaranteeCircles(MethodView):
    @blp.arguments(CircleQuery, location="query")
    @blp.response(200, CircleSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
        """Guarantee circles (担保圈) with a member you may see, by smallest member."""
        circles = guarantee_circles_view(
            db_session(), actor(), _as_of(args), min_size=args["min_size"]
        )
        pagination_parameters.item_count = len(circles)
        first = pagination_parameters.first_item
        return circles[first : first + pagination_parameters.page_size]


@blp.route("/stress")
class Stress(MethodView):
    @blp.arguments(StressIn)
    @blp.response(200, StressSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Run a contagion stress test: defaulting parties and/or commodity price shocks
        (risk officers and administrators); a relationship manager may run the default of
        parties they see (no shocks), with the parties they may not see anonymised.
        Nothing is written."""
        return run_stress_scenario(
            db_session(),
            actor(),
            defaults=body["defaults"],
            shocks=body["shocks"],
            as_of=_as_of(body),
        )
