"""Pages for relationship managers and approvers: facilities, drawdowns, repayments.

Endpoints other areas link to: ``lending.facilities`` (list), ``lending.facility`` (by
id), ``lending.propose``; also ``lending.loan`` (by id). Each form posts to a view that
calls one use case (one unit of work); a refusal re-renders the form with the rules that
refused it, nothing written. Page text is Chinese in ``_()`` with English in the
catalog; codes (products, statuses, candidates) are named by ``web/labels.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from scf.credit.money import MoneyError, money, to_decimal
from scf.platform.auth.access import require_lender
from scf.platform.clock import business_today
from scf.platform.errors import RuleRefused, ScfError, ValidationFailed
from scf.platform.models.enums import FacilityStatus, GuarantorKind, Product, RepaymentMethod
from scf.platform.services.lending import drawdowns as drawdown_service
from scf.platform.services.lending import facilities as facility_service
from scf.platform.services.lending import facility_status
from scf.platform.services.lending.loan_book import apply_repayment
from scf.platform.services.lending.loan_queries import loan_view
from scf.platform.services.lending.queries import facility_view, list_facilities
from scf.platform.web_session import db_session

bp = Blueprint("lending", __name__, url_prefix="/lending")


def _date(field: str, *, default: dt.date | None = None, source: Any = None) -> dt.date:
    """A date from the form (or ``source``, e.g. the query string); a bad one is a 422
    naming the field, never a 500."""
    raw = ((request.form if source is None else source).get(field) or "").strip()
    if not raw and default is not None:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            f"{field}: 日期格式应为YYYY-MM-DD (a date YYYY-MM-DD)", errors={field: ["YYYY-MM-DD"]}
        ) from None


def _money(field: str) -> Decimal:
    try:
        return money(request.form.get(field, ""), field=field)
    except MoneyError as error:
        raise ValidationFailed(str(error), errors={field: [str(error)]}) from None


def _optional_decimal(field: str) -> Decimal | None:
    raw = (request.form.get(field) or "").strip()
    if not raw:
        return None
    try:
        return to_decimal(raw, field=field)
    except MoneyError as error:
        raise ValidationFailed(str(error), errors={field: [str(error)]}) from None


def _codes(field: str) -> tuple[str, ...]:
    raw = request.form.get(field) or ""
    return tuple(c.strip() for c in raw.replace("，", ",").split(",") if c.strip())


def _choices(enum_cls: type[StrEnum]) -> list[str]:
    """The values a form offers for a code (its label comes from ``web/labels.py``)."""
    return [member.value for member in enum_cls]


def _problem(error: ScfError) -> dict[str, Any]:
    rules = error.errors.get("rules") if isinstance(error, RuleRefused) else None
    fields = {} if rules else error.errors
    return {"message": str(error), "rules": rules or [], "fields": fields}


@bp.route("/facilities")
def facilities() -> Any:
    status = request.args.get("status") or None
    product = request.args.get("product") or None
    party = request.args.get("party") or None
    total, rows = list_facilities(
        db_session(), g.actor, party_uscc=party, status=status, product=product, limit=200
    )
    return render_template(
        "lending/facilities.html",
        rows=rows,
        total=total,
        statuses=_choices(FacilityStatus),
        products=_choices(Product),
        filters={"status": status, "product": product, "party": party},
    )


@bp.route("/facilities/<int:facility_id>")
def facility(facility_id: int) -> Any:
    on = _date("as_of", default=business_today(), source=request.args)
    view = facility_view(db_session(), g.actor, facility_id, on)
    return render_template("lending/facility.html", view=view, done=request.args.get("done"))


@bp.route("/facilities/new", methods=["GET", "POST"])
def propose() -> Any:
    require_lender(g.actor)  # the form is for those who may propose (relationship managers)
    problem = None
    form = request.form if request.method == "POST" else request.args
    if request.method == "POST":
        session = db_session()
        try:
            guarantees = []
            if (request.form.get("guarantor") or "").strip():
                guarantees.append(
                    (
                        request.form["guarantor"].strip(),
                        request.form.get("guarantor_kind", "guarantee_company"),
                        _money("guarantee_amount"),
                    )
                )
            proposal = facility_service.Proposal(
                party_uscc=(request.form.get("party") or "").strip(),
                product=request.form.get("product", ""),
                amount=_money("amount"),
                start_date=_date("start_date"),
                end_date=_date("end_date"),
                repayment_method=request.form.get("repayment_method", ""),
                revolving=request.form.get("revolving") == "on",
                programme_code=(request.form.get("programme") or "").strip() or None,
                group_code=(request.form.get("group") or "").strip() or None,
                collateral_codes=_codes("collateral"),
                guarantees=tuple(guarantees),
                registered_and_operating_locally=request.form.get("local") == "on",
                contribution=request.form.get("contribution") or None,
                prospect=request.form.get("prospect") or None,
                rate_annual=_optional_decimal("rate_annual"),
                comment=request.form.get("comment") or None,
            )
            created = facility_service.propose_facility(
                session, g.actor, proposal, _date("as_of", default=business_today())
            )
            return redirect(url_for("lending.facility", facility_id=created.id, done="proposed"))
        except ScfError as error:
            problem = _problem(error)
    return render_template(
        "lending/propose.html",
        form=form,
        problem=problem,
        products=_choices(Product),
        methods=_choices(RepaymentMethod),
        guarantor_kinds=_choices(GuarantorKind),
        today=business_today().isoformat(),
    ), (422 if problem else 200)


def _facility_step(facility_id: int, step: Callable[[], object], done: str) -> Any:
    """One use case on a facility from its page: back to the page when done; a refusal
    re-renders the page with its reason, nothing written."""
    try:
        step()
    except ScfError as error:
        view = facility_view(db_session(), g.actor, facility_id, business_today())
        return render_template("lending/facility.html", view=view, problem=_problem(error)), (
            error.status
        )
    return redirect(url_for("lending.facility", facility_id=facility_id, done=done))


def _decide(facility_id: int, action: str) -> Any:
    session = db_session()

    def step() -> object:
        if action == "approve":
            return facility_service.approve_facility(
                session,
                g.actor,
                facility_id,
                on=_date("on", default=business_today()),
                comment=request.form.get("comment") or None,
            )
        return facility_service.send_back_facility(
            session, g.actor, facility_id, comment=request.form.get("comment", "")
        )

    return _facility_step(facility_id, step, action)


@bp.route("/facilities/<int:facility_id>/approve", methods=["POST"])
def approve(facility_id: int) -> Any:
    return _decide(facility_id, "approve")


@bp.route("/facilities/<int:facility_id>/send-back", methods=["POST"])
def send_back(facility_id: int) -> Any:
    return _decide(facility_id, "send_back")


def _unfreeze(facility_id: int, step: str) -> Any:
    """A risk officer proposes the unfreeze of a freeze that needs two, another approves
    or declines it (one use case each)."""
    session = db_session()
    form = request.form

    def use_case() -> object:
        if step == "propose":
            reason = form.get("reason", "")
            return facility_status.propose_unfreeze(session, g.actor, facility_id, reason=reason)
        if step == "approve":
            comment = form.get("comment") or None
            return facility_status.approve_unfreeze(session, g.actor, facility_id, comment=comment)
        comment = form.get("comment", "")
        return facility_status.decline_unfreeze(session, g.actor, facility_id, comment=comment)

    return _facility_step(facility_id, use_case, f"unfreeze_{step}")


@bp.route("/facilities/<int:facility_id>/unfreeze", methods=["POST"])
def propose_unfreeze(facility_id: int) -> Any:
    return _unfreeze(facility_id, "propose")


@bp.route("/facilities/<int:facility_id>/unfreeze/<any(approve, decline):step>", methods=["POST"])
def decide_unfreeze(facility_id: int, step: str) -> Any:
    """The checker's step: approve the proposed unfreeze, or decline it."""
    return _unfreeze(facility_id, step)


