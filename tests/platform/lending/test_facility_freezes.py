"""Freezes that roles cannot undo for each other (issue 12, finding 3).

The rule: a freeze records who froze, in which role, when and why. A relationship
manager's freeze is lifted in one step by a relationship manager who sees the facility
or by a risk officer. Every other freeze — a risk officer's, the system's, or one from
before freezes were recorded — is lifted only by two risk officers: one proposes the
unfreeze, another approves it (maker-checker); until then the facility stays frozen.
A risk officer freezing a facility a relationship manager froze takes the freeze over.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from scf.platform.auth.access import Actor
from scf.platform.demo.lending_world import World
from scf.platform.errors import Conflict, Forbidden
from scf.platform.models import AuditEntry, Facility
from scf.platform.models.enums import FacilityStatus, Role
from scf.platform.services.lending.facility_status import (
    approve_unfreeze,
    decline_unfreeze,
    propose_unfreeze,
    set_facility_status,
)
from scf.platform.services.lending.freezes import freeze_view


def _frozen_by(world: World, who: str) -> Facility:
    facility = world.grant()
    set_facility_status(world.session, world.actor(who), facility.id, "frozen", reason="逾期42天")
    return facility


def _audit(world: World, facility: Facility) -> list[tuple[str, str, dict[str, object]]]:
    rows = world.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.entity_type == "facility", AuditEntry.entity_id == str(facility.id))
        .order_by(AuditEntry.id)
    )
    return [(e.action, e.actor, e.context) for e in rows]


def test_a_freeze_records_who_froze_in_which_role_and_why(world: World) -> None:
    facility = _frozen_by(world, "director")
    freeze = freeze_view(world.session, facility)
    assert freeze is not None
    assert (freeze.frozen_by, freeze.role, freeze.reason) == (
        "director",
        Role.RISK_OFFICER,
        "逾期42天",
    )
    assert freeze.frozen_at is not None and freeze.needs_two_risk_officers
    assert freeze.unfreeze is None


def test_a_relationship_manager_cannot_lift_a_risk_officers_freeze(world: World) -> None:
    facility = _frozen_by(world, "director")
    with pytest.raises(Forbidden) as refused:
        set_facility_status(world.session, world.actor("rm"), facility.id, "active", reason="已还")
    assert "风险经理" in str(refused.value)
    with pytest.raises(Forbidden):
        propose_unfreeze(world.session, world.actor("rm"), facility.id, reason="已还")
    assert facility.status is FacilityStatus.FROZEN


def test_a_risk_officers_freeze_is_lifted_by_a_second_risk_officer_only(world: World) -> None:
    facility = _frozen_by(world, "director")
    # the first "active" from a risk officer is a proposal: the facility stays frozen
    set_facility_status(
        world.session, world.actor("supervisor_level"), facility.id, "active", reason="已结清逾期"
    )
    assert facility.status is FacilityStatus.FROZEN
    pending = freeze_view(world.session, facility)
    assert pending is not None and pending.unfreeze is not None
    assert (pending.unfreeze.proposed_by, pending.unfreeze.reason) == (
        "supervisor_level",
        "已结清逾期",
    )
    # nobody approves their own proposal
    with pytest.raises(Forbidden):
        approve_unfreeze(world.session, world.actor("supervisor_level"), facility.id, comment="ok")
    with pytest.raises(Forbidden):
        approve_unfreeze(world.session, world.actor("rm"), facility.id, comment="ok")
    assert facility.status is FacilityStatus.FROZEN
    # another risk officer (here the one who froze) approves: active, freeze cleared
    set_facility_status(
        world.session, world.actor("director"), facility.id, "active", reason="同意"
    )
    assert facility.status is FacilityStatus.ACTIVE
    assert freeze_view(world.session, facility) is None


def test_each_step_of_a_freeze_and_its_lifting_is_audited(world: World) -> None:
    facility = _frozen_by(world, "director")
    propose_unfreeze(world.session, world.actor("supervisor_level"), facility.id, reason="已还清")
    approve_unfreeze(world.session, world.actor("risk_no_level"), facility.id, comment="核实无误")
    steps = [(action, actor) for action, actor, _ in _audit(world, facility)]
    assert steps[-3:] == [
        ("facility.frozen", "director"),
        ("facility.unfreeze_proposed", "supervisor_level"),
        ("facility.unfreeze_approved", "risk_no_level"),
    ]
    contexts = [context for _, _, context in _audit(world, facility)][-3:]
    assert contexts[0]["reason"] == "逾期42天" and contexts[0]["role"] == "risk_officer"
    assert contexts[1]["reason"] == "已还清"
    assert contexts[2]["comment"] == "核实无误"
    assert contexts[2]["proposed_by"] == "supervisor_level"


def test_a_declined_unfreeze_leaves_the_facility_frozen_and_may_be_proposed_again(
    world: World,
) -> None:
    facility = _frozen_by(world, "director")
    propose_unfreeze(world.session, world.actor("supervisor_level"), facility.id, reason="已还清")
    with pytest.raises(Conflict):
        propose_unfreeze(world.session, world.actor("director"), facility.id, reason="再提")
    with pytest.raises(Forbidden):
        decline_unfreeze(world.session, world.actor("rm"), facility.id, comment="不同意")
    decline_unfreeze(world.session, world.actor("director"), facility.id, comment="尚有逾期")
    freeze = freeze_view(world.session, facility)
    assert facility.status is FacilityStatus.FROZEN
    assert freeze is not None and freeze.unfreeze is None and freeze.frozen_by == "director"
    assert _audit(world, facility)[-1][:2] == ("facility.unfreeze_declined", "director")
    propose_unfreeze(world.session, world.actor("director"), facility.id, reason="已结清")
    approve_unfreeze(world.session, world.actor("supervisor_level"), facility.id, comment="")
    assert facility.status is FacilityStatus.ACTIVE
    with pytest.raises(Conflict):  # nothing awaits approval on an active facility
        approve_unfreeze(world.session, world.actor("risk_no_level"), facility.id, comment="")


def test_a_relationship_managers_freeze_is_lifted_in_one_step(world: World) -> None:
    facility = _frozen_by(world, "rm")
    freeze = freeze_view(world.session, facility)
    assert freeze is not None and not freeze.needs_two_risk_officers
    set_facility_status(world.session, world.actor("rm2"), facility.id, "active", reason="已还")
    assert facility.status is FacilityStatus.ACTIVE
    facility_two = _frozen_by(world, "rm")
    set_facility_status(
        world.session, world.actor("director"), facility_two.id, "active", reason="x"
    )
    assert facility_two.status is FacilityStatus.ACTIVE


def test_a_risk_officer_takes_over_a_relationship_managers_freeze(world: World) -> None:
    """Otherwise a relationship manager could freeze first, to lift it after the risk
    officer's freeze was refused as a repeat."""
    facility = _frozen_by(world, "rm")
    set_facility_status(
        world.session, world.actor("director"), facility.id, "frozen", reason="风险预警"
    )
    freeze = freeze_view(world.session, facility)
    assert freeze is not None and (freeze.frozen_by, freeze.reason) == ("director", "风险预警")
    with pytest.raises(Forbidden):
        set_facility_status(world.session, world.actor("rm"), facility.id, "active", reason="x")
    with pytest.raises(Conflict):  # a relationship manager does not take back a risk freeze
        set_facility_status(world.session, world.actor("rm"), facility.id, "frozen", reason="x")


