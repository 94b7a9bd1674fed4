"""Administration (administrators only): users and roles, branches, market assignments of
market administrators, relationship-manager assignment of parties, the audit log.

Each form posts to a few lines that call one use case in ``admin.users`` or
``admin.assignments``; the use case checks the role, validates, audits and commits
(one unit of work). A refusal is shown as a message and nothing is written. The pages
read through ``admin.queries``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from scf.platform.auth.access import require_role, visible_party
from scf.platform.errors import ScfError
from scf.platform.models import AuditEntry, Branch, Market
from scf.platform.models.enums import Role
from scf.platform.services.admin import assignments, queries, users
from scf.platform.services.parties.queries import list_parties
from scf.platform.web.pages import page_arg, with_total
from scf.platform.web_session import db_session

bp = Blueprint("admin", __name__, url_prefix="/admin")
HISTORY = 20  # changes shown on a user's or a party's page


@bp.before_request
def _admins_only() -> None:
    require_role(g.actor, Role.ADMIN)


def _apply(change: Callable[[], object], done: str, back: str) -> Any:
    """Run one use case; say that it was done, or why nothing was written."""
    try:
        change()
    except ScfError as error:
        details = "; ".join(
            f"{field}: {', '.join(map(str, problems))}" for field, problems in error.errors.items()
        )
        flash(f"{error}" + (f" — {details}" if details else ""), "error")
    else:
        flash(done, "success")
    return redirect(back)


def _apply_to_user(username: str, change: Callable[..., object], *args: Any, done: str) -> Any:
    """Run ``change(session, actor, username, *args)`` and go back to the user's page."""
    return _apply(
        lambda: change(db_session(), g.actor, username, *args),
        done,
        url_for("admin.user", username=username),
    )


def _history(entity_type: str, entity_id: int) -> list[AuditEntry]:
    """The latest changes to one user or party, for its page."""
    _total, entries = queries.list_entries(
        db_session(), g.actor, entity_type=entity_type, entity_id=str(entity_id), limit=HISTORY
    )
    return entries


def _choices() -> dict[str, Any]:
    session = db_session()
    return {
        "roles": [r.value for r in Role],
        "markets": list(session.scalars(sa.select(Market).order_by(Market.code))),
        "branches": list(session.scalars(sa.select(Branch).order_by(Branch.name))),
    }


@bp.route("/users", endpoint="users")
def users_page() -> Any:
    session = db_session()
    rows = [(u, queries.user_record(session, u)) for u in queries.list_users(session, g.actor)]
    return render_template("admin/users.html", rows=rows, **_choices())


@bp.route("/users", methods=["POST"])
def create_user() -> Any:
    form = request.form
    if form.get("password", "") != form.get("password_confirm", ""):
        flash(_("两次输入的密码不一致。"), "error")
        return redirect(url_for("admin.users"))
    return _apply(
        lambda: users.create_user(
            db_session(),
            g.actor,
            username=form.get("username", ""),
            password=form.get("password", ""),
            role=form.get("role", ""),
            display_name=form.get("display_name") or None,
            market_code=form.get("market") or None,
            branch=form.get("branch") or None,
        ),
        _("已创建用户 %(name)s。", name=form.get("username", "")),
        url_for("admin.users"),
    )


@bp.route("/users/<username>")
def user(username: str) -> Any:
    session = db_session()
    found = queries.find_user(session, username)
    return render_template(
        "admin/user.html",
        user=found,
        record=queries.user_record(session, found),
        history=_history("user", found.id),
        **_choices(),
    )


@bp.route("/users/<username>/role", methods=["POST"])
def change_role(username: str) -> Any:
    role, market = request.form.get("role", ""), request.form.get("market") or None
    return _apply(
        lambda: users.change_role(db_session(), g.actor, username, role, market_code=market),
        _("已更改 %(name)s 的角色。", name=username),
        url_for("admin.user", username=username),
    )


