"""The risk desk: the policy in force, concentrations (chains, markets, related-party
groups against the 15% limit, guarantee circles) on a chosen date, and the alert
queue and job status where monitoring runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, g, render_template, request

from scf.platform.auth.access import require_role
from scf.platform.models.enums import Role
from scf.platform.services.concentrations import concentrations
from scf.platform.services.policy import policy_families, policy_in_force
from scf.platform.web.pages import as_of_arg
from scf.platform.web_session import db_session

bp = Blueprint("risk", __name__, url_prefix="/risk")


@bp.route("")
def index() -> Any:
    require_role(g.actor, Role.RISK_OFFICER, Role.ADMIN)
    as_of = as_of_arg()
    policy = policy_in_force(g.actor, dt.date.today())
    return render_template(
        "risk/index.html",
        policy=policy,
        as_of=as_of,
        concentrations=concentrations(db_session(), g.actor, as_of),
    )


@bp.route("/policy")
def policy() -> Any:
    as_of = as_of_arg()
    assumed_only = request.args.get("assumed") == "1"
    in_force = policy_in_force(g.actor, as_of)
    return render_template(
        "risk/policy.html",
        policy=in_force,
        as_of=as_of,
        assumed_only=assumed_only,
        families=policy_families(in_force, assumed_only=assumed_only),
        assumed_total=sum(1 for p in in_force.params.values() if p.assumed),
    )
