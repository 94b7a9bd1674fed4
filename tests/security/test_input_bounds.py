"""Bad input is a clear 4xx naming what was wrong, never a 500 (issue #12, finding 12).

Each case here answered 500 before: a NUL character in a text filter, a page number or
an id no database column holds, a 5001-digit integer, JSON nested 100,000 deep, a number
of 1e400. Nothing is written by any of them.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api_auth import bearer

JSON = {"Content-Type": "application/json"}


@pytest.fixture()
def risk(seeded_client: FlaskClient) -> dict[str, str]:
    return bearer(seeded_client, "risk")


def test_a_nul_character_in_a_text_filter_is_refused_naming_the_parameter(
    seeded_client: FlaskClient, risk: dict[str, str]
) -> None:
    response = seeded_client.get("/api/v1/parties?q=%E9%92%A2%00", headers=risk)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "q" in response.get_json()["errors"]


def test_a_nul_character_in_a_page_filter_is_refused_too(seeded_client: FlaskClient) -> None:
    from scf.platform.demo.seed_loader import DEMO_PASSWORD

    seeded_client.post("/login", data={"username": "risk", "password": DEMO_PASSWORD})
    response = seeded_client.get("/parties?q=a%00")
    assert response.status_code == 422
    assert "NUL" in response.get_data(as_text=True)


def test_a_page_number_beyond_any_offset_is_refused_naming_page(
    seeded_client: FlaskClient, risk: dict[str, str]
) -> None:
    response = seeded_client.get("/api/v1/alerts?page=99999999999999999999999", headers=risk)
    assert response.status_code == 422
    assert "page" in response.get_json()["errors"]["query"]


def test_the_last_allowed_page_is_simply_empty(
    seeded_client: FlaskClient, risk: dict[str, str]
) -> None:
    response = seeded_client.get("/api/v1/alerts?page=1000000", headers=risk)
    assert response.status_code == 200
    assert response.get_json() == []


def test_an_id_beyond_an_integer_column_is_not_found_like_any_other(
    seeded_client: FlaskClient, risk: dict[str, str]
) -> None:
    huge = seeded_client.get(f"/api/v1/facilities/{10**25}", headers=risk)
    absent = seeded_client.get("/api/v1/facilities/2147483647", headers=risk)
    assert huge.status_code == absent.status_code == 404


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('{"rating": ' + "1" * 5001 + "}", "integer longer than 30 digits"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than 32 levels"),
        ('{"base_rate": 1e400}', "number out of range"),
        ('{"base_rate": NaN}', "NaN and Infinity"),
        ('{"uscc": "91\\u0000"}', "NUL character"),
    ],
    ids=["5001-digit integer", "100k-deep nesting", "1e400", "NaN", "NUL in a string"],
)
def test_an_unsafe_json_body_is_a_400_saying_why(
    seeded_client: FlaskClient, risk: dict[str, str], body: str, says: str
) -> None:
    response = seeded_client.post("/api/v1/pricing/quote", data=body, headers={**risk, **JSON})
    assert response.status_code == 400
    assert says in response.get_json()["errors"]["json"][0]


def test_json_nested_to_the_limit_is_still_read(
    seeded_client: FlaskClient, risk: dict[str, str]
) -> None:
    """32 levels pass the guard (the schema then refuses the shape, a 422, not a 400)."""
    body = '{"x": ' + "[" * 31 + "]" * 31 + "}"
    response = seeded_client.post("/api/v1/pricing/quote", data=body, headers={**risk, **JSON})
    assert response.status_code == 422


# -- findings 6 and 7: nothing silently rounded, no implausible date ------------------
def test_money_with_a_third_decimal_is_refused_not_rounded(
    seeded_client: FlaskClient,
) -> None:
    rm = bearer(seeded_client, "rm_ts")
    response = seeded_client.post(
        "/api/v1/facilities", json={"amount": "12.345", "product": "credit"}, headers=rm
    )
    assert response.status_code == 422
    assert "not rounded" in response.get_json()["errors"]["json"]["amount"][0]


def test_a_rate_that_would_round_to_zero_is_refused(seeded_client: FlaskClient) -> None:
    rm = bearer(seeded_client, "rm_ts")
    response = seeded_client.post(
        "/api/v1/facilities", json={"rate_annual": "0.0000004"}, headers=rm
    )
    assert "rate_annual" in response.get_json()["errors"]["json"]


def test_two_places_and_trailing_zeros_are_money_as_given(seeded_client: FlaskClient) -> None:
    rm = bearer(seeded_client, "rm_ts")
    response = seeded_client.post(
        "/api/v1/facilities", json={"amount": "12.340", "rate_annual": "0.081500"}, headers=rm
    )
    errors = response.get_json()["errors"]["json"]
    assert "amount" not in errors and "rate_annual" not in errors


def test_a_price_dated_0001_01_01_is_refused(
    seeded_client: FlaskClient, risk: dict[str, str]
) -> None:
    body = {"prices": [{"commodity": "steel_rebar", "price_date": "0001-01-01", "price": "1"}]}
    response = seeded_client.post("/api/v1/prices", json=body, headers=risk)
    assert response.status_code == 422
    assert "1990-01-01" in str(response.get_json()["errors"])