@bp.route("/facilities/<int:facility_id>/draw", methods=["GET", "POST"])
def draw(facility_id: int) -> Any:
    session = db_session()
    problem = None
    on = business_today()
    if request.method == "POST":
        try:
            on = _date("requested_on", default=business_today())
            drawdown = drawdown_service.request_drawdown(
                session,
                g.actor,
                facility_id,
                drawdown_service.DrawdownRequest(
                    amount=_money("amount"),
                    requested_on=on,
                    maturity_date=_date("maturity_date"),
                    instalments=int(request.form.get("instalments") or 1),
                    repayment_method=request.form.get("repayment_method") or None,
                    rate_annual=_optional_decimal("rate_annual"),
                    receivable_codes=_codes("receivables"),
                    receipt_numbers=_codes("warehouse_receipts"),
                    margin=_optional_decimal("margin"),
                ),
            )
            return redirect(url_for("lending.loan", loan_id=drawdown.loan_id, done="drawn"))
        except ScfError as error:
            problem = _problem(error)
        except ValueError:
            problem = {"message": "instalments: 应为整数 (an integer)", "rules": [], "fields": {}}
    view = facility_view(session, g.actor, facility_id, on)
    return render_template(
        "lending/draw.html",
        view=view,
        form=request.form,
        problem=problem,
        methods=_choices(RepaymentMethod),
        today=business_today().isoformat(),
    ), (422 if problem else 200)


@bp.route("/loans/<int:loan_id>")
def loan(loan_id: int) -> Any:
    on = _date("as_of", default=business_today(), source=request.args)
    view = loan_view(db_session(), g.actor, loan_id, on)
    return render_template("lending/loan.html", view=view, done=request.args.get("done"))


@bp.route("/loans/<int:loan_id>/repay", methods=["POST"])
def repay(loan_id: int) -> Any:
    session = db_session()
    try:
        apply_repayment(
            session,
            g.actor,
            loan_id,
            amount=_money("amount"),
            paid_on=_date("paid_on", default=business_today()),
            reference=request.form.get("reference") or None,
        )
    except ScfError as error:
        view = loan_view(session, g.actor, loan_id, business_today())
        return render_template("lending/loan.html", view=view, problem=_problem(error)), (
            error.status
        )
    return redirect(url_for("lending.loan", loan_id=loan_id, done="repaid"))
