"""The assessment and pricing endpoints: the engine's answer with its working, money as strings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from tests.api_auth import bearer
from tests.platform.test_assessment_service import seed_uscc

WORKED = {
    "base_rate": "0.0486",
    "coefficients": {
        "credit_grade": "0.55",
        "guarantee": "0.65",
        "contribution": "0.75",
        "prospect": "0.70",
    },
    "weights": {
        "credit_grade": "0.15",
        "guarantee": "0.25",
        "contribution": "0.25",
        "prospect": "0.35",
    },
}


def test_assessment_shows_rules_limit_and_policy_version(seeded_client: FlaskClient) -> None:
    response = seeded_client.get(
        f"/api/v1/parties/{seed_uscc('P0024')}/assessment?as_of=2026-11-20",
        headers=bearer(seeded_client, "risk"),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["decision"] == "eligible" and body["tier"] == "key_supported"
    assert body["size_class"] == "small" and body["snapshot_as_of"] == "2026-09-30"
    assert body["policy_version"].startswith("hebei-2012@")
    debt = next(r for r in body["rules"] if r["id"] == "debt_ratio_within_limit")
    assert debt["clause"] == "[003 §五(一)1(4)]" and debt["result"] == "pass"
    assert debt["threshold"] == "≤ 60%"
    limit = body["reference_limit"]
    assert isinstance(limit["amount"], str) and limit["formula"].startswith("R = min(X × 0.35")
    # X × a = 16,896,626.00 × 0.35 = 5,913,819.10; Y = 8,775,557.00 − 3,861,245.08
    # = 4,914,311.92, × 0.70 = 3,440,018.34 (floored to the fen); Q = 790,000.00
    # → R = 3,440,018.34 − 790,000.00 = 2,650,018.34
    assert limit["amount"] == "2650018.34" and limit["binding"] == "equity_x_b"


def test_assessment_with_requested_amount_names_the_binding_candidate(
    seeded_client: FlaskClient,
) -> None:
    response = seeded_client.get(
        f"/api/v1/parties/{seed_uscc('P0024')}/assessment"
        "?as_of=2026-11-20&requested_amount=3000000",
        headers=bearer(seeded_client, "risk"),
    )
    granted = response.get_json()["granted"]
    # 3,000,000 requested > R = 2,650,018.34: the reference limit binds
    assert granted["amount"] == "2650018.34" and granted["binding"] == "reference_limit"


def test_assessment_on_a_future_date_is_refused_naming_as_of(seeded_client: FlaskClient) -> None:
    response = seeded_client.get(
        f"/api/v1/parties/{seed_uscc('P0006')}/assessment?as_of=2999-01-01",
        headers=bearer(seeded_client, "risk"),
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "as_of" in response.get_json()["errors"]


def test_market_administrator_cannot_assess_a_firm_outside_their_market(
    seeded_client: FlaskClient,
) -> None:
    uscc = seed_uscc("P0006")
    response = seeded_client.get(
        f"/api/v1/parties/{uscc}/assessment", headers=bearer(seeded_client, "mkt_steel")
    )
    assert response.status_code == 404
    assert "冀" not in response.get_data(as_text=True).replace(uscc, "")


def test_worked_pricing_case_gives_8_15_percent_and_6_79_per_mille(
    seeded_client: FlaskClient,
) -> None:
    """[000 第8篇] 4.86% × (1 + 0.55×0.15 + 0.65×0.25 + 0.75×0.25 + 0.70×0.35) = 8.15265%."""
    response = seeded_client.post(
        "/api/v1/pricing/quote", json=WORKED, headers=bearer(seeded_client, "rm_ts")
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["annual_rate"] == "0.08152650"
    assert body["annual_percent"] == "8.15" and body["monthly_permille"] == "6.79"


def test_json_numbers_are_read_as_exact_decimals(seeded_client: FlaskClient) -> None:
    """0.1 × (1 + 0.1×(0.1+0.2+0.3+0.4)) is 0.11 exactly; through a float it would be
    0.11000000000000001."""
    body = {
        "base_rate": 0.1,
        "coefficients": {k: 0.1 for k in WORKED["coefficients"]},
        "weights": {"credit_grade": 0.1, "guarantee": 0.2, "contribution": 0.3, "prospect": 0.4},
    }
    response = seeded_client.post(
        "/api/v1/pricing/quote", json=body, headers=bearer(seeded_client, "rm_ts")
    )
    assert response.status_code == 200, response.get_json()
    assert Decimal(response.get_json()["annual_rate"]) == Decimal("0.11")


def test_weights_that_do_not_sum_to_one_are_refused(seeded_client: FlaskClient) -> None:
    body = {**WORKED, "weights": {**WORKED["weights"], "prospect": "0.30"}}
    response = seeded_client.post(
        "/api/v1/pricing/quote", json=body, headers=bearer(seeded_client, "rm_ts")
    )
    assert response.status_code == 422
    assert "weights" in response.get_json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"base_rate": "0.0486"},
        {**WORKED, "uscc": "911302838N2PKHWM5A", "guarantee": "strong"},
        {"uscc": "911302838N2PKHWM5A"},
    ],
    ids=["neither-mode", "both-modes", "party-without-guarantee"],
)
def test_a_quote_needs_exactly_one_way_of_asking(seeded_client: FlaskClient, body: dict) -> None:
    response = seeded_client.post(
        "/api/v1/pricing/quote", json=body, headers=bearer(seeded_client, "rm_ts")
    )
    assert response.status_code == 422


def test_party_quote_derives_coefficients_from_rating_and_tier(seeded_client: FlaskClient) -> None:
    """P0024 on 2026-11-20: rating A- falls below the A band's floor, in the BBB band (0.55);
    key-supported → prospect good (0.50); main bank → contribution high (0.50); strong
    guarantee 0.65. 4.86% × (1 + 0.55×0.15 + 0.65×0.25 + 0.50×0.25 + 0.50×0.35)
    = 4.86% × 1.545 = 7.5087% a year (7.51%), 7.5087‰ / 12 = 6.257‰ a month (6.26‰)."""
    response = seeded_client.post(
        "/api/v1/pricing/quote",
        json={"uscc": seed_uscc("P0024"), "guarantee": "strong", "as_of": "2026-11-20"},
        headers=bearer(seeded_client, "risk"),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["coefficients"] == {
        "credit_grade": "0.55",
        "guarantee": "0.65",
        "contribution": "0.50",
        "prospect": "0.50",
    }
    assert Decimal(body["annual_rate"]) == Decimal("0.075087")
    assert body["annual_percent"] == "7.51" and body["monthly_permille"] == "6.26"
    assert body["inputs"]["tier"] == "key_supported"
    assert "assumed" in body["derived"]["prospect"]
