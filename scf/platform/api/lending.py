"""Facilities, drawdowns, loans and repayments (授信、提款、还款); warehouse receipts
(仓单) on the same blueprint in ``warehouse_receipts``.

Each view calls one use case (one unit of work); a refusal (``RuleRefused``) comes back
as problem+json with every failed rule, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask.views import MethodView

from scf.platform.api import actor, make_blueprint, window
from scf.platform.api.schemas.common import AsOfQuery
from scf.platform.api.schemas.lending import (
    AmountIn,
    DecisionIn,
    DisburseIn,
    DrawdownIn,
    DrawdownOut,
    FacilityOut,
    FacilityQuery,
    FacilitySummary,
    LoanOut,
    MarginIn,
    ProgrammeUsageOut,
    ProposalIn,
    ReasonIn,
    RepaymentIn,
    RepaymentOut,
    SendBackIn,
    StatusIn,
)
from scf.platform.auth.access import require_bank_staff, visible_drawdown, visible_programme
from scf.platform.clock import business_today
from scf.platform.services.collateral import receipts as receipt_service
from scf.platform.services.lending import drawdowns as drawdown_service
from scf.platform.services.lending import facilities as facility_service
from scf.platform.services.lending import facility_status
from scf.platform.services.lending.limits import programme_usage
from scf.platform.services.lending.loan_book import apply_repayment
from scf.platform.services.lending.loan_queries import loan_view, repayment_dict
from scf.platform.services.lending.queries import (
    drawdown_dict,
    facility_view,
    list_facilities,
    summary_dict,
)
from scf.platform.web_session import db_session

blp = make_blueprint(
    "lending_api", "", "Facilities, drawdowns, loans and repayments (授信、提款、还款)"
)


def on_or_today(value: dt.date | None) -> dt.date:
    """The date given, or today: the default of every date a caller may leave out."""
    return value or business_today()


def _facility(facility_id: int, as_of: dt.date | None = None) -> dict[str, object]:
    return facility_view(db_session(), actor(), facility_id, on_or_today(as_of)).to_dict()


@blp.route("/facilities")
class Facilities(MethodView):
    @blp.arguments(FacilityQuery, location="query")
    @blp.response(200, FacilitySummary(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, object]]:
        """Facilities you may see, newest first, with used and available."""
        total, rows = list_facilities(
            db_session(),
            actor(),
            party_uscc=args.get("party"),
            status=args.get("status"),
            product=args.get("product"),
            **window(pagination_parameters),
        )
        pagination_parameters.item_count = total
        return [summary_dict(*row) for row in rows]

    @blp.arguments(ProposalIn)
    @blp.response(201, FacilityOut)
    def post(self, body: dict[str, Any]) -> dict[str, object]:
        """Propose a facility: the credit engine fixes the amount (lowest candidate) or
        refuses naming the rules; it then waits for an approver (maker-checker)."""
        proposal = facility_service.Proposal(
            party_uscc=body["party"],
            product=body["product"],
            amount=body["amount"],
            start_date=body["start_date"],
            end_date=body["end_date"],
            repayment_method=body["repayment_method"],
            revolving=body["revolving"],
            programme_code=body["programme"],
            group_code=body["group"],
            collateral_codes=tuple(body["collateral"]),
            guarantees=tuple((g["guarantor"], g["kind"], g["amount"]) for g in body["guarantees"]),
            registered_and_operating_locally=body["registered_and_operating_locally"],
            contribution=body["contribution"],
            prospect=body["prospect"],
            rate_annual=body["rate_annual"],
            comment=body["comment"],
        )
        session = db_session()
        facility = facility_service.propose_facility(
            session, actor(), proposal, on_or_today(body["as_of"])
        )
        return _facility(facility.id)


@blp.route("/facilities/<int:facility_id>")
class FacilityDetail(MethodView):
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, FacilityOut)
    def get(self, args: dict[str, Any], facility_id: int) -> dict[str, object]:
        """A facility: limit, used, available and each candidate of availability."""
        return _facility(facility_id, args.get("as_of"))


@blp.route("/facilities/<int:facility_id>/approve")
class Approve(MethodView):
    @blp.arguments(DecisionIn)
    @blp.response(200, FacilityOut)
    def post(self, body: dict[str, Any], facility_id: int) -> dict[str, object]:
        """Approve the pending proposal (a risk officer with enough authority, not its maker)."""
        session = db_session()
        facility_service.approve_facility(
            session, actor(), facility_id, on=on_or_today(body["on"]), comment=body["comment"]
        )
        return _facility(facility_id)


@blp.route("/facilities/<int:facility_id>/send-back")
class SendBack(MethodView):
    @blp.arguments(SendBackIn)
    @blp.response(200, FacilityOut)
    def post(self, body: dict[str, Any], facility_id: int) -> dict[str, object]:
        """Send the pending proposal back to its maker with a comment (退回)."""
        session = db_session()
        facility_service.send_back_facility(session, actor(), facility_id, comment=body["comment"])
        return _facility(facility_id)


@blp.route("/facilities/<int:facility_id>/resubmit")
class Resubmit(MethodView):
    @blp.arguments(AmountIn)
    @blp.response(200, FacilityOut)
    def post(self, body: dict[str, Any], facility_id: int) -> dict[str, object]:
        """Resubmit a sent-back proposal; the engine runs again."""
        return _with_amount(facility_service.resubmit_facility, body, facility_id)


@blp.route("/facilities/<int:facility_id>/limit-changes")
class LimitChanges(MethodView):
    @blp.arguments(AmountIn)
    @blp.response(201, FacilityOut)
    def post(self, body: dict[str, Any], facility_id: int) -> dict[str, object]:
        """Propose a new limit; it applies once approved (maker-checker)."""
        return _with_amount(facility_service.propose_limit_change, body, facility_id)


def _with_amount(
    step: Callable[..., object], body: dict[str, Any], facility_id: int
) -> dict[str, object]:
    """A facility step that runs the engine again on a new amount (resubmit, limit change)."""
    step(
        db_session(),
        actor(),
        facility_id,
        amount=body["amount"],
        as_of=on_or_today(body["as_of"]),
        comment=body["comment"],
    )
    return _facility(facility_id)


@blp.route("/facilities/<int:facility_id>/status")
class Status(MethodView):
    @blp.arguments(StatusIn)
    @blp.response(200, FacilityOut)
    def post(self, body: dict[str, Any], facility_id: int) -> dict[str, object]:
        """Freeze, unfreeze or close a facility, with the reason."""
        session = db_session()
        facility_status.set_facility_status(
            session, actor(), facility_id, body["status"], reason=body["reason"]
        )
        return _facility(facility_id)


@blp.route("/facilities/<int:facility_id>/drawdowns")
class FacilityDrawdowns(MethodView):
    @blp.response(200, DrawdownOut(many=True))
    def get(self, facility_id: int) -> list[dict[str, object]]:
        """The facility's drawdowns, newest first."""
        view = facility_view(db_session(), actor(), facility_id, business_today())
        return [drawdown_dict(d) for d in view.drawdowns]

    @blp.arguments(DrawdownIn)
    @blp.response(201, DrawdownOut)
    def post(self, body: dict[str, Any], facility_id: int) -> dict[str, object]:
        """Draw on a facility: checked against availability (facility, collateral,
        programme, group); refused with the rule, or blocked and (by default) disbursed."""
        session = db_session()
        drawdown = drawdown_service.request_drawdown(
            session,
            actor(),
            facility_id,
            drawdown_service.DrawdownRequest(
                amount=body["amount"],
                requested_on=on_or_today(body["requested_on"]),
                maturity_date=body["maturity_date"],
                instalments=body["instalments"],
                repayment_method=body["repayment_method"],
                rate_annual=body["rate_annual"],
                receivable_codes=tuple(body["receivables"]),
                receipt_numbers=tuple(body["warehouse_receipts"]),
                margin=body["margin"],
                disburse=body["disburse"],
            ),
        )
        return drawdown_dict(drawdown)


