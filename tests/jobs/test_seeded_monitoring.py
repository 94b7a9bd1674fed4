"""The jobs on the demo network (seed/README.md's planted cases), and the alerts API and
its access rules on what they raise. Everything runs in a transaction rolled back after."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from scf.jobs.registry import JOBS
from scf.jobs.runner import run_job
from scf.platform.demo.seed_loader import DEMO_PASSWORD, SEED_AS_OF
from scf.platform.models import Alert, CollateralItem, InsurancePolicy, Loan, Party, User
from scf.platform.models.enums import AlertStatus, LoanStatus
from tests.conftest import make_test_app
from tests.jobs.conftest import FixedClock, bound_database, jobs_settings


@pytest.fixture()
def seeded(seeded_url: str, seeded_connection: sa.Connection, tmp_path: Path) -> Iterator[Any]:
    """Every job run once for the seed's date; yields (session, API client)."""
    database = bound_database(seeded_url, seeded_connection)
    settings = jobs_settings(seeded_url, tmp_path)
    for job in JOBS:
        assert (
            run_job(database, settings, job.name, clock=FixedClock(SEED_AS_OF)).status
            == "succeeded"
        )
    app = make_test_app(seeded_url, tmp_path, seeded_connection)
    with database.session() as session:
        yield session, app.test_client()
    app.extensions["scf_db"].engine.dispose()
    database.engine.dispose()


def by_loan(session: Any, rule: str) -> dict[str, Alert]:
    rows = session.execute(
        sa.select(Loan.code, Alert).join(Alert, Alert.loan_id == Loan.id).where(Alert.rule == rule)
    )
    return {code: alert for code, alert in rows}


def test_planted_cases_raise_their_alerts(seeded: Any) -> None:
    session, _ = seeded
    margin = by_loan(session, "collateral_margin")
    # Lent at 65% before the 25% steel fall: past the liquidation line.
    for code in ("L0245", "L0250", "L0255", "L0260", "L0265"):
        assert margin[code].figures["status"] == "liquidation", code
    assert any(a.figures["status"] == "warning" for a in margin.values())
    stale = by_loan(session, "collateral_price_stale")
    assert stale and all(
        lot["commodity"] == "rubber_natural" for a in stale.values() for lot in a.figures["lots"]
    )
    assert {a.figures["price_age_business_days"] for a in stale.values()} == {8}
    overdue = by_loan(session, "loan_overdue")
    for code, expected in {
        "L0102": (4, "special_mention"),
        "L0141": (42, "special_mention"),
        "L0244": (100, "substandard"),
        "L0223": (300, "doubtful"),
    }.items():
        assert (
            overdue[code].figures["days_past_due"],
            overdue[code].figures["delinquency_class"],
        ) == expected
    # The two defaults reach their guarantors.
    guarantors = by_loan(session, "guarantor_exposed")
    assert set(guarantors) >= {"L0244", "L0223"}
    # Collateral insured to less than two months after the loan.
    flagged = set(
        session.scalars(
            sa.select(InsurancePolicy.collateral_item_id).where(
                InsurancePolicy.id.in_(
                    sa.select(Alert.subject_id).where(Alert.rule == "insurance_outlasts_loan")
                )
            )
        )
    )
    codes = set(
        session.scalars(sa.select(CollateralItem.code).where(CollateralItem.id.in_(flagged)))
    )
    assert codes >= {"C0021", "C0028", "C0035", "C0042"}


