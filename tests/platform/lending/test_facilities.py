"""Granting facilities: the engine fixes the amount, maker-checker with tiered authority."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from scf.platform.demo.lending_world import AS_OF, World
from scf.platform.errors import Conflict, Forbidden, NotFound, RuleRefused, ValidationFailed
from scf.platform.models import Approval, AuditEntry
from scf.platform.models.enums import CollateralKind, FacilityStatus, Role
from scf.platform.services.lending.facilities import (
    approve_facility,
    propose_limit_change,
    resubmit_facility,
    send_back_facility,
)
from scf.platform.services.lending.facility_status import set_facility_status

D = Decimal


def failed(error: RuleRefused) -> set[str]:
    return {r["id"] for r in error.errors["rules"]}


def test_proposal_is_granted_the_lowest_candidate_and_waits_for_approval(world: World) -> None:
    # requested 2,000,000 < R 3,500,000 < programme remaining 10,000,000 → requested binds
    facility = world.propose(amount=D("2000000"))
    assert facility.status is FacilityStatus.PROPOSED
    assert facility.limit_amount == D("2000000.00")
    assert facility.decision["granted"]["binding"] == "requested"
    assert facility.decision["tier"] == "key_supported"
    assert facility.policy_version and facility.policy_version.startswith("hebei-2012@")
    steps = world.session.scalars(sa.select(Approval).where(Approval.facility_id == facility.id))
    assert [(a.action, a.actor_id) for a in steps] == [("propose", world.users["rm"].id)]


def test_a_request_above_the_reference_limit_is_cut_to_it(world: World) -> None:
    # R = min(10,000,000 × 0.35, 6,000,000 × 0.70) − 0 = 3,500,000 (see world.py)
    facility = world.propose(amount=D("5000000"))
    assert facility.limit_amount == D("3500000.00")
    assert facility.decision["granted"]["binding"] == "reference_limit"


def test_a_credit_loan_only_for_key_supported_firms(world: World) -> None:
    # the dealer's debt ratio is 4,000,000 / 8,000,000 = 50%, not below 50% → normal tier
    with pytest.raises(RuleRefused) as refused:
        world.propose(
            party_uscc=world.parties["dealer"].uscc,
            product="credit",
            repayment_method="equal_principal",
            programme_code=None,
            registered_and_operating_locally=True,
        )
    assert failed(refused.value) == {"credit_loan_key_supported"}
    assert "[003 §六(六)]" in str(refused.value)


def test_a_credit_loan_is_capped_and_must_amortise(world: World) -> None:
    with pytest.raises(RuleRefused) as refused:
        world.propose(product="credit", programme_code=None, registered_and_operating_locally=True)
    assert failed(refused.value) == {"credit_loan_amortising"}, "bullet is refused"
    facility = world.propose(
        product="credit",
        programme_code=None,
        repayment_method="equal_instalment",
        registered_and_operating_locally=True,
    )
    # min(R 3,500,000, requested 2,000,000, credit cap 1,000,000) = 1,000,000
    assert (facility.limit_amount, facility.decision["granted"]["binding"]) == (
        D("1000000.00"),
        "product_cap",
    )


def test_weak_collateral_alone_is_refused_by_the_guarantee_mix(world: World) -> None:
    world.collateral(
        "M1",
        CollateralKind.MACHINERY,
        "3000000",
        "dealer",
        purchase_date=dt.date(2025, 6, 1),
        newness=D("0.80"),
        unit_value=D("300000"),
        general_purpose=True,
    )
    with pytest.raises(RuleRefused) as refused:
        world.propose(
            party_uscc=world.parties["dealer"].uscc,
            product="revolving",
            programme_code=None,
            collateral_codes=("M1",),
        )
    assert {"weak_guarantee_not_alone", "revolving_strong_guarantee"} <= failed(refused.value)
    # the dealer is not key-supported, so even a mix with strong collateral is refused
    assert "combined_guarantee_key_supported_only" in failed(refused.value)


def test_a_mortgage_is_granted_no_more_than_the_collateral_supports(world: World) -> None:
    # commercial property 2,000,000 × 60% (assumed rate) = 1,200,000 < requested 2,000,000
    world.collateral(
        "RE1", CollateralKind.REAL_ESTATE, "2000000", "supplier", real_estate_use="commercial"
    )
    facility = world.propose(
        product="mortgage", programme_code=None, revolving=False, collateral_codes=("RE1",)
    )
    assert (facility.limit_amount, facility.decision["granted"]["binding"]) == (
        D("1200000.00"),
        "collateral_support",
    )
    with pytest.raises(RuleRefused) as refused:
        world.propose(product="mortgage", programme_code=None, collateral_codes=("RE1",))
    assert failed(refused.value) == {"collateral_not_pledged_elsewhere"}


def test_approval_activates_and_records_both_steps_in_the_audit_log(world: World) -> None:
    facility = world.propose()
    approve_facility(world.session, world.actor("supervisor_level"), facility.id, on=AS_OF)
    assert facility.status is FacilityStatus.ACTIVE
    assert facility.approved_by_id == world.users["supervisor_level"].id
    entries = world.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.entity_id == str(facility.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["facility.propose", "facility.approve"]
    assert entries[1].before and entries[1].before["status"] == "proposed"
    assert entries[1].after and entries[1].after["status"] == "active"


def test_nobody_approves_their_own_proposal(world: World) -> None:
    facility = world.propose(by="rm_with_level")
    promoted = world.users["rm_with_level"]
    promoted.role = Role.RISK_OFFICER  # promoted after proposing: still the maker
    with pytest.raises(RuleRefused) as refused:
        approve_facility(world.session, world.actor("rm_with_level"), facility.id, on=AS_OF)
    assert failed(refused.value) == {"approver_is_not_proposer"}
    assert facility.status is FacilityStatus.PROPOSED


@pytest.mark.parametrize("who", ["rm2", "mkt", "admin", "risk_no_level"])
def test_only_a_risk_officer_with_authority_approves(world: World, who: str) -> None:
    facility = world.propose()
    expected = RuleRefused if who == "risk_no_level" else Forbidden
    with pytest.raises(expected):
        approve_facility(world.session, world.actor(who), facility.id, on=AS_OF)


def test_authority_is_measured_on_the_borrowers_total_limits(world: World) -> None:
    # supervisor: 5,000,000 for self-liquidating products (assumed). First facility
    # 2,000,000 approved; the second, 3,500,000, makes 5,500,000 in total → too much.
    world.grant(amount=D("2000000"), approver="supervisor_level")
    second = world.propose(amount=D("3500000"))
    with pytest.raises(RuleRefused) as refused:
        approve_facility(world.session, world.actor("supervisor_level"), second.id, on=AS_OF)
    assert failed(refused.value) == {"approval_within_authority"}
    assert "branch_risk_director" in str(refused.value)
    approve_facility(world.session, world.actor("director"), second.id, on=AS_OF)
    assert second.status is FacilityStatus.ACTIVE


def test_send_back_needs_a_reason_and_the_resubmission_runs_the_engine_again(
    world: World,
) -> None:
    facility = world.propose(amount=D("3000000"))
    with pytest.raises(ValidationFailed) as missing:
        send_back_facility(world.session, world.actor("director"), facility.id, comment=" ")
    assert "comment" in missing.value.errors
    send_back_facility(world.session, world.actor("director"), facility.id, comment="额度过高")
    assert facility.status is FacilityStatus.SENT_BACK
    with pytest.raises(Conflict):
        approve_facility(world.session, world.actor("director"), facility.id, on=AS_OF)
    resubmit_facility(
        world.session, world.actor("rm"), facility.id, amount=D("1500000"), as_of=AS_OF
    )
    assert (facility.status, facility.limit_amount) == (FacilityStatus.PROPOSED, D("1500000.00"))
    approve_facility(world.session, world.actor("director"), facility.id, on=AS_OF)
    actions = [
        a.action
        for a in world.session.scalars(
            sa.select(Approval).where(Approval.facility_id == facility.id).order_by(Approval.id)
        )
    ]
    assert actions == ["propose", "send_back", "resubmit", "approve"]


def test_a_limit_change_applies_only_once_approved(world: World) -> None:
    facility = world.grant(amount=D("2000000"))
    propose_limit_change(
        world.session, world.actor("rm"), facility.id, amount=D("3000000"), as_of=AS_OF
    )
    assert facility.limit_amount == D("2000000.00"), "not before approval"
    with pytest.raises(Conflict):
        propose_limit_change(
            world.session, world.actor("rm"), facility.id, amount=D("2500000"), as_of=AS_OF
        )
    approve_facility(world.session, world.actor("director"), facility.id, on=AS_OF)
    assert facility.limit_amount == D("3000000.00")


@pytest.mark.parametrize("who", ["mkt", "admin", "supervisor_level"])
def test_only_relationship_managers_propose(world: World, who: str) -> None:
    with pytest.raises(Forbidden):
        world.propose(by=who)


def test_a_relationship_manager_cannot_propose_for_a_party_they_do_not_see(world: World) -> None:
    with pytest.raises(NotFound):
        world.propose(by="rm_far")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": D("0")}, "amount"),
        ({"amount": D("-1")}, "amount"),
        ({"end_date": dt.date(2026, 10, 1)}, "end_date"),
        ({"product": "payday"}, "product"),
        ({"programme_code": "NOPE"}, "programme"),
        ({"collateral_codes": ("C404",)}, "collateral"),
    ],
)
def test_bad_proposals_name_the_field(world: World, change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        world.propose(**change)
    assert field in refused.value.errors


def test_freeze_unfreeze_close(world: World) -> None:
    facility = world.grant()
    set_facility_status(world.session, world.actor("rm"), facility.id, "frozen", reason="逾期")
    assert facility.status is FacilityStatus.FROZEN
    with pytest.raises(Conflict):
        set_facility_status(world.session, world.actor("rm"), facility.id, "frozen", reason="x")
    set_facility_status(world.session, world.actor("director"), facility.id, "active", reason="ok")
    set_facility_status(world.session, world.actor("rm"), facility.id, "closed", reason="结清")
    assert facility.status is FacilityStatus.CLOSED
    with pytest.raises(Forbidden):
        set_facility_status(world.session, world.actor("mkt"), facility.id, "frozen", reason="x")


def test_joint_guarantee_members_share_the_group_limit(world: World) -> None:
    from scf.platform.models import JointGuaranteeGroup
    from scf.platform.models.enums import RelationshipKind
    from scf.platform.models.network import Relationship

    group = JointGuaranteeGroup(code="G1", name="联保小组", total_limit=D("3000000"))
    world.session.add(group)
    world.session.flush()
    world.session.add(
        Relationship(
            kind=RelationshipKind.MEMBER_OF_GROUP,
            source_party_id=world.parties["supplier"].id,
            target_group_id=group.id,
        )
    )
    world.session.flush()
    kw = dict(
        product="joint_guarantee",
        programme_code=None,
        group_code="G1",
        repayment_method="equal_principal",
    )
    with pytest.raises(RuleRefused) as refused:
        world.propose(**{**kw, "repayment_method": "bullet"})
    assert failed(refused.value) == {"group_repays_in_instalments"}
    with pytest.raises(RuleRefused) as refused:
        world.propose(**{**kw, "party_uscc": world.parties["dealer"].uscc})
    assert failed(refused.value) == {"borrower_in_joint_guarantee_group"}
    first = world.propose(**kw)
    assert first.limit_amount == D("2000000.00")
    # the group's 3,000,000 less the 2,000,000 already proposed leaves 1,000,000
    second = world.propose(**kw)
    assert (second.limit_amount, second.decision["granted"]["binding"]) == (
        D("1000000.00"),
        "joint_group_remaining",
    )
    with pytest.raises(RuleRefused) as refused:  # nothing left in the group
        world.propose(**kw)
    assert failed(refused.value) == {"granted_amount_positive"}


def test_two_small_firms_may_not_guarantee_each_other(world: World) -> None:
    from scf.platform.models.enums import RelationshipKind

    # the dealer already guarantees the supplier; now the supplier would guarantee the
    # dealer's facility back. Both are small (supplier 80 staff, 10,000,000 revenue in
    # manufacturing; dealer 30 staff, 30,000,000 in wholesale) [003 §七(二)5]; a small
    # enterprise is no eligible guarantor either [003 §七(二)1]
    world.edge(
        RelationshipKind.GUARANTEES,
        world.parties["dealer"],
        world.parties["supplier"],
        amount=D("500000"),
    )
    with pytest.raises(RuleRefused) as refused:
        world.propose(
            party_uscc=world.parties["dealer"].uscc,
            product="goods_pledge",
            programme_code=None,
            guarantees=((world.parties["supplier"].uscc, "enterprise", D("500000")),),
        )
    assert failed(refused.value) == {
        "no_mutual_guarantee_between_small_firms",
        "guarantor_large_or_medium",
    }


def test_a_guarantee_company_makes_a_guarantee_strong(world: World) -> None:
    # revolving needs a strong guarantee [003 §六(七)]: a professional guarantee company is one
    facility = world.propose(
        product="revolving",
        programme_code=None,
        guarantees=((world.parties["guarantee_co"].uscc, "guarantee_company", D("2000000")),),
    )
    assert facility.status is FacilityStatus.PROPOSED
    assert [g.kind.value for g in facility.guarantees] == ["guarantee_company"]


def test_market_programme_membership_is_by_the_market_edge(world: World) -> None:
    import datetime as dt

    from scf.platform.models import Programme, Relationship
    from scf.platform.models.enums import ProgrammeKind, RelationshipKind
    from scf.platform.services.lending.granting import in_programme

    assert world.market is not None
    market_programme = Programme(
        code="PG-MKT",
        kind=ProgrammeKind.MARKET,
        market_id=world.market.id,
        name="商圈",
        cap=D("5000000"),
        valid_from=dt.date(2025, 1, 1),
    )
    world.session.add(market_programme)
    dealer = world.parties["dealer"]
    assert not in_programme(world.session, dealer, market_programme, AS_OF)
    world.session.add(
        Relationship(
            kind=RelationshipKind.MEMBER_OF_MARKET,
            source_party_id=dealer.id,
            target_market_id=world.market.id,
            valid_from=dt.date(2025, 1, 1),
        )
    )
    world.session.flush()
    assert in_programme(world.session, dealer, market_programme, AS_OF)
    assert world.programme is not None
    assert in_programme(world.session, dealer, world.programme, AS_OF)  # distributes for core


def test_a_proposal_without_a_rate_is_priced_by_the_formula_from_its_tier(world: World) -> None:
    """The supplier: rating BBB → credit-grade 0.55; key-supported (growing, 40% debt,
    chain member) → prospect good 0.50; not main bank → contribution low 1.00; a receivable
    pledge with no guarantee → unsecured 1.00 [000 第8篇, assumed tables].
    4.86% × (1 + 0.55×0.15 + 1.00×0.25 + 1.00×0.25 + 0.50×0.35) = 4.86% × 1.7575
    = 8.54145%, stored to six places half-up: 0.085415."""
    facility = world.propose(rate_annual=None)
    assert facility.rate_annual == Decimal("0.085415")
    pricing = facility.decision["pricing"]
    assert pricing["coefficients"] == {
        "credit_grade": "0.55",
        "guarantee": "1.00",
        "contribution": "1.00",
        "prospect": "0.50",
    }
    assert set(pricing["derived"]) == {"contribution", "prospect"}


@pytest.mark.parametrize(
    ("amount", "refused"),
    [("2000000", False), ("2000000.01", True)],
    ids=["exactly_capacity_passes", "one_fen_over_is_refused"],
)
def test_a_guarantor_over_its_capacity_is_refused_as_guarantor(
    world: World, amount: str, refused: bool
) -> None:
    """The guarantee company's net assets are 1,500,000 − 1,300,000 = 200,000; it may
    stand behind 10 × that = 2,000,000 (network.yaml, assumed) and guarantees nothing yet
    [DOMAIN §9]."""
    world.snapshot(
        world.parties["guarantee_co"],
        total_assets=D("1500000"),
        total_liabilities=D("1300000"),
        rating=None,
    )
    proposal = dict(
        product="revolving",
        programme_code=None,
        guarantees=((world.parties["guarantee_co"].uscc, "guarantee_company", D(amount)),),
    )
    if not refused:
        assert world.propose(**proposal).status is FacilityStatus.PROPOSED
        return
    with pytest.raises(RuleRefused) as error:
        world.propose(**proposal)
    assert failed(error.value) == {"guarantor_within_capacity"}
    assert "2000000.01" in str(error.value) and "2000000.00" in str(error.value)
