"""Leaks by role on the demo network (issue 12, finding 8): each answered with what the
asker may not know before the fix.

The demo (seed/README.md): mkt_steel administers market M001 (id 1; its administrator
firm P0600, merchants such as P0612 and P0628); P0964 is an M002 merchant of 保定分行
(rm_bd) with loan L0223 on facility F0223, under M002's programme PG04; rm_sjz
(石家庄分行) sees M001's merchants, rm_ts (唐山分行) the steel group P0003.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, visible_party_ids
from scf.platform.models import Drawdown, Facility, Loan, Party, Programme, Relationship, User
from scf.platform.models.enums import DrawdownStatus, RelationshipKind
from tests.api_auth import bearer
from tests.web.conftest import log_in, market_party_ids, party_uscc

AS_OF = "2026-11-20"


@pytest.fixture()
def session(seeded_session: Session) -> Session:
    return seeded_session


def party_id(session: Session, key: str) -> int:
    return int(session.scalar(sa.select(Party.id).where(Party.uscc == party_uscc(key))) or 0)


def by_code(session: Session, model: type, code: str) -> int:
    return int(session.scalar(sa.select(model.id).where(model.code == code)) or 0)  # type: ignore[attr-defined]


# ------------------------------------------------------------------ network, exposure


def test_a_market_administrators_ego_network_holds_only_their_market(
    web: FlaskClient, session: Session
) -> None:
    """It answered 297 nodes at radius 3, 155 of them stubs for parties outside M001."""
    body = _radius_3_around_p0600(web, "mkt_steel")
    inside = market_party_ids(session, 1)
    nodes = {n["id"]: n for n in body["nodes"]}
    assert not [n for n in nodes.values() if n["hidden"]], "no stub for an outsider"
    parties = {int(n[2:]) for n in nodes if n.startswith("p:")}
    assert parties and parties <= inside
    assert {n for n in nodes if n.startswith("m:")} == {"m:1"}
    assert all(e["source"] in nodes and e["target"] in nodes for e in body["edges"])
    risk = _radius_3_around_p0600(web, "risk")
    assert len(risk["nodes"]) > len(nodes)  # there was something outside to leave out


def _radius_3_around_p0600(web: FlaskClient, who: str) -> dict[str, Any]:
    response = web.get(
        f"/api/v1/network/{party_uscc('P0600')}?radius=3&as_of={AS_OF}", headers=bearer(web, who)
    )
    assert response.status_code == 200
    return dict(response.get_json())


def test_a_market_administrator_reads_no_bank_figure_and_no_outsider_in_an_exposure(
    web: FlaskClient, session: Session
) -> None:
    """P0612's related-party group reaches outside M001 (its shareholders' other firms):
    the group total, the bank's net capital, limits and headroom were all answered."""
    body = web.get(
        f"/api/v1/exposure/{party_uscc('P0612')}?as_of={AS_OF}", headers=bearer(web, "mkt_steel")
    ).get_json()
    group = body["related_party_group"]
    assert [m["uscc"] for m in group["members"]] == [party_uscc("P0612")]
    for withheld in ("exposure", "net_capital", "ratio", "limit_amount", "headroom", "breached"):
        assert group[withheld] is None, withheld
    assert group["id"] is None  # named after its first member, a party outside the market
    assert body["headroom"] is None
    assert body["own"]["limit_amount"] is None and body["own"]["headroom"] is None
    assert body["own"]["exposure"] == "0.00"
    risk = web.get(
        f"/api/v1/exposure/{party_uscc('P0612')}?as_of={AS_OF}", headers=bearer(web, "risk")
    ).get_json()
    assert len(risk["related_party_group"]["members"]) == 5
    assert risk["related_party_group"]["net_capital"] is not None


def test_a_market_administrators_own_market_exposure_is_still_answered(web: FlaskClient) -> None:
    body = web.get(
        f"/api/v1/exposure/{party_uscc('P0600')}?as_of={AS_OF}", headers=bearer(web, "mkt_steel")
    ).get_json()
    (market,) = body["market"]
    assert market["code"] == "M001" and market["merchants"] == 126
    assert Decimal(market["merchant_exposure"]) > 0


