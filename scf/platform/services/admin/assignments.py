"""Branches and who looks after which party (relationship-manager assignment).

A relationship manager sees the parties assigned to them and those of their branch
(``scf.platform.auth.access.party_filter``), so these assignments are access
decisions: only administrators make them, and each is audited with before and after.
Listing branches and reading assignments is ``admin.queries``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, require_role
from scf.platform.auth.not_found import not_found
from scf.platform.errors import Conflict, ValidationFailed
from scf.platform.models import Branch, Party, User
from scf.platform.models.enums import Role
from scf.platform.services import audit
from scf.platform.services.admin.queries import party_assignment
from scf.platform.services.unit_of_work import use_case


def _branch_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed(
            "name (分行名称): 必填，最多100字符 (required, at most 100 characters)",
            errors={"name": ["必填，最多100字符 (required, at most 100 characters)"]},
        )
    return name


def find_branch(session: Session, name: str) -> Branch:
    branch = session.scalar(sa.select(Branch).where(Branch.name == name.strip()))
    if branch is None:
        raise not_found("branch", name)
    return branch


@use_case
def create_branch(session: Session, actor: Actor, name: str) -> Branch:
    require_role(actor, Role.ADMIN)
    name = _branch_name(name)
    if session.scalar(sa.select(Branch.id).where(Branch.name == name)) is not None:
        raise Conflict(f"分行已存在 (branch exists): {name}")
    branch = Branch(name=name)
    session.add(branch)
    session.flush()
    audit.record(session, actor, "branch.create", "branch", branch.id, after={"name": name})
    return branch


@use_case
def rename_branch(session: Session, actor: Actor, old_name: str, new_name: str) -> Branch:
    require_role(actor, Role.ADMIN)
    branch = find_branch(session, old_name)
    new_name = _branch_name(new_name)
    if new_name == branch.name:
        return branch
    if session.scalar(sa.select(Branch.id).where(Branch.name == new_name)) is not None:
        raise Conflict(f"分行已存在 (branch exists): {new_name}")
    before = {"name": branch.name}
    branch.name = new_name
    session.flush()
    audit.record(
        session,
        actor,
        "branch.rename",
        "branch",
        branch.id,
        before=before,
        after={"name": new_name},
    )
    return branch


@use_case
def assign_party(
    session: Session,
    actor: Actor,
    uscc: str,
    *,
    relationship_manager: str | None,
    branch: str | None,
) -> Party:
    """Set the party's relationship manager and branch (``None`` or "" clears one).

    The manager must be an active relationship manager; the branch must exist.
    """
    require_role(actor, Role.ADMIN)
    party = session.scalar(sa.select(Party).where(Party.uscc == uscc))
    if party is None:
        raise not_found("party", uscc)
    errors: dict[str, list[str]] = {}
    manager = None
    if relationship_manager:
        manager = session.scalar(sa.select(User).where(User.username == relationship_manager))
        if manager is None or manager.role is not Role.RELATIONSHIP_MANAGER or not manager.active:
            errors["relationship_manager"] = [
                f"{relationship_manager} 不是有效的客户经理 (not an active relationship manager)"
            ]
    branch_row = None
    if branch:
        branch_row = session.scalar(sa.select(Branch).where(Branch.name == branch.strip()))
        if branch_row is None:
            errors["branch"] = [f"未找到分行 (branch not found): {branch}"]
    if errors:
        raise ValidationFailed("分配有误 (invalid assignment)", errors=errors)
    before = party_assignment(session, party)
    party.relationship_manager_id = manager.id if manager else None
    party.branch_id = branch_row.id if branch_row else None
    session.flush()
    after = party_assignment(session, party)
    if after != before:
        audit.record(
            session,
            actor,
            "party.assign",
            "party",
            party.id,
            before={"uscc": uscc, **before},
            after={"uscc": uscc, **after},
        )
    return party
