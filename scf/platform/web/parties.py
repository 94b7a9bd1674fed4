"""Parties: search by name or code with a role filter, and the party page.

The party page is what a credit reviewer reads: roles and relations, the latest
figures, and the assessment on a chosen date with every rule, its clause, the value
observed and the threshold, the reference limit with its formula, and the policy
version. What the reader may see is decided by ``scf.platform.auth.access``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request

from scf.platform.errors import ValidationFailed
from scf.platform.services.parties.assessment import PartyAssessment, assess_party
from scf.platform.services.parties.panels import party_panels
from scf.platform.services.parties.profile import party_profile
from scf.platform.services.parties.queries import ROLES, list_parties
from scf.platform.web.pages import as_of_arg, page_arg, with_total
from scf.platform.web_session import db_session

bp = Blueprint("parties", __name__, url_prefix="/parties")


@bp.route("")
def search() -> Any:
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "").strip()
    if role and role not in ROLES:
        raise ValidationFailed(
            f"role (角色): 未知 “{role}” (unknown role)", errors={"role": [role]}
        )
    pager = page_arg()
    total, views = list_parties(
        db_session(),
        g.actor,
        role=role or None,
        q=q or None,
        limit=pager.page_size,
        offset=pager.offset,
    )
    return render_template(
        "parties/search.html",
        q=q,
        role=role,
        roles=ROLES,
        views=views,
        pager=with_total(pager, total),
    )


@bp.route("/<string:uscc>")
def detail(uscc: str) -> Any:
    session = db_session()
    as_of = as_of_arg()
    profile = party_profile(session, g.actor, uscc, as_of)
    assessment: PartyAssessment | None = None
    not_assessed: str | None = None
    try:
        assessment = assess_party(session, g.actor, uscc, as_of)
    except ValidationFailed as refused:
        if "as_of" in refused.errors:
            raise
        not_assessed = str(refused)
    panels = party_panels(session, g.actor, uscc, as_of)
    return render_template(
        "parties/detail.html",
        profile=profile,
        party=profile.party,
        as_of=as_of,
        assessment=assessment,
        not_assessed=not_assessed,
        panels=panels,
    )
