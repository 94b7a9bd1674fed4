"""Administering users, branches and assignments: the guards, and the audit of each change."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.auth.tokens import issue_token, user_for_token
from scf.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from scf.platform.models import AuditEntry, Market, Party, User
from scf.platform.models.enums import MarketKind, MarketStage, PartyKind, Role
from scf.platform.services.admin import assignments, queries, users

SYSTEM = Actor.system("test")
PASSWORD = "a-long-enough-password"


@pytest.fixture()
def world(db_session: Session) -> dict[str, Any]:
    """Two markets, one administrator, one relationship manager, two branches, one party."""
    markets = [
        Market(code=code, name=name, kind=MarketKind.PROFESSIONAL_MARKET, stage=MarketStage.MATURE)
        for code, name in (("M001", "钢材市场"), ("M002", "家居城"))
    ]
    db_session.add_all(markets)
    db_session.flush()
    admin = users.create_user(db_session, SYSTEM, username="boss", password=PASSWORD, role="admin")
    rm = users.create_user(
        db_session,
        SYSTEM,
        username="rm1",
        password=PASSWORD,
        role="relationship_manager",
        branch="唐山分行",
    )
    assignments.create_branch(db_session, SYSTEM, "保定分行")
    party = Party(kind=PartyKind.ENTERPRISE, uscc="91130281NDYJKPEW24", name="唐山康川矿业有限公司")
    db_session.add(party)
    db_session.flush()
    return {"admin": Actor.of(admin), "rm": rm, "party": party, "markets": markets}


def audit_of(session: Session, action: str) -> AuditEntry:
    entry = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None, f"no audit entry {action}"
    return entry


def test_only_administrators_manage_users(db_session: Session, world: dict[str, Any]) -> None:
    rm = Actor.of(world["rm"])
    with pytest.raises(Forbidden):
        users.create_user(db_session, rm, username="x", password=PASSWORD, role="admin")
    with pytest.raises(Forbidden):
        users.change_role(db_session, rm, "rm1", "admin")
    with pytest.raises(Forbidden):
        queries.list_users(db_session, rm)
    with pytest.raises(Forbidden):
        assignments.assign_party(
            db_session, rm, world["party"].uscc, relationship_manager="rm1", branch=None
        )


def test_change_role_to_market_administrator_needs_a_market_and_is_audited(
    db_session: Session, world: dict[str, Any]
) -> None:
    admin = world["admin"]
    with pytest.raises(ValidationFailed) as refused:
        users.change_role(db_session, admin, "rm1", "market_administrator")
    assert "market" in refused.value.errors
    users.change_role(db_session, admin, "rm1", "market_administrator", market_code="M002")
    entry = audit_of(db_session, "user.change_role")
    assert entry.actor == "boss"
    assert entry.before == {
        "username": "rm1",
        "display_name": "rm1",
        "role": "relationship_manager",
        "market": None,
        "branch": "唐山分行",
        "active": True,
    }
    assert entry.after is not None
    assert entry.after["role"] == "market_administrator" and entry.after["market"] == "M002"
    # Back to relationship manager: the market goes with the role.
    users.change_role(db_session, admin, "rm1", "relationship_manager")
    assert world["rm"].market_id is None


def test_assign_market_only_to_market_administrators(
    db_session: Session, world: dict[str, Any]
) -> None:
    admin = world["admin"]
    with pytest.raises(ValidationFailed):
        users.assign_market(db_session, admin, "rm1", "M001")
    users.create_user(
        db_session,
        admin,
        username="mkt",
        password=PASSWORD,
        role="market_administrator",
        market_code="M001",
    )
    second = world["markets"][1]
    moved = users.assign_market(db_session, admin, "mkt", str(second.id))  # by id works too
    assert moved.market_id == second.id
    entry = audit_of(db_session, "user.assign_market")
    assert entry.before is not None and entry.after is not None
    assert (entry.before["market"], entry.after["market"]) == ("M001", "M002")


def test_nobody_removes_the_last_administrator_or_acts_on_themselves(
    db_session: Session, world: dict[str, Any]
) -> None:
    admin = world["admin"]
    with pytest.raises(Conflict):
        users.set_active(db_session, admin, "boss", False)  # oneself
    with pytest.raises(Conflict):
        users.change_role(db_session, SYSTEM, "boss", "risk_officer")  # the last admin
    users.create_user(db_session, admin, username="boss2", password=PASSWORD, role="admin")
    users.change_role(db_session, SYSTEM, "boss", "risk_officer")  # now allowed
    with pytest.raises(Conflict):
        users.set_active(db_session, SYSTEM, "boss2", False)  # the last one again


def test_deactivation_and_password_reset_revoke_tokens(
    db_session: Session, world: dict[str, Any]
) -> None:
    admin, rm = world["admin"], world["rm"]
    token, _ = issue_token(db_session, rm, 12)
    db_session.flush()
    assert user_for_token(db_session, token) is rm
    users.reset_password(db_session, admin, "rm1", "another-long-password")
    assert user_for_token(db_session, token) is None
    entry = audit_of(db_session, "user.reset_password")
    assert entry.after == {"username": "rm1", "tokens_revoked": 1}
    assert "password" not in str(entry.before) and PASSWORD not in str(entry.after)
    token, _ = issue_token(db_session, rm, 12)
    users.set_active(db_session, admin, "rm1", False)
    assert user_for_token(db_session, token) is None
    assert audit_of(db_session, "user.deactivate").after == {
        **queries.user_record(db_session, rm),
        "active": False,
    }


def test_short_password_is_refused_naming_the_field(
    db_session: Session, world: dict[str, Any]
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        users.reset_password(db_session, world["admin"], "rm1", "short")
    assert "password" in refused.value.errors


def test_unknown_user_is_not_found(db_session: Session, world: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        users.set_active(db_session, world["admin"], "ghost", False)


def test_branches_are_created_renamed_and_audited(
    db_session: Session, world: dict[str, Any]
) -> None:
    admin = world["admin"]
    with pytest.raises(Conflict):
        assignments.create_branch(db_session, admin, "保定分行")
    with pytest.raises(ValidationFailed):
        assignments.create_branch(db_session, admin, "   ")
    assignments.rename_branch(db_session, admin, "保定分行", "保定中心支行")
    entry = audit_of(db_session, "branch.rename")
    assert (entry.before, entry.after) == ({"name": "保定分行"}, {"name": "保定中心支行"})
    names = [b.branch.name for b in queries.list_branches(db_session, admin)]
    assert names == sorted(["唐山分行", "保定中心支行"])


def test_party_assignment_checks_the_manager_and_records_before_and_after(
    db_session: Session, world: dict[str, Any]
) -> None:
    admin, uscc = world["admin"], world["party"].uscc
    with pytest.raises(ValidationFailed) as refused:
        assignments.assign_party(
            db_session, admin, uscc, relationship_manager="boss", branch="nowhere"
        )
    assert set(refused.value.errors) == {"relationship_manager", "branch"}
    assignments.assign_party(db_session, admin, uscc, relationship_manager="rm1", branch="唐山分行")
    entry = audit_of(db_session, "party.assign")
    assert entry.before == {"uscc": uscc, "relationship_manager": None, "branch": None}
    assert entry.after == {"uscc": uscc, "relationship_manager": "rm1", "branch": "唐山分行"}
    # The manager now sees the party (access.party_filter: assigned to them).
    from scf.platform.auth.access import visible_party

    assert visible_party(db_session, Actor.of(world["rm"]), uscc) is world["party"]
    count = db_session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    assignments.assign_party(db_session, admin, uscc, relationship_manager="rm1", branch="唐山分行")
    assert db_session.scalar(sa.select(sa.func.count(AuditEntry.id))) == count  # no change


def test_user_list_is_by_role_then_name(db_session: Session, world: dict[str, Any]) -> None:
    listed = [(u.role, u.username) for u in queries.list_users(db_session, world["admin"])]
    assert listed == sorted(listed)
    assert {u for _, u in listed} == {"boss", "rm1"}
    assert db_session.scalar(
        sa.select(User.password_hash).where(User.username == "rm1")
    ).startswith("$argon2id$")


def test_unknown_role_names_the_roles(db_session: Session, world: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        users.change_role(db_session, world["admin"], "rm1", "king")
    assert "relationship_manager" in refused.value.errors["role"][0]
    assert Role.ADMIN.value in refused.value.errors["role"][0]
