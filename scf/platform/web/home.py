"""The landing page: what the signed-in user can reach."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template

from scf.platform.services.markets import list_markets
from scf.platform.services.parties import list_parties
from scf.platform.web_session import db_session

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> Any:
    session = db_session()
    _, cores = list_parties(session, g.actor, role="core_enterprise")
    markets = list_markets(session, g.actor)
    return render_template("home.html", cores=cores, markets=markets)
