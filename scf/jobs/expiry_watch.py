"""Job 5, expiry watch (到期监控): collateral insurance that does not cover the loan
[003 §七(三)5], facilities expiring and annual reviews due.

Insurance is checked with ``scf.credit.guarantees.insurance_rules`` against the loans
its collateral secures today (their outstanding principal and latest maturity): each
failed rule is an alert named after the rule, with its clause, observed value and
threshold. Notice periods are the monitoring policy's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.guarantees import insurance_rules
from scf.credit.money import ZERO
from scf.credit.policy import Policy
from scf.jobs.alert_book import Condition, dec, sync_alerts
from scf.jobs.context import Counts, JobContext
from scf.platform.models import CollateralItem, Facility, InsurancePolicy, Loan, WarehouseReceipt
from scf.platform.models.enums import FacilityStatus, LoanStatus, Severity
from scf.platform.services.lending.balances import outstanding_principal_column

INSURANCE_RULES = (
    "insurance_outlasts_loan",
    "insurance_amount_covers_debt",
    "insurance_bank_first_beneficiary",
)
FACILITY_EXPIRING = "facility_expiring"
REVIEW_DUE = "annual_review_due"
RULES = (*INSURANCE_RULES, FACILITY_EXPIRING, REVIEW_DUE)


@dataclass(frozen=True)
class InsuredDebt:
    """An insurance policy and the active loans its collateral secures."""

    policy_id: int
    policy_number: str
    insured_amount: Decimal
    bank_first_beneficiary: bool
    ends_on: dt.date
    party_id: int
    loan_id: int  # the loan maturing last
    loan_code: str
    debt: Decimal
    latest_maturity: dt.date


def insured_debts(session: Session) -> list[InsuredDebt]:
    """Each insurance policy whose collateral (an item pledged to a facility, or a
    warehouse receipt pledged to a loan) secures active loans, with their debt."""
    balance, repaid = outstanding_principal_column()
    columns = (
        InsurancePolicy.id.label("policy_id"),
        InsurancePolicy.policy_number,
        InsurancePolicy.insured_amount,
        InsurancePolicy.bank_first_beneficiary,
        InsurancePolicy.ends_on,
        Loan.party_id,
        Loan.id.label("loan_id"),
        Loan.code.label("loan_code"),
        balance.label("balance"),
        Loan.maturity_date,
    )
    via_item = (
        sa.select(*columns)
        .join(CollateralItem, CollateralItem.id == InsurancePolicy.collateral_item_id)
        .join(Loan, Loan.facility_id == CollateralItem.pledged_facility_id)
        .outerjoin(repaid, repaid.c.loan_id == Loan.id)
        .where(Loan.status == LoanStatus.ACTIVE)
    )
    via_receipt = (
        sa.select(*columns)
        .join(WarehouseReceipt, WarehouseReceipt.id == InsurancePolicy.receipt_id)
        .join(Loan, Loan.id == WarehouseReceipt.pledged_loan_id)
        .outerjoin(repaid, repaid.c.loan_id == Loan.id)
        .where(Loan.status == LoanStatus.ACTIVE, InsurancePolicy.collateral_item_id.is_(None))
    )
    loans: dict[int, dict[int, Any]] = defaultdict(dict)
    for query in (via_item, via_receipt):
        for row in session.execute(query):
            loans[row.policy_id][row.loan_id] = row  # a loan counts once per policy
    out = []
    for policy_id in sorted(loans):
        rows = sorted(loans[policy_id].values(), key=lambda r: (r.maturity_date, r.loan_id))
        last = rows[-1]
        out.append(
            InsuredDebt(
                policy_id=policy_id,
                policy_number=last.policy_number,
                insured_amount=last.insured_amount,
                bank_first_beneficiary=last.bank_first_beneficiary,
                ends_on=last.ends_on,
                party_id=last.party_id,
                loan_id=last.loan_id,
                loan_code=last.loan_code,
                debt=sum((r.balance for r in rows), ZERO),
                latest_maturity=last.maturity_date,
            )
        )
    return out


def insurance_conditions(debts: list[InsuredDebt], policy: Policy) -> Iterator[Condition]:
    for d in debts:
        for result in insurance_rules(
            insured_amount=d.insured_amount,
            debt=d.debt,
            bank_first_beneficiary=d.bank_first_beneficiary,
            insurance_ends=d.ends_on,
            loan_maturity=d.latest_maturity,
            policy=policy,
        ):
            if result.ok:
                continue
            yield Condition(
                rule=result.id,
                key=f"insurance:{d.policy_id}",
                severity=Severity.WARNING,
                subject_type="insurance_policy",
                subject_id=d.policy_id,
                party_id=d.party_id,
                loan_id=d.loan_id,
                message=(
                    f"保单 {d.policy_number}（贷款 {d.loan_code}）：{result.message}；"
                    f"实际 {result.observed}，要求 {result.threshold} ({result.id})"
                ),
                figures={
                    "policy_number": d.policy_number,
                    "loan_code": d.loan_code,
                    "insured_amount": dec(d.insured_amount),
                    "debt": dec(d.debt),
                    "insurance_ends_on": d.ends_on.isoformat(),
                    "loan_maturity": d.latest_maturity.isoformat(),
                    "observed": result.observed,
                    "threshold": result.threshold,
                    "clause": result.clause,
                    "policy_version": policy.version,
                },
            )


def facility_conditions(session: Session, as_of: dt.date, policy: Policy) -> Iterator[Condition]:
    """Active facilities ending, or due for their review, within the notice periods."""
    checks = (
        (
            FACILITY_EXPIRING,
            Facility.end_date,
            "monitoring.facility_expiry_notice_days",
            "额度到期",
            "facility ends",
        ),
        (
            REVIEW_DUE,
            Facility.review_date,
            "monitoring.review_notice_days",
            "年度检视到期",
            "annual review due",
        ),
    )
    for rule, column, parameter, zh, en in checks:
        notice = int(policy.decimal(parameter))
        rows = session.execute(
            sa.select(Facility.id, Facility.code, Facility.party_id, column)
            .where(
                Facility.status == FacilityStatus.ACTIVE,
                column.is_not(None),
                column <= as_of + dt.timedelta(days=notice),
            )
            .order_by(Facility.id)
        )
        for facility_id, code, party_id, day in rows:
            days = (day - as_of).days
            late = days < 0
            yield Condition(
                rule=rule,
                key=f"facility:{facility_id}",
                severity=Severity.WARNING if late else Severity.INFO,
                subject_type="facility",
                subject_id=facility_id,
                party_id=party_id,
                message=(
                    f"额度 {code} {zh}日 {day}"
                    + (
                        f"，已过 {-days} 天 ({en} {-days} days ago)"
                        if late
                        else f"，还有 {days} 天 ({en} in {days} days)"
                    )
                ),
                figures={
                    "facility_code": code,
                    "date": day.isoformat(),
                    "days_left": days,
                    "notice_days": notice,
                    "policy_version": policy.version,
                },
            )


def run(ctx: JobContext) -> Counts:
    debts = insured_debts(ctx.session)
    conditions = list(insurance_conditions(debts, ctx.policy))
    conditions.extend(facility_conditions(ctx.session, ctx.as_of, ctx.policy))
    return {
        "insurance_policies": len(debts),
        "insurance_failures": sum(1 for c in conditions if c.rule in INSURANCE_RULES),
        "facilities_expiring": sum(1 for c in conditions if c.rule == FACILITY_EXPIRING),
        "reviews_due": sum(1 for c in conditions if c.rule == REVIEW_DUE),
        "alerts": sync_alerts(ctx, RULES, conditions),
    }
