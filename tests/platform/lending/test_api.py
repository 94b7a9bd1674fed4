"""The lending API: propose, approve, draw, repay over HTTP; refusals as problem+json."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.demo.lending_world import World, build_world
from scf.platform.services.admin.users import token_for


@pytest.fixture()
def api(db_session: Session, client: FlaskClient) -> tuple[World, FlaskClient]:
    world = build_world(db_session)
    world.receivable("AR1", "1000000")
    world.receivable("AR2", "500000")
    return world, client


def auth(world: World, name: str) -> dict[str, str]:
    token, _ = token_for(world.session, world.users[name], 1)
    world.session.flush()
    return {"Authorization": f"Bearer {token}"}


PROPOSAL = {
    "product": "receivable_pledge",
    "amount": "2000000",
    "start_date": "2026-11-01",
    "end_date": "2027-10-31",
    "repayment_method": "bullet",
    "revolving": True,
    "programme": "PG-CORE",
    "rate_annual": "0.06",
    "as_of": "2026-11-02",
}


def propose_and_approve(world: World, client: FlaskClient) -> int:
    body = {**PROPOSAL, "party": world.parties["supplier"].uscc}
    created = client.post("/api/v1/facilities", json=body, headers=auth(world, "rm"))
    assert created.status_code == 201, created.get_json()
    facility_id = created.get_json()["id"]
    approved = client.post(
        f"/api/v1/facilities/{facility_id}/approve",
        json={"on": "2026-11-02"},
        headers=auth(world, "director"),
    )
    assert approved.status_code == 200, approved.get_json()
    return int(facility_id)


def test_propose_approve_draw_repay(api: tuple[World, FlaskClient]) -> None:
    world, client = api
    body = {**PROPOSAL, "party": world.parties["supplier"].uscc}
    created = client.post("/api/v1/facilities", json=body, headers=auth(world, "rm"))
    assert created.status_code == 201
    data = created.get_json()
    assert (data["status"], data["limit_amount"]) == ("proposed", "2000000.00")
    refused = client.post(
        f"/api/v1/facilities/{data['id']}/approve", json={}, headers=auth(world, "rm")
    )
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    facility_id = data["id"]
    client.post(
        f"/api/v1/facilities/{facility_id}/approve",
        json={"on": "2026-11-02"},
        headers=auth(world, "director"),
    )
    drawn = client.post(
        f"/api/v1/facilities/{facility_id}/drawdowns",
        json={
            "amount": "1200000.00",
            "requested_on": "2026-11-03",
            "maturity_date": "2027-03-03",
            "receivables": ["AR1", "AR2"],
        },
        headers=auth(world, "rm"),
    )
    assert drawn.status_code == 201, drawn.get_json()
    drawdown = drawn.get_json()
    assert drawdown["status"] == "utilised"
    assert drawdown["availability"]["binding"] == "collateral_headroom"
    view = client.get(
        f"/api/v1/facilities/{facility_id}?as_of=2026-11-03", headers=auth(world, "rm")
    ).get_json()
    assert (view["position"]["outstanding"], view["available"]) == ("1200000.00", "0.00")
    names = [c["name"] for c in view["availability"]["candidates"]]
    assert names[0] == "facility_remaining" and "programme_remaining" in names
    loan_id = drawdown["loan_id"]
    # bullet, 2026-11-03 → 2027-03-03, 6% a year: on 11-18 15 of 30 days are gone;
    # 1,200,000 × 0.06 × 15 / 360 = 3,000.00 earned; 203,000 prepays 200,000
    paid = client.post(
        f"/api/v1/loans/{loan_id}/repayments",
        json={"amount": "203000.00", "paid_on": "2026-11-18"},
        headers=auth(world, "rm"),
    )
    assert paid.status_code == 201, paid.get_json()
    assert paid.get_json() | {"id": 0} == {
        "id": 0,
        "paid_on": "2026-11-18",
        "amount": "203000.00",
        "interest_part": "3000.00",
        "principal_part": "200000.00",
        "prepaid_principal": "200000.00",
        "reference": None,
    }
    loan = client.get(f"/api/v1/loans/{loan_id}?as_of=2026-11-18", headers=auth(world, "rm"))
    assert loan.get_json()["outstanding_principal"] == "1000000.00"
    assert loan.get_json()["reconciliation_problems"] == []


def test_a_refused_drawdown_is_problem_json_naming_the_rule_and_writes_nothing(
    api: tuple[World, FlaskClient],
) -> None:
    world, client = api
    facility_id = propose_and_approve(world, client)
    response = client.post(
        f"/api/v1/facilities/{facility_id}/drawdowns",
        json={
            "amount": "1200000.01",
            "requested_on": "2026-11-03",
            "maturity_date": "2027-03-03",
            "receivables": ["AR1", "AR2"],
        },
        headers=auth(world, "rm"),
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert [r["id"] for r in problem["errors"]["rules"]] == ["within_availability"]
    assert "collateral_headroom" in problem["detail"]
    view = client.get(f"/api/v1/facilities/{facility_id}", headers=auth(world, "rm")).get_json()
    assert view["loans"] == [] and view["drawdowns"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0", "maturity_date": "2027-03-03", "receivables": ["AR1"]}, "amount"),
        ({"amount": "-1", "maturity_date": "2027-03-03", "receivables": ["AR1"]}, "amount"),
        ({"amount": "100", "receivables": ["AR1"]}, "maturity_date"),
        ({"amount": "abc", "maturity_date": "2027-03-03"}, "amount"),
    ],
)
def test_bad_drawdown_input_names_the_field(
    api: tuple[World, FlaskClient], body: dict[str, object], field: str
) -> None:
    world, client = api
    facility_id = propose_and_approve(world, client)
    response = client.post(
        f"/api/v1/facilities/{facility_id}/drawdowns",
        json={"requested_on": "2026-11-03", **body},
        headers=auth(world, "rm"),
    )
    assert response.status_code == 422
    assert field in json.dumps(response.get_json()["errors"])


def test_repayment_above_the_balance_is_refused(api: tuple[World, FlaskClient]) -> None:
    world, client = api
    facility_id = propose_and_approve(world, client)
    drawdown = client.post(
        f"/api/v1/facilities/{facility_id}/drawdowns",
        json={
            "amount": "400000",
            "requested_on": "2026-11-03",
            "maturity_date": "2027-03-03",
            "receivables": ["AR2"],
        },
        headers=auth(world, "rm"),
    ).get_json()
    # payoff on 2026-11-03 (the drawdown day): nothing earned yet → 400,000.00
    response = client.post(
        f"/api/v1/loans/{drawdown['loan_id']}/repayments",
        json={"amount": "400000.01", "paid_on": "2026-11-03"},
        headers=auth(world, "rm"),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["rules"][0]["id"] == "repayment_within_balance"


def test_a_market_administrator_sees_no_foreign_facility(api: tuple[World, FlaskClient]) -> None:
    world, client = api
    facility_id = propose_and_approve(world, client)
    headers = auth(world, "mkt")
    response = client.get(f"/api/v1/facilities/{facility_id}", headers=headers)
    assert response.status_code == 404
    assert world.parties["supplier"].name not in response.get_data(as_text=True)
    assert client.get("/api/v1/facilities", headers=headers).get_json() == []
    proposed = client.post(
        "/api/v1/facilities",
        json={**PROPOSAL, "party": world.parties["supplier"].uscc},
        headers=headers,
    )
    assert proposed.status_code == 403


def test_facility_list_is_paginated(api: tuple[World, FlaskClient]) -> None:
    world, client = api
    propose_and_approve(world, client)
    response = client.get("/api/v1/facilities?page_size=10", headers=auth(world, "risk_no_level"))
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"])["total"] == 1
    assert response.get_json()[0]["used"] == "0.00"


def test_the_openapi_document_lists_the_lending_endpoints(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/facilities",
        "/api/v1/facilities/{facility_id}/approve",
        "/api/v1/facilities/{facility_id}/send-back",
        "/api/v1/facilities/{facility_id}/drawdowns",
        "/api/v1/loans/{loan_id}/repayments",
    ):
        assert path in paths