def _drawdown(drawdown_id: int) -> dict[str, object]:
    return drawdown_dict(visible_drawdown(db_session(), actor(), drawdown_id))


@blp.route("/drawdowns/<int:drawdown_id>")
class DrawdownDetail(MethodView):
    @blp.response(200, DrawdownOut)
    def get(self, drawdown_id: int) -> dict[str, object]:
        """One drawdown with the availability it was checked against."""
        return _drawdown(drawdown_id)


@blp.route("/drawdowns/<int:drawdown_id>/disburse")
class Disburse(MethodView):
    @blp.arguments(DisburseIn)
    @blp.response(200, DrawdownOut)
    def post(self, body: dict[str, Any], drawdown_id: int) -> dict[str, object]:
        """Disburse a pending drawdown: blocked → utilised."""
        session = db_session()
        drawdown_service.disburse_drawdown(
            session, actor(), drawdown_id, on=on_or_today(body["on"])
        )
        return _drawdown(drawdown_id)


@blp.route("/drawdowns/<int:drawdown_id>/cancel")
class Cancel(MethodView):
    @blp.arguments(ReasonIn)
    @blp.response(200, DrawdownOut)
    def post(self, body: dict[str, Any], drawdown_id: int) -> dict[str, object]:
        """Cancel a pending drawdown: blocked → available; collateral freed."""
        session = db_session()
        drawdown_service.cancel_drawdown(session, actor(), drawdown_id, reason=body["reason"])
        return _drawdown(drawdown_id)


