"""The risk desk: the policy in force, the alert queue (filter, acknowledge, resolve,
comment, history), concentrations (chains, markets, related-party groups against the
15% limit, guarantee circles) on a chosen date, and the monitoring jobs' status.

The desk itself is for risk officers and administrators. An alert's own page
(``risk.alert``) is for whoever may see the alert (``access.alert_filter``: a
relationship manager their parties', a market administrator their market's), so the
market portal links to it too; the alerts service decides who may do what.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from scf.jobs.status import job_status
from scf.platform.auth.access import require_role
from scf.platform.errors import ScfError
from scf.platform.models.enums import Role, Severity
from scf.platform.services.admin.policy import policy_families, policy_in_force
from scf.platform.services.monitoring import alerts as alert_service
from scf.platform.services.monitoring import queries as alert_queries
from scf.platform.services.network.concentrations import concentrations
from scf.platform.web.pages import as_of_arg, page_arg, with_total
from scf.platform.web_session import database, db_session

bp = Blueprint("risk", __name__, url_prefix="/risk")

QUEUE_FILTERS = ("status", "severity", "rule", "owner", "party")
ACTIONS = {
    "acknowledge": alert_service.acknowledge_alert,
    "resolve": alert_service.resolve_alert,
    "comment": alert_service.comment_alert,
}


def alert_filters() -> dict[str, str]:
    """The queue's filters from the query string; the default is what is still to do."""
    filters = {name: request.args.get(name, "").strip() for name in QUEUE_FILTERS}
    if "status" not in request.args:
        filters["status"] = alert_queries.UNRESOLVED
    return filters


@bp.route("")
def index() -> Any:
    require_role(g.actor, Role.RISK_OFFICER, Role.ADMIN)
    session = db_session()
    as_of = as_of_arg()
    filters = alert_filters()
    pager = page_arg()
    total, queue = alert_queries.list_alerts(
        session,
        g.actor,
        **{k: v or None for k, v in filters.items()},
        limit=pager.page_size,
        offset=pager.offset,
    )
    return render_template(
        "risk/index.html",
        policy=policy_in_force(g.actor, dt.date.today()),
        as_of=as_of,
        concentrations=concentrations(session, g.actor, as_of),
        jobs=job_status(session, g.actor, database(), current_app.extensions["scf_settings"]),
        queue=queue,
        filters=filters,
        pager=with_total(pager, total),
        statuses=alert_queries.STATUS_FILTERS,
        severities=[s.value for s in Severity],
        rules=alert_rules(),
    )


def alert_rules() -> list[str]:
    from scf.jobs.registry import JOBS

    return sorted({rule for job in JOBS for rule in job.rules})


@bp.route("/alerts/<int:alert_id>")
def alert(alert_id: int) -> Any:
    view = alert_queries.get_alert(db_session(), g.actor, alert_id)
    return render_template("risk/alert.html", view=view, done=request.args.get("done"))


@bp.route("/alerts/<int:alert_id>/<any(acknowledge, resolve, comment):action>", methods=["POST"])
def act(alert_id: int, action: str) -> Any:
    """Acknowledge, resolve or comment: one use case, one unit of work; a refusal shows
    the alert again with the reason, nothing written."""
    session = db_session()
    try:
        ACTIONS[action](session, g.actor, alert_id, request.form.get("comment", ""))
    except ScfError as error:
        view = alert_queries.get_alert(session, g.actor, alert_id)
        return render_template("risk/alert.html", view=view, problem=str(error)), error.status
    return redirect(url_for("risk.alert", alert_id=alert_id, done=action), code=303)


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