def test_network_entries_are_titled_with_parties_the_reader_may_see(
    web: FlaskClient, session: Session
) -> None:
    """rm_sjz's related-party group entries were titled with 保定/唐山/邯郸 firms."""
    user = session.scalar(sa.select(User).where(User.username == "rm_sjz"))
    assert user is not None
    visible = visible_party_ids(session, Actor.of(user)) or frozenset()
    hidden_names = set(session.scalars(sa.select(Party.name).where(Party.id.not_in(visible))))
    hidden_names -= set(session.scalars(sa.select(Party.name).where(Party.id.in_(visible))))
    log_in(web, "rm_sjz")
    html = web.get(f"/network?as_of={AS_OF}").get_data(as_text=True)
    assert "关联集团" in html
    assert not [name for name in hidden_names if name in html]


# ------------------------------------------------------------------ programmes


def test_programme_usage_answers_only_who_sees_the_programme(
    web: FlaskClient, session: Session
) -> None:
    """PG04 is M002's (administrator P0602, 保定分行; every facility under it 保定's):
    rm_sjz and rm_ts were told its cap, used and remaining all the same. A facility under
    a programme shows its use on the facility page, so its manager may ask: rm_sjz has
    facilities under the steel chain's PG01."""
    mall = by_code(session, Programme, "PG04")
    path = f"/api/v1/programmes/{mall}/usage"
    assert web.get(path, headers=bearer(web, "rm_bd")).status_code == 200
    assert web.get(path, headers=bearer(web, "risk")).status_code == 200
    for outsider in ("rm_sjz", "rm_ts"):
        refused = web.get(path, headers=bearer(web, outsider))
        assert refused.status_code == 404
        assert "cap" not in refused.get_json() and "PG04" not in refused.get_data(as_text=True)
    for code in ("PG01", "PG03"):
        usage = f"/api/v1/programmes/{by_code(session, Programme, code)}/usage"
        assert web.get(usage, headers=bearer(web, "rm_sjz")).status_code == 200


# ------------------------------------------------------------------ not found, alike


def _pending_drawdown(session: Session, facility_code: str) -> int:
    facility = session.scalar(sa.select(Facility).where(Facility.code == facility_code))
    assert facility is not None
    drawdown = Drawdown(
        facility_id=facility.id,
        amount=Decimal("1000.00"),
        requested_on=dt.date(2026, 11, 20),
        status=DrawdownStatus.PENDING,
        reason={},
    )
    session.add(drawdown)
    session.flush()
    return drawdown.id


ABSENT = 987654321


def _relationship_of(session: Session, key: str) -> int:
    pid = party_id(session, key)
    return int(
        session.scalar(
            sa.select(Relationship.id)
            .where(Relationship.source_party_id == pid)
            .order_by(Relationship.id)
            .limit(1)
        )
        or 0
    )


# (who asks, path with {}, how to find an object of that kind they may not see)
NOT_FOUND_CASES = [
    ("rm_ts", "/api/v1/drawdowns/{}", lambda s: _pending_drawdown(s, "F0223")),
    ("rm_ts", "/api/v1/facilities/{}", lambda s: by_code(s, Facility, "F0223")),
    ("rm_ts", "/api/v1/loans/{}", lambda s: by_code(s, Loan, "L0223")),
    ("rm_sjz", "/api/v1/programmes/{}/usage", lambda s: by_code(s, Programme, "PG04")),
    ("mkt_steel", "/api/v1/markets/{}", lambda s: 2),
    ("rm_ts", "/api/v1/relationships/{}", lambda s: _relationship_of(s, "P0964")),
    ("rm_ts", "/api/v1/parties/{}", lambda s: party_uscc("P0964")),
    ("rm_ts", "/api/v1/exposure/{}", lambda s: party_uscc("P0964")),
    ("rm_ts", "/api/v1/network/{}", lambda s: party_uscc("P0964")),
    ("rm_ts", "/api/v1/warehouse-receipts/{}", lambda s: "WR20260200001"),
]


