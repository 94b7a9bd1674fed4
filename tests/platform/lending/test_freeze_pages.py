"""A risk officer's freeze over HTTP: the API refuses a relationship manager's unfreeze
(issue 12, finding 3: it answered 200 and the facility was active again), and the
facility page shows who froze and why and takes the unfreeze through two risk officers."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.demo.lending_world import World, build_world
from scf.platform.models import Facility
from scf.platform.models.enums import FacilityStatus
from scf.platform.services.admin.users import token_for
from scf.platform.services.lending.facility_status import set_facility_status
from tests.web_login import sign_in


@pytest.fixture()
def world(db_session: Session) -> World:
    return build_world(db_session)


def bearer(world: World, name: str) -> dict[str, str]:
    token, _ = token_for(world.session, world.users[name], 1)
    world.session.flush()
    return {"Authorization": f"Bearer {token}"}


def frozen_by_director(world: World) -> Facility:
    facility = world.grant()
    set_facility_status(
        world.session, world.actor("director"), facility.id, "frozen", reason="核心企业预警"
    )
    return facility


def form_token(client: FlaskClient, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert match, f"no form on {url}"
    return match.group(1)


def test_the_api_refuses_a_relationship_managers_unfreeze_of_a_risk_officers_freeze(
    world: World, client: FlaskClient
) -> None:
    facility = world.grant()
    path = f"/api/v1/facilities/{facility.id}"
    frozen = client.post(
        f"{path}/status",
        json={"status": "frozen", "reason": "核心企业预警"},
        headers=bearer(world, "director"),
    )
    assert frozen.status_code == 200, frozen.get_json()
    undone = client.post(
        f"{path}/status",
        json={"status": "active", "reason": "客户已还款"},
        headers=bearer(world, "rm"),
    )
    assert undone.status_code == 403
    assert undone.mimetype == "application/problem+json"
    body = client.get(path, headers=bearer(world, "rm")).get_json()
    assert body["status"] == "frozen"
    assert body["freeze"]["frozen_by"] == "director"
    assert body["freeze"]["role"] == "risk_officer"
    assert body["freeze"]["reason"] == "核心企业预警"
    assert body["freeze"]["needs_two_risk_officers"] is True


def test_through_the_api_the_second_risk_officers_active_lifts_the_freeze(
    world: World, client: FlaskClient
) -> None:
    facility = frozen_by_director(world)
    path = f"/api/v1/facilities/{facility.id}"
    first = client.post(
        f"{path}/status",
        json={"status": "active", "reason": "已结清"},
        headers=bearer(world, "supervisor_level"),
    )
    assert first.status_code == 200
    assert first.get_json()["status"] == "frozen"
    assert first.get_json()["freeze"]["unfreeze"]["proposed_by"] == "supervisor_level"
    again = client.post(
        f"{path}/status",
        json={"status": "active", "reason": "再次"},
        headers=bearer(world, "supervisor_level"),
    )
    assert again.status_code == 403
    second = client.post(
        f"{path}/status",
        json={"status": "active", "reason": "同意"},
        headers=bearer(world, "director"),
    )
    assert second.status_code == 200
    assert second.get_json()["status"] == "active" and second.get_json()["freeze"] is None


def test_the_facility_page_shows_the_freeze_and_its_unfreeze_needs_a_second_risk_officer(
    world: World, client: FlaskClient
) -> None:
    facility = frozen_by_director(world)
    page = f"/lending/facilities/{facility.id}"
    sign_in(client, world.users["rm"])
    html = client.get(page).get_data(as_text=True)
    assert "director" in html and "核心企业预警" in html and 'id="freeze"' in html
    assert "unfreeze" not in html.split('id="freeze"')[1].split("</section>")[0]  # no form

    sign_in(client, world.users["supervisor_level"])
    token = form_token(client, page)
    proposed = client.post(f"{page}/unfreeze", data={"reason": "逾期已结清", "csrf_token": token})
    assert proposed.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "逾期已结清" in html and f"{page}/unfreeze/approve" not in html  # not one's own

    sign_in(client, world.users["director"])
    html = client.get(page).get_data(as_text=True)
    assert f"{page}/unfreeze/approve" in html and f"{page}/unfreeze/decline" in html
    approved = client.post(
        f"{page}/unfreeze/approve", data={"comment": "核实", "csrf_token": form_token(client, page)}
    )
    assert approved.status_code == 302
    world.session.refresh(facility)
    assert facility.status is FacilityStatus.ACTIVE


def test_the_page_refuses_an_own_unfreeze_with_the_reason(
    world: World, client: FlaskClient
) -> None:
    from scf.platform.services.lending.facility_status import propose_unfreeze

    facility = frozen_by_director(world)
    propose_unfreeze(world.session, world.actor("director"), facility.id, reason="已还清")
    page = f"/lending/facilities/{facility.id}"
    sign_in(client, world.users["director"])
    token = form_token(client, page)
    refused = client.post(f"{page}/unfreeze/approve", data={"comment": "", "csrf_token": token})
    assert refused.status_code == 403
    assert "另一名风险经理" in refused.get_data(as_text=True)
    world.session.refresh(facility)
    assert facility.status is FacilityStatus.FROZEN
