"""Warehouse receipts (仓单) in the API: record one, read what may leave now, split it,
release goods, cancel it. Served under the lending blueprint (``api.lending.blp``), so
the URLs and the OpenAPI tag are those of lending; each view calls one use case.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask.views import MethodView

from scf.platform.api import actor
from scf.platform.api.lending import blp, on_or_today
from scf.platform.api.schemas.common import AsOfQuery
from scf.platform.api.schemas.lending import ReasonIn, ReceiptIn, ReceiptOut, ReleaseIn, SplitIn
from scf.platform.clock import business_today
from scf.platform.services.collateral import receipt_queries
from scf.platform.services.collateral import receipts as receipt_service
from scf.platform.web_session import db_session


def _receipt(number: str, on: dt.date) -> dict[str, object]:
    session = db_session()
    receipt = receipt_queries.visible_receipt(session, actor(), number)
    allowance = receipt_queries.release_allowance(session, receipt, on)
    return {
        **receipt_queries.receipt_snapshot(receipt),
        "releasable_now": str(allowance.quantity),
        "release_basis": allowance.basis,
        "explanation": allowance.explanation,
    }


@blp.route("/warehouse-receipts")
class Receipts(MethodView):
    @blp.arguments(ReceiptIn)
    @blp.response(201, ReceiptOut)
    def post(self, body: dict[str, Any]) -> dict[str, object]:
        """Record a warehouse receipt issued by a supervisor."""
        session = db_session()
        receipt = receipt_service.issue_receipt(
            session,
            actor(),
            number=body["number"],
            owner_uscc=body["owner"],
            supervisor_uscc=body["supervisor"],
            warehouse=body["warehouse"],
            commodity=body["commodity"],
            quantity=body["quantity"],
            issued_on=on_or_today(body["issued_on"]),
        )
        return _receipt(receipt.number, business_today())


@blp.route("/warehouse-receipts/<string:number>")
class ReceiptDetail(MethodView):
    @blp.arguments(AsOfQuery, location="query")
    @blp.response(200, ReceiptOut)
    def get(self, args: dict[str, Any], number: str) -> dict[str, object]:
        """A receipt and how much of it may be released now, and why."""
        return _receipt(number, on_or_today(args.get("as_of")))


@blp.route("/warehouse-receipts/<string:number>/split")
class Split(MethodView):
    @blp.arguments(SplitIn)
    @blp.response(201, ReceiptOut(many=True))
    def post(self, body: dict[str, Any], number: str) -> list[dict[str, object]]:
        """Split a receipt; the parts must add up to the goods left; a pledge follows."""
        session = db_session()
        on = on_or_today(body["on"])
        children = receipt_service.split_receipt(session, actor(), number, body["parts"], on=on)
        return [_receipt(c.number, on) for c in children]


@blp.route("/warehouse-receipts/<string:number>/release")
class Release(MethodView):
    @blp.arguments(ReleaseIn)
    @blp.response(200, ReceiptOut)
    def post(self, body: dict[str, Any], number: str) -> dict[str, object]:
        """Release goods (出库) within what repayment or 保兑仓 margin allows."""
        session = db_session()
        on = on_or_today(body["on"])
        receipt_service.release_goods(session, actor(), number, Decimal(body["quantity"]), on=on)
        return _receipt(number, on)


@blp.route("/warehouse-receipts/<string:number>/cancel")
class CancelReceipt(MethodView):
    @blp.arguments(ReasonIn)
    @blp.response(200, ReceiptOut)
    def post(self, body: dict[str, Any], number: str) -> dict[str, object]:
        """Cancel an unpledged receipt that has released nothing (注销)."""
        session = db_session()
        receipt_service.cancel_receipt(session, actor(), number, reason=body["reason"])
        return _receipt(number, business_today())
