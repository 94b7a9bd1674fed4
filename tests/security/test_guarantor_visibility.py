"""No figure of a party the proposer may not see reaches them (issue #12, finding 8).
Before, rm_sjz naming 唐山分行's P0118 as guarantor got its name, its size class and its
capacity (≤ 2,693,864.16) in the refusal. The guarantor's rules still decide — the
outcome, rule and clause are shown — but its figures are withheld."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api_auth import bearer

BORROWER_SJZ = "91130981X4T0QU500B"  # P0054, 石家庄分行, rm_sjz's
GUARANTOR_TS = "91130281NDYJKPEW24"  # P0118, 唐山分行, rm_ts's


def proposal(guarantor: str) -> dict[str, object]:
    return {
        "party": BORROWER_SJZ,
        "product": "credit",
        "amount": "500000.00",
        "start_date": "2026-11-20",
        "end_date": "2027-11-19",
        "repayment_method": "equal_principal",
        "guarantees": [{"guarantor": guarantor, "kind": "enterprise", "amount": "3000000.00"}],
    }


def test_another_branchs_guarantor_is_judged_without_showing_its_figures(
    seeded_client: FlaskClient,
) -> None:
    rm = bearer(seeded_client, "rm_sjz")
    refused = seeded_client.post("/api/v1/facilities", json=proposal(GUARANTOR_TS), headers=rm)
    assert refused.status_code == 422
    # 3,000,000 is over its capacity (2,693,864.16): the rule fails, and says so
    rules = {r["id"]: r for r in refused.get_json()["errors"]["rules"]}
    capacity = rules["guarantor_within_capacity"]
    assert capacity["observed"] == capacity["threshold"] == "（无权查看 hidden）"
    body = refused.get_data(as_text=True)
    for leak in ("2693864", "2,693,864", "唐山康川"):
        assert leak not in body