@bp.route("/users/<username>/market", methods=["POST"])
def assign_market(username: str) -> Any:
    market = request.form.get("market", "")
    done = _("已为 %(name)s 分配市场。", name=username)
    return _apply_to_user(username, users.assign_market, market, done=done)


@bp.route("/users/<username>/branch", methods=["POST"])
def assign_branch(username: str) -> Any:
    branch = request.form.get("branch") or None
    done = _("已更改 %(name)s 的分行。", name=username)
    return _apply_to_user(username, users.assign_branch, branch, done=done)


@bp.route("/users/<username>/active", methods=["POST"])
def set_active(username: str) -> Any:
    active = request.form.get("active") == "1"
    done = (
        _("已启用 %(name)s。", name=username) if active else _("已停用 %(name)s。", name=username)
    )
    return _apply_to_user(username, users.set_active, active, done=done)


@bp.route("/users/<username>/password", methods=["POST"])
def reset_password(username: str) -> Any:
    form = request.form
    if form.get("password", "") != form.get("password_confirm", ""):
        flash(_("两次输入的密码不一致。"), "error")
        return redirect(url_for("admin.user", username=username))
    done = _("已重置 %(name)s 的密码，其会话和令牌均已失效。", name=username)
    return _apply_to_user(username, users.reset_password, form.get("password", ""), done=done)


@bp.route("/branches")
def branches() -> Any:
    return render_template(
        "admin/branches.html", branches=queries.list_branches(db_session(), g.actor)
    )


@bp.route("/branches", methods=["POST"])
def create_branch() -> Any:
    name = request.form.get("name", "")
    return _apply(
        lambda: assignments.create_branch(db_session(), g.actor, name),
        _("已创建分行 %(name)s。", name=name),
        url_for("admin.branches"),
    )


@bp.route("/branches/rename", methods=["POST"])
def rename_branch() -> Any:
    old, new = request.form.get("old_name", ""), request.form.get("name", "")
    return _apply(
        lambda: assignments.rename_branch(db_session(), g.actor, old, new),
        _("已将分行 %(old)s 更名为 %(new)s。", old=old, new=new),
        url_for("admin.branches"),
    )


@bp.route("/assignments", endpoint="assignments")
def assignments_page() -> Any:
    session = db_session()
    q = request.args.get("q", "").strip()
    pager = page_arg()
    total, views = list_parties(
        session, g.actor, q=q or None, limit=pager.page_size, offset=pager.offset
    )
    current = {v.party.id: queries.party_assignment(session, v.party) for v in views}
    return render_template(
        "admin/assignments.html",
        q=q,
        views=views,
        current=current,
        pager=with_total(pager, total),
    )


@bp.route("/assignments/<uscc>", methods=["GET", "POST"])
def assign_party(uscc: str) -> Any:
    session = db_session()
    if request.method == "POST":
        return _apply(
            lambda: assignments.assign_party(
                session,
                g.actor,
                uscc,
                relationship_manager=request.form.get("relationship_manager") or None,
                branch=request.form.get("branch") or None,
            ),
            _("已更新 %(uscc)s 的客户经理分配。", uscc=uscc),
            url_for("admin.assign_party", uscc=uscc),
        )
    party = visible_party(session, g.actor, uscc)
    return render_template(
        "admin/assign_party.html",
        party=party,
        current=queries.party_assignment(session, party),
        managers=queries.relationship_managers(session, g.actor),
        history=_history("party", party.id),
        **_choices(),
    )


@bp.route("/audit")
def audit_log() -> Any:
    pager = page_arg(50)
    entity_type = request.args.get("entity_type") or None
    actor_name = request.args.get("actor") or None
    total, entries = queries.list_entries(
        db_session(),
        g.actor,
        entity_type=entity_type,
        actor_name=actor_name,
        limit=pager.page_size,
        offset=pager.offset,
    )
    return render_template(
        "admin/audit.html",
        entries=entries,
        pager=with_total(pager, total),
        entity_type=entity_type or "",
        actor_name=actor_name or "",
    )