@blp.route("/loans/<int:loan_id>")
class LoanDetail(MethodView):
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, LoanOut)
    def get(self, args: dict[str, Any], loan_id: int) -> dict[str, object]:
        """A loan: schedule, repayments, payoff, days past due and class."""
        return loan_view(db_session(), actor(), loan_id, on_or_today(args.get("as_of"))).to_dict()


@blp.route("/loans/<int:loan_id>/repayments")
class Repayments(MethodView):
    @blp.response(200, RepaymentOut(many=True))
    def get(self, loan_id: int) -> list[dict[str, object]]:
        """The loan's repayments, oldest first."""
        view = loan_view(db_session(), actor(), loan_id, business_today())
        return [repayment_dict(r) for r in view.loan.repayments]

    @blp.arguments(RepaymentIn)
    @blp.response(201, RepaymentOut)
    def post(self, body: dict[str, Any], loan_id: int) -> dict[str, object]:
        """Record money received: interest first, then principal; the rest prepays."""
        session = db_session()
        repayment = apply_repayment(
            session,
            actor(),
            loan_id,
            amount=body["amount"],
            paid_on=on_or_today(body["paid_on"]),
            reference=body["reference"],
        )
        return repayment_dict(repayment)


@blp.route("/loans/<int:loan_id>/margin")
class Margin(MethodView):
    @blp.arguments(MarginIn)
    @blp.response(201, LoanOut)
    def post(self, body: dict[str, Any], loan_id: int) -> dict[str, object]:
        """Record 保兑仓 margin paid; goods of the same value become releasable."""
        session = db_session()
        receipt_service.pay_margin(
            session,
            actor(),
            loan_id,
            body["amount"],
            on=on_or_today(body["paid_on"]),
            reference=body["reference"],
        )
        return loan_view(session, actor(), loan_id, on_or_today(body["paid_on"])).to_dict()


@blp.route("/programmes/<int:programme_id>/usage")
class Usage(MethodView):
    @blp.response(200, ProgrammeUsageOut)
    def get(self, programme_id: int) -> dict[str, object]:
        """A programme's cap, used (blocked + outstanding under it) and remaining: for
        the bank's staff who see its anchor (core enterprise or market administrator)
        or a facility under it; any other id is *not found*, like an absent one."""
        require_bank_staff(actor())
        programme = visible_programme(db_session(), actor(), programme_id)
        return programme_usage(db_session(), programme).to_dict()
