"""The planted cases of the demo network (seed/README.md), through the API and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from scf.platform.cli import main
from scf.platform.demo.seed_loader import DEMO_PASSWORD
from tests.conftest import make_test_app

AS_OF = "2026-11-20"
SEED = Path(__file__).parents[2] / "seed" / "data"
with (SEED / "parties.csv").open(encoding="utf-8") as _file:
    PARTIES = {row["key"]: row for row in csv.DictReader(_file)}


def uscc(key: str) -> str:
    return PARTIES[key]["uscc"]


@pytest.fixture()
def seeded_client(seeded_url: str, tmp_path: Path) -> Iterator[FlaskClient]:
    app: Flask = make_test_app(seeded_url, tmp_path)
    yield app.test_client()
    app.extensions["scf_db"].engine.dispose()


def token(client: FlaskClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/tokens", json={"username": username, "password": DEMO_PASSWORD}
    )
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_the_three_planted_circles_and_the_small_firm_breach(seeded_client: FlaskClient) -> None:
    response = seeded_client.get(
        f"/api/v1/guarantee-circles?as_of={AS_OF}&page_size=100",
        headers=token(seeded_client, "risk"),
    )
    assert response.status_code == 200
    circles = response.get_json()
    members = [sorted(m["uscc"] for m in c["members"]) for c in circles]
    assert sorted(uscc(k) for k in ("P0308", "P0310")) in members
    assert sorted(uscc(k) for k in ("P0486", "P0492", "P0498")) in members
    assert sorted(uscc(k) for k in ("P1008", "P1010", "P1012", "P1014", "P1016")) in members
    pair = next(c for c in circles if c["size"] == 2)
    assert pair["breaches"][0]["clause"] == "[003 §七(二)5]"
    # R01626/R01627: 1,700,000 + 1,900,000
    assert pair["guaranteed_amount"] == "3600000.00"
    five = next(c for c in circles if c["size"] == 5)
    assert len(five["cycles"]) == 1 and len(five["cycles"][0]) == 5


def test_control_chain_through_a_person_forms_the_steel_group(seeded_client: FlaskClient) -> None:
    body = seeded_client.get(
        f"/api/v1/exposure/{uscc('P0003')}?as_of={AS_OF}", headers=token(seeded_client, "risk")
    ).get_json()
    group = {m["uscc"] for m in body["related_party_group"]["members"]}
    # controller P0001 (a person: no code) -> P0002 80% -> P0003 62% -> P0006 100%,
    # P0460 51%, P0008 35%: six members.
    assert len(body["related_party_group"]["members"]) == 6
    assert {uscc(k) for k in ("P0002", "P0003", "P0006", "P0008", "P0460")} <= group
    assert body["chain"]["total"] == str(
        sum(
            map(
                lambda k: Decimal(body["chain"][k]),
                ("own", "receivable_financing", "dealer_financing"),
            )
        )
    )


def test_market_administrator_sees_outside_parties_only_as_stubs(
    seeded_client: FlaskClient,
) -> None:
    # P0600 administers M001 and guarantees merchants; market administrator of M001 asks
    # for the ego network of their own administrator company.
    response = seeded_client.get(
        f"/api/v1/network/{uscc('P0600')}?as_of={AS_OF}&radius=1",
        headers=token(seeded_client, "mkt_steel"),
    )
    assert response.status_code == 200
    body = response.get_json()
    assert any(n["type"] == "market" for n in body["nodes"])
    for node in body["nodes"]:
        if node["hidden"]:
            assert set(node) == {"id", "hidden", "type", "depth"}
    other = seeded_client.get(
        f"/api/v1/network/{uscc('P0003')}", headers=token(seeded_client, "mkt_steel")
    )
    assert other.status_code == 404


def test_relationship_write_refused_for_market_administrators_and_bad_input(
    seeded_client: FlaskClient,
) -> None:
    refused = seeded_client.post(
        "/api/v1/relationships",
        json={"kind": "controls", "source": uscc("P0600"), "target": uscc("P0602")},
        headers=token(seeded_client, "mkt_steel"),
    )
    assert refused.status_code == 403
    bad = seeded_client.post(
        "/api/v1/relationships",
        json={
            "kind": "guarantees",
            "source": uscc("P0308"),
            "target": uscc("P0308"),
            "amount": "100.00",
        },
        headers=token(seeded_client, "risk"),
    )
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert "target" in bad.get_json()["errors"]
    # A JSON number is read as an exact decimal (scf.platform.json), then validated.
    over = seeded_client.post(
        "/api/v1/relationships",
        json={
            "kind": "holds_shares",
            "source": uscc("P0308"),
            "target": uscc("P0310"),
            "percentage": 1.5,
        },
        headers=token(seeded_client, "risk"),
    )
    assert over.status_code == 422 and "percentage" in over.get_data(as_text=True)


def test_stress_scenarios_by_role(seeded_client: FlaskClient) -> None:
    """Risk officers run any scenario; a relationship manager only the default of a
    party they see (P0486 is not rm_sjz's: unknown, like a code that does not exist),
    never a commodity shock (403); market administrators none."""
    scenario = {"as_of": AS_OF, "defaults": [uscc("P0486")]}
    hidden = seeded_client.post(
        "/api/v1/stress", json=scenario, headers=token(seeded_client, "rm_sjz")
    )
    assert hidden.status_code == 422
    assert "defaults[0]" in hidden.get_json()["errors"]
    assert PARTIES["P0486"]["name"] not in hidden.get_data(as_text=True)
    shock = {"as_of": AS_OF, "shocks": {"steel_rebar": "-0.20"}}
    assert (
        seeded_client.post(
            "/api/v1/stress", json=shock, headers=token(seeded_client, "rm_sjz")
        ).status_code
        == 403
    )
    own = seeded_client.post(
        "/api/v1/stress",
        json={"as_of": AS_OF, "defaults": [uscc("P0308")]},
        headers=token(seeded_client, "rm_ts"),
    )
    assert own.status_code == 200 and own.get_json()["complete"] is True
    assert (
        seeded_client.post(
            "/api/v1/stress", json=scenario, headers=token(seeded_client, "mkt_steel")
        ).status_code
        == 403
    )
    response = seeded_client.post(
        "/api/v1/stress", json=scenario, headers=token(seeded_client, "risk")
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["rounds"][0]["parties"][0]["uscc"] == uscc("P0486")
    assert body["total_loss"] == str(sum(Decimal(x["loss"]) for x in body["losses"]))


def test_cli_circles_exposure_and_stress(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SCF_DATABASE_URL", seeded_url)
    monkeypatch.setenv("SCF_INSTANCE_PATH", str(tmp_path))
    runner = CliRunner()
    circles = runner.invoke(main, ["network", "circles", "--as-of", AS_OF, "--json"])
    assert circles.exit_code == 0, circles.output
    assert len(json.loads(circles.output)) == 3
    table = runner.invoke(main, ["network", "circles", "--as-of", AS_OF])
    assert "共 3 个担保圈" in table.output and "[003 §七(二)5]" in table.output
    exposure = runner.invoke(main, ["network", "exposure", uscc("P0003"), "--as-of", AS_OF])
    assert exposure.exit_code == 0 and "供应链 chain" in exposure.output
    stress = runner.invoke(
        main, ["network", "stress", "--shock", "steel_rebar=-20%", "--as-of", AS_OF, "--json"]
    )
    assert stress.exit_code == 0, stress.output
    assert json.loads(stress.output)["scenario"]["shocks"] == {"steel_rebar": "-0.2"}
    bad = runner.invoke(main, ["network", "stress", "--shock", "steel_rebar"])
    assert bad.exit_code == 1 and "COMMODITY=-20%" in bad.output
    assert dt.date.fromisoformat(AS_OF)