@pytest.mark.parametrize(
    ("who", "path", "hidden"), NOT_FOUND_CASES, ids=[c[1] for c in NOT_FOUND_CASES]
)
def test_not_found_is_the_same_answer_for_what_is_hidden_and_what_is_absent(
    web: FlaskClient, session: Session, who: str, path: str, hidden: object
) -> None:
    """An invisible drawdown answered "facility not found: 284" (its facility's id), an
    absent one "drawdown not found": the difference told that it exists, and where."""
    asked = hidden(session)  # type: ignore[operator]
    absent = "91130000ABSENT0000" if isinstance(asked, str) else ABSENT
    headers = bearer(web, who)
    answers = []
    for value in (asked, absent):
        response = web.get(path.format(value), headers=headers)
        problem = response.get_json()
        answers.append(
            (response.status_code, problem["title"], problem["detail"].replace(str(value), "…"))
        )
    assert answers[0][0] == 404
    assert answers[0] == answers[1]


def test_acting_on_an_invisible_drawdown_is_answered_like_an_absent_one(
    web: FlaskClient, session: Session
) -> None:
    drawdown = _pending_drawdown(session, "F0223")
    headers = bearer(web, "rm_ts")
    details = []
    for value in (drawdown, ABSENT):
        response = web.post(
            f"/api/v1/drawdowns/{value}/cancel", json={"reason": "x"}, headers=headers
        )
        assert response.status_code == 404
        details.append(response.get_json()["detail"].replace(str(value), "…"))
    assert details[0] == details[1]
    assert "facility" not in details[0]


# ------------------------------------------------------------------ relationships


def _loan_refusals(web: FlaskClient, edge: dict[str, str]) -> list[str]:
    """rm_sjz's edge naming L0223 (a 保定分行 loan) and L9999 (none): the refusals of
    the ``loan`` field, with the code asked left out."""
    headers = bearer(web, "rm_sjz")
    answers = []
    for loan in ("L0223", "L9999"):
        response = web.post("/api/v1/relationships", json={**edge, "loan": loan}, headers=headers)
        assert response.status_code == 422, response.get_json()
        answers.append(response.get_json()["errors"]["loan"][0].replace(loan, "…"))
    return answers


def test_a_member_of_market_edge_refuses_another_branchs_loan_like_an_unknown_one(
    web: FlaskClient,
) -> None:
    """It accepted L0223 on rm_sjz's member_of_market edge."""
    first, second = _loan_refusals(
        web,
        {
            "kind": "member_of_market",
            "source": party_uscc("P0628"),
            "target_market": "M001",
            "valid_from": "2026-11-01",
        },
    )
    assert first == second


def test_a_guarantee_naming_an_invisible_loan_is_refused_like_an_unknown_loan(
    web: FlaskClient,
) -> None:
    """ "The loan is not the target's" told rm_sjz that L0223 exists."""
    first, second = _loan_refusals(
        web,
        {
            "kind": "guarantees",
            "source": party_uscc("P0628"),
            "target": party_uscc("P0704"),
            "amount": "10000.00",
        },
    )
    assert first == second


def test_a_shareholding_refusal_does_not_tell_what_invisible_shareholders_hold(
    web: FlaskClient, session: Session
) -> None:
    """石家庄德润板材贸易有限公司 (rm_sjz's) is 51% held by a 邯郸分行 person: the refusal
    told rm_sjz the existing total."""
    firm = session.scalar(sa.select(Party).where(Party.name == "石家庄德润板材贸易有限公司"))
    assert firm is not None and firm.uscc
    held = session.scalar(
        sa.select(sa.func.sum(Relationship.percentage)).where(
            Relationship.kind == RelationshipKind.HOLDS_SHARES,
            Relationship.target_party_id == firm.id,
            Relationship.valid_to.is_(None),
        )
    )
    assert held is not None and held > Decimal("0.40")
    response = web.post(
        "/api/v1/relationships",
        json={
            "kind": "holds_shares",
            "source": party_uscc("P0628"),
            "target": firm.uscc,
            "percentage": "0.60",
        },
        headers=bearer(web, "rm_sjz"),
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert str(held.normalize()) not in body and str(held + Decimal("0.60")) not in body
    assert str((held + Decimal("0.60")).normalize()) not in body
