"""Relationships: the typed, dated edges of the network (create, list, read, end/delete)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView

from scf.platform.api import actor, make_blueprint
from scf.platform.api.network_schemas import (
    DeleteQuery,
    RelationshipIn,
    RelationshipOut,
    RelationshipQuery,
)
from scf.platform.services.network.queries import (
    get_relationship,
    list_relationships,
    relationship_dict,
)
from scf.platform.services.network.relationships import create_relationship, delete_relationship
from scf.platform.web_session import db_session

blp = make_blueprint("relationships", "/relationships", "Relationships of the network (关系)")


@blp.route("")
class Relationships(MethodView):
    @blp.arguments(RelationshipQuery, location="query")
    @blp.response(200, RelationshipOut(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
        """A party's relationships (both directions) whose other end you may see."""
        session = db_session()
        rows = list_relationships(
            session, actor(), args["party"], as_of=args.get("as_of"), kind=args.get("kind")
        )
        pagination_parameters.item_count = len(rows)
        first = pagination_parameters.first_item
        page = rows[first : first + pagination_parameters.page_size]
        return [relationship_dict(session, r) for r in page]

    @blp.arguments(RelationshipIn)
    @blp.response(201, RelationshipOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Record a relationship (relationship managers, risk officers, administrators)."""
        session = db_session()
        rel = create_relationship(session, actor(), **body)
        out = relationship_dict(session, rel)
        return out


@blp.route("/<int:relationship_id>")
class RelationshipDetail(MethodView):
    @blp.response(200, RelationshipOut)
    def get(self, relationship_id: int) -> dict[str, Any]:
        """One relationship whose both ends you may see."""
        session = db_session()
        return relationship_dict(session, get_relationship(session, actor(), relationship_id))

    @blp.arguments(DeleteQuery, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, dt.date], relationship_id: int) -> None:
        """Delete a mistaken relationship, or end it on ``ended_on`` (keeps its history)."""
        session = db_session()
        delete_relationship(session, actor(), relationship_id, ended_on=args.get("ended_on"))