def login(client: FlaskClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/tokens", json={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def every(client: FlaskClient, headers: dict[str, str], query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/alerts?page_size=100&{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    items = response.get_json()
    pages = json.loads(response.headers["X-Pagination"])["total_pages"]
    for page in range(2, pages + 1):
        items += client.get(
            f"/api/v1/alerts?page_size=100&page={page}&{query}", headers=headers
        ).get_json()
    return items


def test_alert_queue_filters_and_pages(seeded: Any) -> None:
    session, client = seeded
    risk = login(client, "risk")
    total = session.scalar(sa.select(sa.func.count(Alert.id)))
    response = client.get("/api/v1/alerts?page=1&page_size=10", headers=risk)
    assert len(response.get_json()) == 10
    assert json.loads(response.headers["X-Pagination"])["total"] == total
    critical = every(client, risk, "severity=critical")
    assert critical and all(a["severity"] == "critical" for a in critical)
    first = every(client, risk, "status=open")[0]
    assert first["severity"] == "critical"  # most severe first
    liquidation = every(client, risk, "rule=collateral_margin")
    assert all(isinstance(a["figures"]["market_value"], str) for a in liquidation)
    party = liquidation[0]["party"]["uscc"]
    assert {a["party"]["uscc"] for a in every(client, risk, f"party={party}")} == {party}
    mine = every(client, risk, "owner=rm_sjz")
    assert mine and all(a["owner"] == "rm_sjz" for a in mine)
    bad = client.get("/api/v1/alerts?status=closed", headers=risk)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"


def test_each_role_sees_only_its_alerts(seeded: Any) -> None:
    session, client = seeded
    everything = every(client, login(client, "risk"))
    steel = every(client, login(client, "mkt_steel"))
    market_of = {a.id: a.market_id for a in session.scalars(sa.select(Alert))}
    assert steel and {market_of[a["id"]] for a in steel} == {1}
    assert {a["id"] for a in steel} == {a["id"] for a in everything if market_of[a["id"]] == 1}
    rm = session.scalar(sa.select(User).where(User.username == "rm_ts"))
    visible_parties = set(
        session.scalars(
            sa.select(Party.uscc).where(
                sa.or_(Party.relationship_manager_id == rm.id, Party.branch_id == rm.branch_id)
            )
        )
    )
    theirs = every(client, login(client, "rm_ts"))
    assert theirs and len(theirs) < len(everything)
    assert all(
        a["owner"] == "rm_ts" or (a["party"] and a["party"]["uscc"] in visible_parties)
        for a in theirs
    )


def test_acknowledge_and_resolve_with_comments(seeded: Any) -> None:
    session, client = seeded
    steel, home, risk = login(client, "mkt_steel"), login(client, "mkt_home"), login(client, "risk")
    alert = every(client, steel, "status=open")[0]
    url = f"/api/v1/alerts/{alert['id']}"
    # Another market's administrator: not found, for reading and for acting alike.
    assert client.get(url, headers=home).status_code == 404
    assert client.post(f"{url}/acknowledge", json={}, headers=home).status_code == 404
    acked = client.post(f"{url}/acknowledge", json={"comment": "已通知商户补货"}, headers=steel)
    assert acked.status_code == 200
    body = acked.get_json()
    assert (body["status"], body["acknowledged_by"], body["comment"]) == (
        "acknowledged",
        "mkt_steel",
        "已通知商户补货",
    )
    assert [e["action"] for e in body["events"]] == ["acknowledged"]
    again = client.post(f"{url}/acknowledge", json={}, headers=steel)
    assert again.status_code == 409
    # Resolving by hand is for the bank's staff.
    assert client.post(f"{url}/resolve", json={"comment": "x"}, headers=steel).status_code == 403
    resolved = client.post(f"{url}/resolve", json={"comment": "客户已补足保证金"}, headers=risk)
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "resolved"
    assert session.get_one(Alert, alert["id"]).status is AlertStatus.RESOLVED
    long = client.post(f"{url}/resolve", json={"comment": "x" * 2001}, headers=risk)
    assert long.status_code == 422
    assert client.get("/api/v1/alerts/999999", headers=risk).status_code == 404


def test_the_job_and_the_network_agree_on_who_answers_for_a_default(seeded: Any) -> None:
    """The repayment watch asks two indexed queries, the network service its graph: on
    every seeded loan still outstanding whose borrower has a guarantor or a
    joint-guarantee group they name the same parties (general guarantees and the loan's
    own; a repaid loan's guarantee answers for nothing and only the graph drops it)."""
    from scf.jobs.repayment_watch import parties_liable_for_default
    from scf.platform.models import Relationship
    from scf.platform.models.enums import RelationshipKind
    from scf.platform.services.network.exposure import guarantors_and_group_members_of

    session, _ = seeded
    answered = (
        session.scalars(
            sa.select(Relationship.target_party_id).where(
                Relationship.kind == RelationshipKind.GUARANTEES
            )
        ).all()
        + session.scalars(
            sa.select(Relationship.source_party_id).where(
                Relationship.kind == RelationshipKind.MEMBER_OF_GROUP
            )
        ).all()
    )
    loans = session.execute(
        sa.select(Loan.party_id, Loan.id).where(
            Loan.party_id.in_(set(answered)), Loan.status == LoanStatus.ACTIVE
        )
    ).all()
    assert len(loans) > 20
    for borrower, loan_id in loans:
        job = {
            p.party_id for p in parties_liable_for_default(session, borrower, loan_id, SEED_AS_OF)
        }
        network = guarantors_and_group_members_of(session, borrower, SEED_AS_OF)
        expected = {g.guarantor_id for g in network.guarantors if g.loan_id in (None, loan_id)}
        expected |= {m.party_id for m in network.group_members}
        assert job == expected, (borrower, loan_id)
