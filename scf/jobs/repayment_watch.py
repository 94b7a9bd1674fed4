"""Job 3, repayment watch (还款监控): instalments coming due, days past due and the
delinquency class [DOMAIN §11], and a default's reach to the guarantors and the
joint-guarantee group [000 §三(一)5] [003 §六(五), §七(二)].

Days past due and the class come from ``loan_book.refresh_delinquency`` (the loan
book's own definition), applied to the loans that can have changed: those with an
unpaid instalment due by the as-of date, or not yet back to normal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from scf.credit.delinquency import CHINESE
from scf.credit.money import ZERO, format_yuan
from scf.credit.policy import Policy
from scf.jobs.alert_book import Condition, dec, sync_alerts
from scf.jobs.context import Counts, JobContext
from scf.platform.models import Instalment, Loan, Party, Relationship
from scf.platform.models.enums import LoanStatus, RelationshipKind, Severity
from scf.platform.services import audit
from scf.platform.services.lending.balances import outstanding_principal
from scf.platform.services.lending.loan_book import refresh_delinquency

DUE = "instalment_due"
OVERDUE = "loan_overdue"
GUARANTOR = "guarantor_exposed"
GROUP_MEMBER = "group_member_exposed"
RULES = (DUE, OVERDUE, GUARANTOR, GROUP_MEMBER)


@dataclass(frozen=True)
class LiableParty:
    """Someone who must answer for a defaulted loan, and why."""

    party_id: int
    relation: str  # "guarantor" | "group_member"
    guaranteed_amount: Decimal | None  # Σ of the guarantee edges' amounts, if stated
    group_id: int | None


def parties_liable_for_default(
    session: Session, borrower_id: int, loan_id: int, as_of: dt.date
) -> list[LiableParty]:
    """Who is on the hook when a borrower defaults: its guarantors (``guarantees`` edges
    whose target is the borrower, for this loan or for the borrower at large) and the
    co-members of its joint-guarantee groups (``member_of_group``), valid on ``as_of``.

    The same rule as ``scf.platform.services.network.exposure.guarantors_and_group_members_of``
    (a test holds them equal on the demo network), asked here with two indexed queries
    instead of the cached graph: this job updates loans in the same transaction, and
    every such write would make the graph rebuild for the whole book.
    """
    liable: dict[tuple[int, str], LiableParty] = {}
    for guarantor, amount in session.execute(
        sa.select(Relationship.source_party_id, Relationship.amount)
        .where(
            Relationship.kind == RelationshipKind.GUARANTEES,
            Relationship.target_party_id == borrower_id,
            sa.or_(Relationship.loan_id.is_(None), Relationship.loan_id == loan_id),
            Relationship.valid_on(as_of),
        )
        .order_by(Relationship.id)
    ):
        earlier = liable.get((guarantor, "guarantor"))
        total = amount if earlier is None else _add(earlier.guaranteed_amount, amount)
        liable[(guarantor, "guarantor")] = LiableParty(guarantor, "guarantor", total, None)
    groups = sa.select(Relationship.target_group_id).where(
        Relationship.kind == RelationshipKind.MEMBER_OF_GROUP,
        Relationship.source_party_id == borrower_id,
        Relationship.valid_on(as_of),
    )
    for member, group_id in session.execute(
        sa.select(Relationship.source_party_id, Relationship.target_group_id)
        .where(
            Relationship.kind == RelationshipKind.MEMBER_OF_GROUP,
            Relationship.target_group_id.in_(groups),
            Relationship.source_party_id != borrower_id,
            Relationship.valid_on(as_of),
        )
        .order_by(Relationship.id)
    ):
        liable.setdefault(
            (member, "group_member"), LiableParty(member, "group_member", None, group_id)
        )
    return list(liable.values())


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None and b is None else (a or ZERO) + (b or ZERO)


def refresh_loans(ctx: JobContext) -> list[Loan]:
    """Update days past due and class on the loans that can have changed; audit changes."""
    unpaid_due = sa.select(Instalment.loan_id).where(
        Instalment.due_date <= ctx.as_of,
        sa.or_(
            Instalment.principal_paid < Instalment.principal_due,
            Instalment.interest_paid < Instalment.interest_due,
        ),
    )
    loans = ctx.session.scalars(
        sa.select(Loan)
        .where(
            Loan.status == LoanStatus.ACTIVE,
            sa.or_(
                Loan.id.in_(unpaid_due), Loan.days_past_due > 0, Loan.delinquency_class != "normal"
            ),
        )
        .options(selectinload(Loan.instalments), selectinload(Loan.repayments))
        .order_by(Loan.id)
    ).all()
    for loan in loans:
        before = {"days_past_due": loan.days_past_due, "delinquency_class": loan.delinquency_class}
        refresh_delinquency(loan, ctx.as_of)
        after = {"days_past_due": loan.days_past_due, "delinquency_class": loan.delinquency_class}
        if before["delinquency_class"] != after["delinquency_class"]:
            audit.record(
                ctx.session,
                ctx.actor,
                "loan.delinquency",
                "loan",
                loan.code,
                before=before,
                after=after,
                context={"as_of": ctx.as_of.isoformat(), "job": ctx.job_name},
            )
    ctx.session.flush()
    return [loan for loan in loans if loan.status is LoanStatus.ACTIVE and loan.days_past_due > 0]


def overdue_conditions(
    session: Session, loans: list[Loan], as_of: dt.date, policy: Policy
) -> Iterator[Condition]:
    defaults = set(policy.items("monitoring.default_classes"))
    names = _names(session, {loan.party_id for loan in loans})
    for loan in loans:
        lines = [i for i in loan.instalments if i.due_date <= as_of]
        principal = sum((i.principal_due - i.principal_paid for i in lines), ZERO)
        interest = sum((i.interest_due - i.interest_paid for i in lines), ZERO)
        klass = loan.delinquency_class
        in_default = klass in defaults
        figures = {
            "loan_code": loan.code,
            "days_past_due": loan.days_past_due,
            "delinquency_class": klass,
            "delinquency_class_zh": CHINESE.get(klass, klass),
            "overdue_principal": dec(principal),
            "overdue_interest": dec(interest),
            "outstanding_principal": dec(outstanding_principal(loan)),
            "special_mention_max_days": int(policy.decimal("delinquency.special_mention_max_days")),
            "substandard_max_days": int(policy.decimal("delinquency.substandard_max_days")),
            "doubtful_max_days": int(policy.decimal("delinquency.doubtful_max_days")),
            "in_default": in_default,
            "clause": "[DOMAIN §11]",
            "policy_version": policy.version,
        }
        yield Condition(
            rule=OVERDUE,
            key=f"loan:{loan.id}",
            severity=Severity.CRITICAL if in_default else Severity.WARNING,
            subject_type="loan",
            subject_id=loan.id,
            party_id=loan.party_id,
            loan_id=loan.id,
            message=(
                f"贷款 {loan.code} 逾期 {loan.days_past_due} 天，五级分类：{CHINESE.get(klass, klass)} "
                f"(overdue {loan.days_past_due} days, class {klass}; overdue "
                f"{format_yuan(principal + interest)})"
            ),
            figures=figures,
        )
        if in_default:
            yield from _liability_conditions(session, loan, as_of, figures, names)


def _liability_conditions(
    session: Session,
    loan: Loan,
    as_of: dt.date,
    loan_figures: dict[str, object],
    names: dict[int, tuple[str | None, str]],
) -> Iterator[Condition]:
    liable = parties_liable_for_default(session, loan.party_id, loan.id, as_of)
    names.update(_names(session, {p.party_id for p in liable} - set(names)))
    uscc, name = names.get(loan.party_id, (None, "?"))
    for party in liable:
        guarantor = party.relation == "guarantor"
        yield Condition(
            rule=GUARANTOR if guarantor else GROUP_MEMBER,
            key=f"loan:{loan.id}:party:{party.party_id}",
            severity=Severity.WARNING,
            subject_type="party",
            subject_id=party.party_id,
            party_id=party.party_id,
            loan_id=loan.id,
            owner_party_id=loan.party_id,
            message=(
                f"{names.get(party.party_id, (None, '?'))[1]} "
                + ("为其担保的" if guarantor else "所在联保小组成员")
                + f" {name} 贷款 {loan.code} 已违约，需承担"
                + ("保证责任" if guarantor else "连带责任")
                + f" ({'guarantor' if guarantor else 'joint-guarantee group member'} of a "
                f"defaulted loan: {loan.code}, {loan_figures['days_past_due']} days past due)"
            ),
            figures={
                "relation": party.relation,
                "borrower_uscc": uscc,
                "borrower_name": name,
                "loan_code": loan.code,
                "days_past_due": loan_figures["days_past_due"],
                "delinquency_class": loan_figures["delinquency_class"],
                "outstanding_principal": loan_figures["outstanding_principal"],
                "guaranteed_amount": None
                if party.guaranteed_amount is None
                else dec(party.guaranteed_amount),
                "group_id": party.group_id,
                "clause": "[003 §七(二)]" if guarantor else "[000 §三(一)5] [003 §六(五)]",
                "policy_version": loan_figures["policy_version"],
            },
        )


def due_conditions(session: Session, as_of: dt.date, policy: Policy) -> Iterator[Condition]:
    """Instalments due within the notice period; a warning when due tomorrow."""
    notice = int(policy.decimal("monitoring.due_notice_days"))
    urgent = int(policy.decimal("monitoring.due_urgent_days"))
    rows = session.execute(
        sa.select(Instalment, Loan.code, Loan.party_id)
        .join(Loan, Loan.id == Instalment.loan_id)
        .where(
            Loan.status == LoanStatus.ACTIVE,
            Instalment.due_date > as_of,
            Instalment.due_date <= as_of + dt.timedelta(days=notice),
            sa.or_(
                Instalment.principal_paid < Instalment.principal_due,
                Instalment.interest_paid < Instalment.interest_due,
            ),
        )
        .order_by(Instalment.due_date, Instalment.id)
    )
    for line, code, party_id in rows:
        days = (line.due_date - as_of).days
        amount = line.principal_due - line.principal_paid + line.interest_due - line.interest_paid
        yield Condition(
            rule=DUE,
            key=f"instalment:{line.id}",
            severity=Severity.WARNING if days <= urgent else Severity.INFO,
            subject_type="instalment",
            subject_id=line.id,
            party_id=party_id,
            loan_id=line.loan_id,
            message=(
                f"贷款 {code} 第{line.seq}期 {line.due_date} 到期，应还 {format_yuan(amount)} 元，"
                f"还有 {days} 天 (instalment {line.seq} due in {days} days)"
            ),
            figures={
                "loan_code": code,
                "instalment": line.seq,
                "due_date": line.due_date.isoformat(),
                "days_until_due": days,
                "amount_due": dec(amount),
                "principal_due": dec(line.principal_due - line.principal_paid),
                "interest_due": dec(line.interest_due - line.interest_paid),
                "notice_days": notice,
                "urgent_days": urgent,
                "policy_version": policy.version,
            },
        )


def _names(session: Session, party_ids: set[int]) -> dict[int, tuple[str | None, str]]:
    if not party_ids:
        return {}
    rows = session.execute(
        sa.select(Party.id, Party.uscc, Party.name).where(Party.id.in_(sorted(party_ids)))
    )
    return {pid: (uscc, name) for pid, uscc, name in rows}


def run(ctx: JobContext) -> Counts:
    overdue = refresh_loans(ctx)
    conditions = list(overdue_conditions(ctx.session, overdue, ctx.as_of, ctx.policy))
    conditions.extend(due_conditions(ctx.session, ctx.as_of, ctx.policy))
    by_class: dict[str, int] = {}
    for loan in overdue:
        by_class[loan.delinquency_class] = by_class.get(loan.delinquency_class, 0) + 1
    return {
        "overdue_loans": len(overdue),
        "by_class": by_class,
        "instalments_due": sum(1 for c in conditions if c.rule == DUE),
        "liable_parties": sum(1 for c in conditions if c.rule in (GUARANTOR, GROUP_MEMBER)),
        "alerts": sync_alerts(ctx, RULES, conditions),
    }