@pytest.mark.parametrize("who", ["system", "unrecorded"])
def test_a_freeze_by_the_system_or_from_before_the_record_needs_two_risk_officers(
    world: World, who: str
) -> None:
    facility = world.grant()
    if who == "system":
        set_facility_status(world.session, Actor.system(), facility.id, "frozen", reason="任务")
    else:  # frozen before freezes were recorded (the demo's F0223, F0244)
        facility.status = FacilityStatus.FROZEN
        world.session.flush()
    freeze = freeze_view(world.session, facility)
    assert freeze is not None and freeze.needs_two_risk_officers
    with pytest.raises(Forbidden):
        set_facility_status(world.session, world.actor("rm"), facility.id, "active", reason="x")
    with pytest.raises(Forbidden):  # maker-checker needs named users
        set_facility_status(world.session, Actor.system(), facility.id, "active", reason="x")
    propose_unfreeze(world.session, world.actor("director"), facility.id, reason="核实")
    approve_unfreeze(world.session, world.actor("supervisor_level"), facility.id, comment="同意")
    assert facility.status is FacilityStatus.ACTIVE


def test_closing_a_frozen_facility_clears_its_freeze(world: World) -> None:
    facility = _frozen_by(world, "director")
    propose_unfreeze(world.session, world.actor("supervisor_level"), facility.id, reason="已还清")
    set_facility_status(world.session, world.actor("rm"), facility.id, "closed", reason="结清")
    assert facility.status is FacilityStatus.CLOSED
    assert freeze_view(world.session, facility) is None
    with pytest.raises(Conflict):
        approve_unfreeze(world.session, world.actor("director"), facility.id, comment="")
