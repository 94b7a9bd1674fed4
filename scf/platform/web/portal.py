"""The market administrators' portal (市场管理方), also the bank staff's view of a market.

A market administrator's ``/portal`` is their own market; any other market id they
type is *not found* (``services.portal`` asks ``access.visible_market``). The bank's
staff reach every market from ``/portal/markets``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, url_for

from scf.platform.auth.access import require_bank_staff
from scf.platform.models.enums import Role
from scf.platform.services.markets import portal
from scf.platform.services.markets.panels import administrator_guarantees, market_alerts
from scf.platform.services.markets.queries import list_markets
from scf.platform.web.pages import as_of_arg, page_arg, with_total
from scf.platform.web_session import db_session

bp = Blueprint("portal", __name__, url_prefix="/portal")


@bp.route("")
def index() -> Any:
    """A market administrator's own market; the list of markets for everyone else."""
    if g.actor.role is Role.MARKET_ADMINISTRATOR:
        if g.actor.market_id is None:
            abort(404)
        return redirect(url_for("portal.market", market_id=g.actor.market_id))
    return redirect(url_for("portal.markets"))


@bp.route("/markets")
def markets() -> Any:
    require_bank_staff(g.actor)
    return render_template("portal/markets.html", markets=list_markets(db_session(), g.actor))


@bp.route("/markets/<int:market_id>")
def market(market_id: int) -> Any:
    session = db_session()
    as_of = as_of_arg()
    view = portal.market_view(session, g.actor, market_id, as_of)
    pager = page_arg()
    total, merchants = portal.market_merchants(
        session, g.actor, market_id, as_of, limit=pager.page_size, offset=pager.offset
    )
    book = portal.market_loans(session, g.actor, market_id, as_of, limit=0)
    return render_template(
        "portal/market.html",
        view=view,
        as_of=as_of,
        merchants=merchants,
        pager=with_total(pager, total),
        book=book,
        guarantees=administrator_guarantees(session, g.actor, market_id, as_of),
        alerts=market_alerts(session, g.actor, market_id),
    )


@bp.route("/markets/<int:market_id>/loans")
def loans(market_id: int) -> Any:
    session = db_session()
    as_of = as_of_arg()
    view = portal.market_view(session, g.actor, market_id, as_of)
    pager = page_arg(50)
    book = portal.market_loans(
        session, g.actor, market_id, as_of, limit=pager.page_size, offset=pager.offset
    )
    return render_template(
        "portal/loans.html", view=view, as_of=as_of, book=book, pager=with_total(pager, book.total)
    )


@bp.route("/loans/<int:loan_id>")
def loan(loan_id: int) -> Any:
    session = db_session()
    as_of = as_of_arg()
    line = portal.loan_detail(session, g.actor, loan_id, as_of)
    return render_template(
        "portal/loan.html",
        line=line,
        as_of=as_of,
        market=portal.loan_market(session, g.actor, line.loan),
    )
