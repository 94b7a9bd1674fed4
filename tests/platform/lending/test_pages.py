"""Pages for relationship managers and approvers: the facility page shows the limit,
used, available and each candidate of availability; forms propose, approve, draw, repay."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.demo.lending_world import World, build_world
from scf.platform.models import Facility, Loan
from tests.web_login import sign_in


@pytest.fixture()
def pages(db_session: Session, client: FlaskClient) -> tuple[World, FlaskClient]:
    world = build_world(db_session)
    world.receivable("AR1", "1000000")
    world.receivable("AR2", "500000")
    return world, client


def login(client: FlaskClient, world: World, name: str) -> None:
    sign_in(client, world.users[name])


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "every form carries a CSRF token"
    return match.group(1)


def test_the_facility_page_shows_limit_used_available_and_every_candidate(
    pages: tuple[World, FlaskClient],
) -> None:
    world, client = pages
    facility = world.grant()
    login(client, world, "rm")
    html = client.get(f"/lending/facilities/{facility.id}?as_of=2026-11-03").get_data(as_text=True)
    for text in (
        "授信额度",
        "2,000,000.00",
        "额度余额",
        "押品可贷余额",
        "项目总额度余额",
        "关联集团集中度余量",
        "10,000,000.00",  # the programme cap
        "[003 §六(四)]",
    ):
        assert text in html, text
    # key-supported advance rate 80%: (1,000,000 + 500,000) × 0.8 = 1,200,000 binds
    assert "1,200,000.00" in html and "孰低，约束项" in html
    binding = re.search(r'<tr class="binding">(.*?)</tr>', html, re.S)
    assert binding and "collateral_headroom" in binding.group(1)
    # The same page in English: the words from the catalog, the figures unchanged.
    client.set_cookie("scf_lang", "en")
    english = client.get(f"/lending/facilities/{facility.id}?as_of=2026-11-03").get_data(
        as_text=True
    )
    for text in ("Limit", "Facility remaining", "Collateral headroom", "1,200,000.00"):
        assert text in english, text
    assert "额度余额" not in english


def test_propose_then_approve_through_the_forms(pages: tuple[World, FlaskClient]) -> None:
    world, client = pages
    login(client, world, "rm")
    token = csrf(client, "/lending/facilities/new")
    response = client.post(
        "/lending/facilities/new",
        data={
            "csrf_token": token,
            "party": world.parties["supplier"].uscc,
            "product": "receivable_pledge",
            "amount": "1,500,000",
            "start_date": "2026-11-01",
            "end_date": "2027-10-31",
            "repayment_method": "bullet",
            "revolving": "on",
            "programme": "PG-CORE",
            "rate_annual": "0.06",
            "as_of": "2026-11-02",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    facility = world.session.query(Facility).one()
    assert facility.limit_amount == 1500000
    login(client, world, "director")
    page = f"/lending/facilities/{facility.id}"
    html = client.get(page).get_data(as_text=True)
    # 1,500,000 of a self-liquidating product: within the supervisor's 5,000,000 (assumed)
    assert ">批准</button>" in html and "sme_risk_supervisor" in html
    approved = client.post(
        f"{page}/approve", data={"csrf_token": csrf(client, page), "on": "2026-11-02"}
    )
    assert approved.status_code == 302
    world.session.refresh(facility)
    assert facility.status.value == "active"


def test_a_refused_drawdown_shows_the_rule_and_a_good_one_goes_to_the_loan(
    pages: tuple[World, FlaskClient],
) -> None:
    world, client = pages
    facility = world.grant()
    login(client, world, "rm")
    url = f"/lending/facilities/{facility.id}/draw"
    form = {
        "csrf_token": csrf(client, url),
        "amount": "1200000.01",
        "requested_on": "2026-11-03",
        "maturity_date": "2027-03-03",
        "receivables": "AR1, AR2",
    }
    refused = client.post(url, data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "within_availability" in html and "collateral_headroom" in html
    drawn = client.post(url, data={**form, "amount": "1200000"})
    assert drawn.status_code == 302
    loan = world.session.query(Loan).one()
    assert drawn.headers["Location"].endswith(f"/lending/loans/{loan.id}?done=drawn")
    page = f"/lending/loans/{loan.id}"
    repaid = client.post(
        f"{page}/repay",
        data={"csrf_token": csrf(client, page), "amount": "3000", "paid_on": "2026-11-18"},
    )
    assert repaid.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "3,000.00" in html and "正常" in html


def test_a_market_administrator_cannot_open_a_foreign_facility(
    pages: tuple[World, FlaskClient],
) -> None:
    world, client = pages
    facility = world.grant()
    login(client, world, "mkt")
    response = client.get(f"/lending/facilities/{facility.id}")
    assert response.status_code == 404
    assert "supplier" not in response.get_data(as_text=True)
    assert facility.code not in client.get("/lending/facilities").get_data(as_text=True)


def test_the_list_links_to_each_facility(pages: tuple[World, FlaskClient]) -> None:
    world, client = pages
    facility = world.grant()
    login(client, world, "rm")
    html = client.get("/lending/facilities").get_data(as_text=True)
    assert f'href="/lending/facilities/{facility.id}"' in html
    assert "账易贷" in html and "2,000,000.00" in html
