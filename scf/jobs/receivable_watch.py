"""Job 4, receivable watch (应收账款监控): financed receivables reaching their due date,
and those left unpaid after it [003 §六(四),(八)] [DOMAIN §5, §9].

Only receivables that secure an active loan (pledged or factored) are the bank's
concern. An unpaid one raises an alert on the supplier's financing; the debtor — the
core enterprise of the chain — gets one alert summing everything it owes late across
its suppliers, because that is where the chain's concentration shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from scf.credit.money import ZERO, format_yuan
from scf.credit.policy import Policy
from scf.jobs.alert_book import Condition, dec, sync_alerts
from scf.jobs.context import Counts, JobContext
from scf.platform.models import Loan, Party, Receivable
from scf.platform.models.enums import LoanStatus, Severity

DUE = "receivable_due"
OVERDUE = "receivable_overdue"
DEBTOR_OVERDUE = "debtor_receivables_overdue"
RULES = (DUE, OVERDUE, DEBTOR_OVERDUE)
CLAUSE = "[003 §六(四),(八)]"


def financed_receivables(session: Session, as_of: dt.date, notice_days: int) -> list[Any]:
    """Unpaid receivables securing an active loan, due by ``as_of`` + notice."""
    debtor = aliased(Party)
    return list(
        session.execute(
            sa.select(
                Receivable.id,
                Receivable.code,
                Receivable.invoice_number,
                Receivable.amount,
                Receivable.due_on,
                Receivable.creditor_party_id,
                Receivable.debtor_party_id,
                debtor.uscc.label("debtor_uscc"),
                debtor.name.label("debtor_name"),
                Loan.id.label("loan_id"),
                Loan.code.label("loan_code"),
            )
            .join(Loan, Loan.id == Receivable.pledged_loan_id)
            .join(debtor, debtor.id == Receivable.debtor_party_id)
            .where(
                Loan.status == LoanStatus.ACTIVE,
                Receivable.paid_on.is_(None),
                Receivable.due_on <= as_of + dt.timedelta(days=notice_days),
            )
            .order_by(Receivable.due_on, Receivable.id)
        )
    )


def conditions_for(rows: list[Any], as_of: dt.date, policy: Policy) -> Iterator[Condition]:
    """Each financed receivable due soon or unpaid after its due date; then, per debtor,
    everything it owes late across its suppliers."""
    notice = int(policy.decimal("monitoring.due_notice_days"))
    late: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        if r.due_on < as_of:
            late[r.debtor_party_id].append(r)
        yield _receivable_condition(r, as_of, policy, notice)
    for debtor_id, overdue in late.items():
        yield _debtor_condition(debtor_id, overdue, policy)


def _receivable_condition(r: Any, as_of: dt.date, policy: Policy, notice: int) -> Condition:
    days = (r.due_on - as_of).days
    figures = {
        "receivable_code": r.code,
        "invoice_number": r.invoice_number,
        "amount": dec(r.amount),
        "due_on": r.due_on.isoformat(),
        "debtor_uscc": r.debtor_uscc,
        "debtor_name": r.debtor_name,
        "loan_code": r.loan_code,
        "clause": CLAUSE,
        "policy_version": policy.version,
    }
    subject = {
        "key": f"receivable:{r.id}",
        "subject_type": "receivable",
        "subject_id": r.id,
        "party_id": r.creditor_party_id,
        "loan_id": r.loan_id,
    }
    if days >= 0:
        return Condition(
            rule=DUE,
            severity=Severity.INFO,
            message=(
                f"应收账款 {r.code}（{r.debtor_name}）{r.due_on} 到期，金额 {format_yuan(r.amount)} "
                f"(financed receivable due in {days} days)"
            ),
            figures={**figures, "days_until_due": days, "notice_days": notice},
            **subject,
        )
    return Condition(
        rule=OVERDUE,
        severity=Severity.WARNING,
        message=(
            f"应收账款 {r.code} 已逾期 {-days} 天未回款，债务人 {r.debtor_name}，融资 {r.loan_code} "
            f"(financed receivable unpaid {-days} days after due)"
        ),
        figures={**figures, "days_overdue": -days},
        **subject,
    )


def _debtor_condition(debtor_id: int, overdue: list[Any], policy: Policy) -> Condition:
    """The core enterprise late on financed receivables: where the chain's concentration shows."""
    total = sum((r.amount for r in overdue), ZERO)
    first = overdue[0]
    suppliers = sorted({r.creditor_party_id for r in overdue})
    return Condition(
        rule=DEBTOR_OVERDUE,
        key=f"party:{debtor_id}",
        severity=Severity.WARNING,
        subject_type="party",
        subject_id=debtor_id,
        party_id=debtor_id,
        message=(
            f"{first.debtor_name} 对 {len(suppliers)} 家供应商的 {len(overdue)} 笔已融资应收账款逾期未付，"
            f"合计 {format_yuan(total)} 元 (core enterprise late on financed receivables)"
        ),
        figures={
            "debtor_uscc": first.debtor_uscc,
            "receivables": len(overdue),
            "suppliers": len(suppliers),
            "total_amount": dec(total),
            "oldest_due_on": min(r.due_on for r in overdue).isoformat(),
            "receivable_codes": [r.code for r in overdue],
            "clause": "[DOMAIN §9] " + CLAUSE,
            "policy_version": policy.version,
        },
    )


def run(ctx: JobContext) -> Counts:
    notice = int(ctx.policy.decimal("monitoring.due_notice_days"))
    rows = financed_receivables(ctx.session, ctx.as_of, notice)
    conditions = list(conditions_for(rows, ctx.as_of, ctx.policy))
    overdue_total: Decimal = sum((r.amount for r in rows if r.due_on < ctx.as_of), ZERO)
    return {
        "due_soon": sum(1 for c in conditions if c.rule == DUE),
        "overdue": sum(1 for c in conditions if c.rule == OVERDUE),
        "overdue_amount": dec(overdue_total),
        "debtors_late": sum(1 for c in conditions if c.rule == DEBTOR_OVERDUE),
        "alerts": sync_alerts(ctx, RULES, conditions),
    }
