"""Repayment watch with a fixed clock: days past due and the class [DOMAIN §11] (关注 1–90,
次级 91–270, 可疑 271–360, 损失 > 360), notices for instalments coming due, and a
default (substandard or worse) reaching the guarantors and the joint-guarantee group."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from scf.jobs.repayment_watch import DUE, GROUP_MEMBER, GUARANTOR, OVERDUE
from scf.platform.models import AuditEntry, Loan, Party
from scf.platform.models.enums import PartyKind, RelationshipKind, Role, Severity
from tests.jobs.conftest import Runner
from tests.jobs.network import Network

DUE_ON = dt.date(2026, 1, 1)


def day(n: int) -> dt.date:
    return DUE_ON + dt.timedelta(days=n)


def overdue_loan(net: Network) -> Loan:
    """A bullet of 100,000 + 500 interest due 2026-01-01, never paid."""
    rm = net.user("rm_rw", Role.RELATIONSHIP_MANAGER)
    borrower = net.party("五金店", rm=rm)
    return net.loan(
        borrower,
        "100000",
        drawn=dt.date(2025, 7, 1),
        maturity=DUE_ON,
        lines=[(DUE_ON, "100000", "500")],
    )


def test_instalment_going_overdue_changes_class_at_each_boundary(
    net: Network, runner: Runner
) -> None:
    loan = overdue_loan(net)
    steps = [
        (0, 0, "normal", None),
        (1, 1, "special_mention", Severity.WARNING),
        (90, 90, "special_mention", Severity.WARNING),
        (91, 91, "substandard", Severity.CRITICAL),
        (270, 270, "substandard", Severity.CRITICAL),
        (271, 271, "doubtful", Severity.CRITICAL),
        (360, 360, "doubtful", Severity.CRITICAL),
        (361, 361, "loss", Severity.CRITICAL),
    ]
    for offset, dpd, klass, severity in steps:
        assert runner.run("repayment_watch", day(offset)).status == "succeeded"
        refreshed = runner.session.get_one(Loan, loan.id)
        assert (refreshed.days_past_due, refreshed.delinquency_class) == (dpd, klass), offset
        alerts = runner.alerts(OVERDUE)
        if severity is None:
            assert alerts == []
            continue
        (alert,) = alerts  # one alert for the whole episode, updated each day
        assert alert.severity is severity
        assert alert.figures["days_past_due"] == dpd
        assert alert.figures["delinquency_class"] == klass
        assert alert.figures["overdue_principal"] == "100000.00"
        assert alert.figures["overdue_interest"] == "500.00"
        assert alert.first_seen_on == day(1)
    # Each class change is in the audit log, with before and after.
    changes = runner.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "loan.delinquency").order_by(AuditEntry.id)
    ).all()
    assert [c.after["delinquency_class"] for c in changes] == [
        "special_mention",
        "substandard",
        "doubtful",
        "loss",
    ]


def test_paying_the_arrears_resolves_the_overdue_alert(net: Network, runner: Runner) -> None:
    loan = overdue_loan(net)
    runner.run("repayment_watch", day(5))
    assert len(runner.alerts(OVERDUE)) == 1
    line = loan.instalments[0]
    line.principal_paid, line.interest_paid = line.principal_due, line.interest_due
    runner.run("repayment_watch", day(6))
    assert runner.alerts(OVERDUE) == []
    assert runner.session.get_one(Loan, loan.id).delinquency_class == "normal"


@pytest.mark.parametrize(
    ("days_before", "severity"),
    [(8, None), (7, Severity.INFO), (2, Severity.INFO), (1, Severity.WARNING)],
)
def test_instalment_due_within_seven_days_and_tomorrow(
    net: Network, runner: Runner, days_before: int, severity: Severity | None
) -> None:
    """Notice 7 days ahead (info), a warning the day before (monitoring.due_* policy)."""
    overdue_loan(net)
    runner.run("repayment_watch", DUE_ON - dt.timedelta(days=days_before))
    alerts = runner.alerts(DUE)
    if severity is None:
        assert alerts == []
        return
    (alert,) = alerts
    assert alert.severity is severity
    assert alert.figures["days_until_due"] == days_before
    assert alert.figures["amount_due"] == "100500.00"


def test_default_raises_alerts_on_guarantors_and_group_members(
    net: Network, runner: Runner
) -> None:
    loan = overdue_loan(net)
    me = runner.session.get_one(Party, loan.party_id)
    guarantor = net.party("担保公司")
    person = net.party("法定代表人", kind=PartyKind.PERSON)
    other_loan_guarantor = net.party("别的贷款担保人")
    former_guarantor = net.party("已到期担保人")
    net.edge(RelationshipKind.GUARANTEES, guarantor, me, amount="60000")
    net.edge(RelationshipKind.GUARANTEES, person, me, loan=loan, amount="100000")
    other = net.loan(me, "5000", maturity=dt.date(2027, 1, 1))
    net.edge(RelationshipKind.GUARANTEES, other_loan_guarantor, me, loan=other)
    net.edge(RelationshipKind.GUARANTEES, former_guarantor, me, valid_to=dt.date(2025, 12, 31))
    group, other_group = net.group("TG1"), net.group("TG2")
    mate_a, mate_b, left, stranger = (
        net.party(n) for n in ("组员甲", "组员乙", "已退组", "他组成员")
    )
    net.edge(RelationshipKind.MEMBER_OF_GROUP, me, group=group)
    net.edge(RelationshipKind.MEMBER_OF_GROUP, mate_a, group=group)
    net.edge(RelationshipKind.MEMBER_OF_GROUP, mate_b, group=group)
    net.edge(RelationshipKind.MEMBER_OF_GROUP, left, group=group, valid_to=dt.date(2025, 6, 30))
    net.edge(RelationshipKind.MEMBER_OF_GROUP, stranger, group=other_group)

    # 90 days: special mention, not a default → nobody else is called on.
    runner.run("repayment_watch", day(90))
    assert runner.alerts(GUARANTOR) == [] and runner.alerts(GROUP_MEMBER) == []

    # 91 days: substandard = default → the two guarantors of this loan and both co-members.
    runner.run("repayment_watch", day(91))
    guarantors = {a.party_id: a for a in runner.alerts(GUARANTOR)}
    members = {a.party_id for a in runner.alerts(GROUP_MEMBER)}
    assert set(guarantors) == {guarantor.id, person.id}
    assert members == {mate_a.id, mate_b.id}
    assert guarantors[guarantor.id].figures["guaranteed_amount"] == "60000.00"
    assert guarantors[person.id].figures["borrower_name"] == "五金店"
    # The person has no relationship manager: the borrower's owns the alert.
    assert guarantors[person.id].owner_user_id == me.relationship_manager_id
    assert all(a.loan_id == loan.id for a in guarantors.values())

    # Paid in full: the default and everything it raised resolve.
    line = loan.instalments[0]
    line.principal_paid, line.interest_paid = line.principal_due, line.interest_due
    runner.run("repayment_watch", day(92))
    assert runner.alerts(GUARANTOR) == [] and runner.alerts(GROUP_MEMBER) == []
