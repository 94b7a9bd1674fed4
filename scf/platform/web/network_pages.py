"""The network viewer (关系网络) for the bank's staff: find a firm, open its network, and
the entry views (a core enterprise's chain, a market, a joint-guarantee group, a
related-party group, a guarantee circle).

The picture is drawn in the browser by ``static/network.js`` with the vendored
Cytoscape.js from ``GET /api/v1/network/<code>`` (the ego network, with the parties the
reader may not see anonymised); the side panel and the "what if it defaults" cascade
are server-rendered fragments from this blueprint, so they are translated and
formatted like every page. The API blueprint owns the name ``network``; the pages'
is ``network_pages``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request

from scf.graph.data import EDGE_KINDS
from scf.platform.auth.access import party_by_reference, require_bank_staff
from scf.platform.errors import NotFound, ValidationFailed
from scf.platform.services.network.ego import RADIUS_MAX
from scf.platform.services.network.entries import network_entries
from scf.platform.services.network.stress import run_stress_scenario
from scf.platform.services.parties.assessment import PartyAssessment, assess_party
from scf.platform.services.parties.panels import party_panels
from scf.platform.services.parties.queries import list_parties
from scf.platform.web.pages import as_of_arg
from scf.platform.web_session import db_session

bp = Blueprint("network_pages", __name__, url_prefix="/network")

ENTRY_KINDS = ("chain", "market", "joint_guarantee_group", "related_party_group", "circle")


@bp.before_request
def _bank_staff_only() -> None:
    require_bank_staff(g.actor)


@bp.route("")
def index() -> Any:
    session = db_session()
    as_of = as_of_arg()
    q = request.args.get("q", "").strip()
    found = None
    if q:
        _, found = list_parties(session, g.actor, q=q, as_of=as_of, limit=25)
    return render_template(
        "network/index.html",
        q=q,
        found=found,
        as_of=as_of,
        entries=network_entries(session, g.actor, as_of),
    )


def _types_arg() -> list[str]:
    raw = request.args.getlist("types")
    kinds = [k.strip() for value in raw for k in value.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(EDGE_KINDS))
    if unknown:
        raise ValidationFailed(
            f"types (关系类型): 未知 (unknown) {', '.join(unknown)}", errors={"types": unknown}
        )
    return kinds


def _radius_arg(default: int = 1) -> int:
    raw = request.args.get("radius", "").strip()
    try:
        radius = int(raw) if raw else default
    except ValueError:
        radius = 0
    if not 1 <= radius <= RADIUS_MAX:
        raise ValidationFailed(
            f"radius (半径): 必须在1到{RADIUS_MAX}之间 (must be 1..{RADIUS_MAX})",
            errors={"radius": [raw]},
        )
    return radius


@bp.route("/<string:reference>")
def viewer(reference: str) -> Any:
    session = db_session()
    party = party_by_reference(session, g.actor, reference)
    view = request.args.get("view", "")
    return render_template(
        "network/viewer.html",
        party=party,
        reference=reference,
        as_of=as_of_arg(),
        radius=_radius_arg(),
        radius_max=RADIUS_MAX,
        types=_types_arg(),
        edge_kinds=EDGE_KINDS,
        view=view if view in ENTRY_KINDS else "",
    )


@bp.route("/<string:reference>/panel")
def panel(reference: str) -> Any:
    """The side panel of the selected firm: assessment summary, limits, exposure,
    collateral (an HTML fragment the viewer inserts)."""
    session = db_session()
    as_of = as_of_arg()
    panels = party_panels(session, g.actor, reference, as_of)
    party = party_by_reference(session, g.actor, reference)
    assessment: PartyAssessment | None = None
    not_assessed: str | None = None
    if party.uscc is None:
        not_assessed = "—"
    else:
        try:
            assessment = assess_party(session, g.actor, party.uscc, as_of)
        except (ValidationFailed, NotFound) as refused:
            not_assessed = str(refused)
    return render_template(
        "network/panel.html",
        party=party,
        reference=reference,
        panels=panels,
        as_of=as_of,
        assessment=assessment,
        not_assessed=not_assessed,
    )


@bp.route("/<string:reference>/what-if", methods=["POST"])
def what_if(reference: str) -> Any:
    """假设违约: the cascade if this party defaults (an HTML fragment; nothing written).
    The stress service decides who may run it and anonymises what the reader may not see."""
    session = db_session()
    as_of = as_of_arg()
    party = party_by_reference(session, g.actor, reference)
    result = run_stress_scenario(session, g.actor, defaults=[reference], as_of=as_of)
    return render_template("network/what_if.html", party=party, result=result, as_of=as_of)
