"""No sequence of lending steps takes any level over its limit (issue #12, finding 1).

A hypothesis state machine plays random sequences of grant (propose + approve), draw
(paid out at once or left pending), disburse, repay, cancel, the passing of days and a
revision of the bank's net capital, in a small world: two related-party groups of two
firms each, two programmes with small caps, one joint-guarantee group with a total
limit, net capital around 2,000,000 (a group may owe 15%, one customer 10% [DOMAIN §9]).

After every step, at every level — facility, programme, joint group, customer,
related-party group — used (pending + outstanding, counted from the raw rows by
``used_by_level``) is within its limit, or, when a lower net capital has put it over,
has not grown since the step before: nothing is ever drawn or paid out into an excess.
A refusal is an allowed outcome of any step; a crash is not.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from scf.platform.demo.lending_world import World, build_world
from scf.platform.errors import Conflict, RuleRefused, ValidationFailed
from scf.platform.models import Drawdown, Facility, JointGuaranteeGroup, Loan
from scf.platform.models.enums import DrawdownStatus, LoanStatus, RelationshipKind
from scf.platform.services.lending.drawdowns import (
    DrawdownRequest,
    cancel_drawdown,
    disburse_drawdown,
    request_drawdown,
)
from scf.platform.services.lending.loan_book import apply_repayment
from scf.platform.services.lending.loan_queries import loan_payoff
from tests.platform.lending.setups import (
    MATURITY,
    ON,
    credit_facility,
    market_programme,
    same_world,
)
from tests.platform.lending.used_by_level import Level, used_and_limits

D = Decimal
NET_CAPITAL = "2000000"  # group 300,000.00; one customer 200,000.00
REVISED = ["1500000", "2000000", "2500000"]  # group 225,000 / 300,000 / 375,000
PARTIES = ("supplier", "supplier_b", "firm_c", "firm_d")  # (supplier, b) and (c, d): two groups
REFUSALS = (RuleRefused, ValidationFailed, Conflict)
MAX_FACILITIES = 4

amounts = st.integers(min_value=1, max_value=16).map(lambda k: D(k * 10000))


def small_world(session: Session) -> World:
    world = build_world(session)
    assert world.programme is not None
    world.programme.cap = D("250000")
    branch = world.parties["supplier"].branch_id
    for name, n in (("supplier_b", 12), ("firm_c", 13), ("firm_d", 14)):
        firm = world.firm(
            name, n, industry="manufacturing", established_on=dt.date(2015, 1, 1), branch_id=branch
        )
        world.snapshot(firm)
        world.edge(RelationshipKind.SUPPLIES_TO, firm, world.parties["core"])
    world.edge(RelationshipKind.CONTROLS, world.parties["supplier"], world.parties["supplier_b"])
    world.edge(RelationshipKind.CONTROLS, world.parties["firm_c"], world.parties["firm_d"])
    market_programme(world, cap="200000")
    world.added(JointGuaranteeGroup(code="JG1", name="联保体", total_limit=D("150000")))
    return world


def reason(refused: RuleRefused) -> str:
    """The first failing rule; for availability, the candidate that bound."""
    failing = next(r for r in refused.errors["rules"] if r["result"] == "fail")
    if failing["id"] != "within_availability":
        return str(failing["id"])
    return str(failing["threshold"]).rsplit("(", 1)[-1].rstrip(")")


class LendingSteps(RuleBasedStateMachine):
    """One example: the world and its first two facilities, built once for the test,
    in a savepoint of its own that is rolled back at the end of the example."""

    connection: sa.Connection

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = self.connection.begin_nested()
        self.session = sessionmaker(
            bind=self.connection, join_transaction_mode="create_savepoint"
        )()
        self.world = same_world(self.session)
        self.rm = self.world.actor("rm")
        self.today = ON
        self.facilities = list(self.session.scalars(sa.select(Facility.id).order_by(Facility.id)))
        self.joint_group = self.session.scalar(sa.select(JointGuaranteeGroup.id))
        self.before: dict[Level, tuple[Decimal, Decimal]] = {}
        self.pending: list[int] = []  # drawdown ids, refreshed after every step
        self.active: list[int] = []  # loan ids

    def teardown(self) -> None:
        os.environ["SCF_BANK_NET_CAPITAL"] = NET_CAPITAL
        self.session.close()
        self.savepoint.rollback()

    def _try(self, name: str, step: Callable[[], object]) -> None:
        """Run a step; a refusal is an outcome (``--hypothesis-show-statistics`` counts
        them by step and reason), anything else fails the example."""
        try:
            step()
            event(f"{name}: done")
        except RuleRefused as refused:
            event(f"{name}: refused, {reason(refused)}")
        except REFUSALS as refused:
            event(f"{name}: {type(refused).__name__}")

    # -- steps ------------------------------------------------------------------------
    @precondition(lambda self: len(self.facilities) < MAX_FACILITIES)
    @rule(
        party=st.integers(0, len(PARTIES) - 1),
        programme=st.sampled_from(["PG-CORE", "PG-MKT"]),
        amount=st.sampled_from([D("100000"), D("150000"), D("250000")]),
        joint=st.booleans(),
    )
    def grant_facility(self, party: int, programme: str, amount: Decimal, joint: bool) -> None:
        """Propose and approve; a facility may be put in the joint-guarantee group."""

        def grant() -> None:
            facility: Facility = credit_facility(
                self.world, PARTIES[party], programme_code=programme, amount=amount
            )
            if joint:
                facility.group_id = self.joint_group
                self.session.commit()
            self.facilities.append(facility.id)

        self._try("grant", grant)

    @precondition(lambda self: bool(self.facilities))
    @rule(which=st.integers(0, MAX_FACILITIES - 1), amount=amounts, disburse=st.booleans())
    def draw(self, which: int, amount: Decimal, disburse: bool) -> None:
        request = DrawdownRequest(
            amount=amount,
            requested_on=self.today,
            maturity_date=MATURITY,
            instalments=6,
            disburse=disburse,
        )
        facility = self.facilities[which % len(self.facilities)]
        self._try(
            "draw" if disburse else "draw pending",
            lambda: request_drawdown(self.session, self.rm, facility, request),
        )

    @precondition(lambda self: bool(self.pending))
    @rule(which=st.integers(0, 20))
    def disburse(self, which: int) -> None:
        drawdown = self.pending[which % len(self.pending)]
        self._try(
            "disburse", lambda: disburse_drawdown(self.session, self.rm, drawdown, on=self.today)
        )

    @precondition(lambda self: bool(self.pending))
    @rule(which=st.integers(0, 20))
    def cancel(self, which: int) -> None:
        drawdown = self.pending[which % len(self.pending)]
        self._try("cancel", lambda: cancel_drawdown(self.session, self.rm, drawdown, reason="撤回"))

    @precondition(lambda self: bool(self.active))
    @rule(which=st.integers(0, 20), share=st.sampled_from([D("0.3"), D("0.5"), D("1")]))
    def repay(self, which: int, share: Decimal) -> None:
        loan = self.session.get(Loan, self.active[which % len(self.active)])
        assert loan is not None
        amount = (loan_payoff(loan, self.today).total * share).quantize(D("0.01"))
        self._try(
            "repay",
            lambda: apply_repayment(
                self.session, self.rm, loan.id, amount=amount, paid_on=self.today
            ),
        )

    @rule(days=st.integers(0, 10), capital=st.sampled_from(REVISED))
    def time_passes(self, days: int, capital: str) -> None:
        """Days pass, and the bank's net capital may be revised (a setting): every
        concentration limit moves with it, down as well as up."""
        self.today += dt.timedelta(days=days)
        os.environ["SCF_BANK_NET_CAPITAL"] = capital

    # -- the invariant -----------------------------------------------------------------
    @invariant()
    def no_level_grows_over_its_limit(self) -> None:
        capital = D(os.environ["SCF_BANK_NET_CAPITAL"])
        now = used_and_limits(self.session, capital, self.today)
        grown_over = {
            level: (used, limit)
            for level, (used, limit) in now.items()
            if used > limit and used > self.before.get(level, (D(0), D(0)))[0]
        }
        assert grown_over == {}
        self.before = now
        self.pending = list(
            self.session.scalars(
                sa.select(Drawdown.id)
                .where(Drawdown.status == DrawdownStatus.PENDING)
                .order_by(Drawdown.id)
            )
        )
        self.active = list(
            self.session.scalars(
                sa.select(Loan.id).where(Loan.status == LoanStatus.ACTIVE).order_by(Loan.id)
            )
        )


def test_no_sequence_of_steps_draws_any_level_over_its_limit(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCF_BANK_NET_CAPITAL", NET_CAPITAL)
    with engine.connect() as connection, connection.begin() as outer:
        with sessionmaker(bind=connection, join_transaction_mode="create_savepoint")() as setup:
            world = small_world(setup)
            credit_facility(world, "supplier", programme_code="PG-CORE", amount=D("250000"))
            credit_facility(world, "firm_c", programme_code="PG-MKT", amount=D("250000"))
            setup.commit()
        LendingSteps.connection = connection
        run_state_machine_as_test(
            LendingSteps,
            settings=settings(max_examples=20, stateful_step_count=40, deadline=None),
        )
        outer.rollback()
