"""Schemas of the lending API: money as decimal strings, dates YYYY-MM-DD."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from scf.platform.api.schemas.common import (
    PartyRefSchema,
    money_field,
    quantity_field,
    ratio_field,
)
from scf.platform.models.enums import FacilityStatus, GuarantorKind, Product, RepaymentMethod


def date_out() -> fields.String:
    """A date already rendered YYYY-MM-DD by the read model."""
    return fields.String(allow_none=True, metadata={"format": "date"})


def _choice(enum_cls: type) -> validate.OneOf:
    return validate.OneOf([m.value for m in enum_cls])  # type: ignore[attr-defined]


class GuaranteeIn(Schema):
    guarantor = fields.String(
        required=True, metadata={"description": "USCC or customer number (persons)"}
    )
    kind = fields.String(required=True, validate=_choice(GuarantorKind))
    amount = money_field(required=True)


class ProposalIn(Schema):
    party = fields.String(required=True, metadata={"description": "borrower's USCC"})
    product = fields.String(required=True, validate=_choice(Product))
    amount = money_field(required=True, metadata={"description": "requested limit (元)"})
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    repayment_method = fields.String(required=True, validate=_choice(RepaymentMethod))
    revolving = fields.Boolean(load_default=False)
    programme = fields.String(load_default=None, metadata={"description": "programme code"})
    group = fields.String(load_default=None, metadata={"description": "joint-guarantee group code"})
    collateral = fields.List(fields.String(), load_default=list, metadata={"description": "codes"})
    guarantees = fields.List(fields.Nested(GuaranteeIn), load_default=list)
    registered_and_operating_locally = fields.Boolean(load_default=False)
    contribution = fields.String(
        load_default=None,
        validate=validate.OneOf(["high", "medium", "low"]),
        metadata={"description": "贡献度; derived from main-bank status when absent"},
    )
    prospect = fields.String(
        load_default=None,
        validate=validate.OneOf(["good", "fair", "poor"]),
        metadata={"description": "发展前景; derived from the tier when absent"},
    )
    rate_annual = ratio_field(load_default=None, metadata={"description": "ratio, e.g. 0.0815"})
    as_of = fields.Date(load_default=None, metadata={"description": "decision date (today)"})
    comment = fields.String(load_default=None, validate=validate.Length(max=1000))


class DecisionIn(Schema):
    comment = fields.String(load_default=None, validate=validate.Length(max=1000))
    on = fields.Date(load_default=None, metadata={"description": "date of the decision (today)"})


class SendBackIn(Schema):
    comment = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class AmountIn(Schema):
    amount = money_field(required=True)
    comment = fields.String(load_default=None, validate=validate.Length(max=1000))
    as_of = fields.Date(load_default=None)


class StatusIn(Schema):
    status = fields.String(
        required=True, validate=validate.OneOf([s.value for s in FacilityStatus])
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class FacilityQuery(Schema):
    party = fields.String(metadata={"description": "borrower's USCC"})
    status = fields.String(validate=_choice(FacilityStatus))
    product = fields.String(validate=_choice(Product))


class FacilitySummary(Schema):
    id = fields.Integer()
    code = fields.String()
    party = fields.Nested(PartyRefSchema)
    product = fields.String()
    limit_amount = money_field()
    status = fields.String()
    start_date = date_out()
    end_date = date_out()
    revolving = fields.Boolean()
    used = money_field()
    available = money_field()


class CandidateOut(Schema):
    name = fields.String()
    amount = money_field()
    clause = fields.String()
    formula = fields.String()


class AvailabilityOut(Schema):
    amount = money_field()
    binding = fields.String()
    candidates = fields.List(fields.Nested(CandidateOut))


class PositionOut(Schema):
    limit = money_field()
    blocked = money_field()
    outstanding = money_field()
    drawn = money_field()
    released = money_field()
    utilised = money_field()
    used = money_field()
    available = money_field()
    over_limit = money_field()
    revolving = fields.Boolean()


class ProgrammeUsageOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    cap = money_field()
    blocked = money_field()
    outstanding = money_field()
    used = money_field()
    remaining = money_field()


class LoanSummary(Schema):
    id = fields.Integer()
    code = fields.String()
    principal = money_field()
    outstanding_principal = money_field()
    rate_annual = fields.String()
    drawn_on = date_out()
    maturity_date = date_out()
    repayment_method = fields.String()
    status = fields.String()
    days_past_due = fields.Integer()
    delinquency_class = fields.String()


class DrawdownOut(Schema):
    id = fields.Integer()
    facility_id = fields.Integer()
    amount = money_field()
    requested_on = date_out()
    status = fields.String(metadata={"description": "pending (blocks), utilised, cancelled"})
    loan_id = fields.Integer(allow_none=True)
    availability = fields.Nested(AvailabilityOut, allow_none=True)


class FacilityOut(FacilitySummary):
    as_of = date_out()
    review_date = date_out()
    repayment_method = fields.String(allow_none=True)
    rate_annual = fields.String(allow_none=True)
    group_id = fields.Integer(allow_none=True)
    programme = fields.Nested(ProgrammeUsageOut, allow_none=True)
    position = fields.Nested(PositionOut)
    availability = fields.Nested(AvailabilityOut)
    policy_version = fields.String(allow_none=True)
    decision = fields.Dict(metadata={"description": "the engine's rules and candidates"})
    pending = fields.Dict(allow_none=True)
    approvals = fields.List(fields.Dict())
    guarantees = fields.List(fields.Dict())
    collateral = fields.List(fields.Dict())
    loans = fields.List(fields.Nested(LoanSummary))
    drawdowns = fields.List(fields.Nested(DrawdownOut))
    reconciliation_problems = fields.List(fields.String())


class DrawdownIn(Schema):
    amount = money_field(required=True)
    requested_on = fields.Date(load_default=None, metadata={"description": "today if absent"})
    maturity_date = fields.Date(required=True)
    instalments = fields.Integer(load_default=1, metadata={"description": "principal instalments"})
    repayment_method = fields.String(load_default=None, validate=_choice(RepaymentMethod))
    rate_annual = ratio_field(load_default=None)
    receivables = fields.List(fields.String(), load_default=list)
    warehouse_receipts = fields.List(fields.String(), load_default=list)
    margin = money_field(load_default=None, metadata={"description": "保兑仓 initial margin"})
    disburse = fields.Boolean(
        load_default=True, metadata={"description": "false: leave it pending (blocked)"}
    )


class DisburseIn(Schema):
    on = fields.Date(load_default=None)


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class RepaymentIn(Schema):
    amount = money_field(required=True)
    paid_on = fields.Date(load_default=None, metadata={"description": "today if absent"})
    reference = fields.String(load_default=None, validate=validate.Length(max=64))


class RepaymentOut(Schema):
    id = fields.Integer()
    paid_on = date_out()
    amount = money_field()
    interest_part = money_field()
    principal_part = money_field()
    prepaid_principal = money_field()
    reference = fields.String(allow_none=True)


class LoanOut(LoanSummary):
    facility_id = fields.Integer()
    party = fields.Nested(PartyRefSchema)
    product = fields.String()
    as_of = date_out()
    payoff = fields.Dict(allow_none=True)
    schedule = fields.List(fields.Dict())
    repayments = fields.List(fields.Nested(RepaymentOut))
    receivables = fields.List(fields.String())
    warehouse_receipts = fields.List(fields.Dict())
    margin_paid = money_field()
    reconciliation_problems = fields.List(fields.String())


class MarginIn(Schema):
    amount = money_field(required=True)
    paid_on = fields.Date(load_default=None)
    reference = fields.String(load_default=None, validate=validate.Length(max=64))


class ReceiptIn(Schema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    owner = fields.String(required=True, metadata={"description": "owner's USCC"})
    supervisor = fields.String(required=True, metadata={"description": "supervisor's USCC"})
    warehouse = fields.String(required=True, validate=validate.Length(min=1, max=200))
    commodity = fields.String(required=True)
    quantity = quantity_field(required=True)
    issued_on = fields.Date(load_default=None)


class SplitIn(Schema):
    parts = fields.List(quantity_field(), required=True)
    on = fields.Date(load_default=None)


class ReleaseIn(Schema):
    quantity = quantity_field(required=True)
    on = fields.Date(load_default=None)


class ReceiptOut(Schema):
    number = fields.String()
    status = fields.String()
    quantity = fields.String()
    released_quantity = fields.String()
    pledged_loan_id = fields.Integer(allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    releasable_now = fields.String()
    release_basis = fields.String()
    explanation = fields.String()
