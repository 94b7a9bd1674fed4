"""The landing page: each role starts where its work is.

A market administrator goes to their market, a risk officer to the risk desk; the
others get a workspace with the party search, the core enterprises and the markets
they may see.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, url_for

from scf.platform.models.enums import Role
from scf.platform.services.markets.queries import list_markets
from scf.platform.services.parties.queries import list_parties
from scf.platform.web_session import db_session

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> Any:
    actor = g.actor
    if actor.role is Role.MARKET_ADMINISTRATOR:
        return redirect(url_for("portal.index"))
    if actor.role is Role.RISK_OFFICER:
        return redirect(url_for("risk.index"))
    session = db_session()
    visible, _none = list_parties(session, actor, limit=0)
    _count, cores = list_parties(session, actor, role="core_enterprise")
    markets = list_markets(session, actor)
    return render_template("home.html", visible=visible, cores=cores, markets=markets)
