"""API authentication and the market administrator's wall around their own market."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from tests.api_auth import bearer as token


def test_api_without_credentials_is_401_problem_json(seeded_client: FlaskClient) -> None:
    response = seeded_client.get("/api/v1/parties")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_wrong_password_is_refused_without_saying_which_part(seeded_client: FlaskClient) -> None:
    response = seeded_client.post(
        "/api/v1/auth/tokens", json={"username": "risk", "password": "nope-nope-nope"}
    )
    assert response.status_code == 401
    assert "wrong username or password" in response.get_json()["detail"]


def test_market_administrator_sees_only_their_market(seeded_client: FlaskClient) -> None:
    headers = token(seeded_client, "mkt_steel")
    markets = seeded_client.get("/api/v1/markets", headers=headers).get_json()
    assert [m["id"] for m in markets] == [1]
    parties = seeded_client.get("/api/v1/parties?role=merchant&page_size=100", headers=headers)
    body = parties.get_json()
    assert body and all(p["market_id"] == 1 for p in body)


def test_market_administrator_asking_for_another_markets_merchant_gets_404(
    seeded_client: FlaskClient,
) -> None:
    risk = token(seeded_client, "risk")
    other = seeded_client.get(
        "/api/v1/parties?role=merchant&page_size=100", headers=risk
    ).get_json()
    foreign = next(p for p in other if p["market_id"] == 2)
    response = seeded_client.get(
        f"/api/v1/parties/{foreign['uscc']}", headers=token(seeded_client, "mkt_steel")
    )
    assert response.status_code == 404
    assert foreign["name"] not in response.get_data(as_text=True)


def test_party_listing_is_paginated(seeded_client: FlaskClient) -> None:
    response = seeded_client.get(
        "/api/v1/parties?page=2&page_size=10", headers=token(seeded_client, "risk")
    )
    assert response.status_code == 200
    assert len(response.get_json()) == 10
    assert json.loads(response.headers["X-Pagination"])["total"] == 1220
