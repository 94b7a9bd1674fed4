"""The risk desk: the policy in force, and (issue 8, part two) the alert queue and
concentrations, which slot into ``risk/index.html``'s blocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, g, render_template, request

from scf.platform.auth.access import require_role
from scf.platform.models.enums import Role
from scf.platform.services.policy import policy_families, policy_in_force
from scf.platform.web.pages import as_of_arg

bp = Blueprint("risk", __name__, url_prefix="/risk")


@bp.route("")
def index() -> Any:
    require_role(g.actor, Role.RISK_OFFICER, Role.ADMIN)
    policy = policy_in_force(g.actor, dt.date.today())
    return render_template("risk/index.html", policy=policy)


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
