"""Parties: list and search, read one, assess one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView

from scf.platform.api import actor, make_blueprint, window
from scf.platform.api.schemas.parties import (
    AssessmentQuery,
    AssessmentSchema,
    PartyQuery,
    PartySchema,
)
from scf.platform.auth.access import visible_party
from scf.platform.services.parties.assessment import assess_party
from scf.platform.services.parties.queries import list_parties, roles_of
from scf.platform.web_session import db_session

blp = make_blueprint("api_parties", "/parties", "Parties of the network (主体)")


@blp.route("")
class Parties(MethodView):
    @blp.arguments(PartyQuery, location="query")
    @blp.response(200, PartySchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, object]]:
        """List the parties you may see, filtered by role and text."""
        total, views = list_parties(
            db_session(),
            actor(),
            role=args.get("role"),
            q=args.get("q"),
            **window(pagination_parameters),
        )
        pagination_parameters.item_count = total
        return [v.to_dict() for v in views]


@blp.route("/<string:uscc>")
class PartyDetail(MethodView):
    @blp.response(200, PartySchema)
    def get(self, uscc: str) -> dict[str, object]:
        """One party by its unified social credit code."""
        session = db_session()
        party = visible_party(session, actor(), uscc)
        return roles_of(session, [party], dt.date.today())[0].to_dict()


@blp.route("/<string:uscc>/assessment")
class PartyAssessment(MethodView):
    @blp.arguments(AssessmentQuery, location="query")
    @blp.response(200, AssessmentSchema)
    def get(self, args: dict[str, Any], uscc: str) -> dict[str, object]:
        """Size class, admission decision, tier and reference limit as of a date, each rule
        with its clause, observed value and threshold, and the policy version used."""
        return assess_party(
            db_session(),
            actor(),
            uscc,
            args.get("as_of") or dt.date.today(),
            requested_amount=args.get("requested_amount"),
        ).to_dict()
