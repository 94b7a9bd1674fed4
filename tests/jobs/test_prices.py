"""Prices in: bad rows reported and not loaded, good rows loaded, duplicates idempotent;
the same service behind ``POST /api/v1/prices`` and the CSV drop folder."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.errors import Forbidden
from scf.platform.models import CommodityPrice, User
from scf.platform.models.enums import Role
from scf.platform.services.admin.users import token_for
from scf.platform.services.collateral.prices import import_prices
from tests.jobs.conftest import Runner
from tests.jobs.network import Network

TODAY = dt.date(2026, 11, 20)
SYSTEM = Actor.system("test")


def prices(session: Session) -> dict[tuple[str, dt.date], Decimal]:
    rows = session.execute(
        sa.select(CommodityPrice.commodity_code, CommodityPrice.price_date, CommodityPrice.price)
    )
    return {(c, d): p for c, d, p in rows}


def rows(*items: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
    return [(f"r{i}", item) for i, item in enumerate(items, start=1)]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (
            {"commodity": "gold", "price_date": "2026-11-20", "price": "1"},
            "commodity",
            "unknown commodity",
        ),
        ({"price_date": "2026-11-20", "price": "1"}, "commodity", "required"),
        (
            {"commodity": "steel_rebar", "price_date": "20/11/2026", "price": "1"},
            "price_date",
            "bad date",
        ),
        (
            {"commodity": "steel_rebar", "price_date": "2026-11-21", "price": "1"},
            "price_date",
            "future",
        ),
        (
            {"commodity": "steel_rebar", "price_date": "2026-11-20", "price": 3484.18},
            "price",
            "float refused",
        ),
        (
            {"commodity": "steel_rebar", "price_date": "2026-11-20", "price": "abc"},
            "price",
            "not a number",
        ),
        (
            {"commodity": "steel_rebar", "price_date": "2026-11-20", "price": "0"},
            "price",
            "must be positive",
        ),
        (
            {"commodity": "steel_rebar", "price_date": "2026-11-20", "price": "1.00001"},
            "price",
            "4 places",
        ),
    ],
)
def test_a_bad_row_is_reported_by_field_and_not_loaded(
    net: Network, row: dict[str, object], field: str, words: str
) -> None:
    net.commodity("steel_rebar")
    good = {"commodity": "steel_rebar", "price_date": "2026-11-19", "price": "3484.18"}
    result = import_prices(net.session, SYSTEM, rows(good, row), source="t", as_of=TODAY)
    assert result.loaded == 1
    (rejected,) = result.rejected
    assert rejected.row == "r2" and words in " ".join(rejected.errors[field])
    assert prices(net.session) == {("steel_rebar", dt.date(2026, 11, 19)): Decimal("3484.1800")}


def test_the_same_prices_twice_change_nothing_and_a_different_one_is_a_conflict(
    net: Network,
) -> None:
    net.commodity("steel_rebar")
    batch = rows(
        {"commodity": "steel_rebar", "price_date": "2026-11-19", "price": "3484.18"},
        {"commodity": "steel_rebar", "price_date": "2026-11-20", "price": 3485},
        {"commodity": "steel_rebar", "price_date": "2026-11-20", "price": "3485.00"},  # repeated
    )
    first = import_prices(net.session, SYSTEM, batch, source="t", as_of=TODAY)
    assert (first.loaded, first.unchanged, first.rejected) == (2, 1, [])
    second = import_prices(net.session, SYSTEM, batch, source="t", as_of=TODAY)
    assert (second.loaded, second.unchanged, second.rejected) == (0, 3, [])
    changed = rows({"commodity": "steel_rebar", "price_date": "2026-11-19", "price": "3000"})
    third = import_prices(net.session, SYSTEM, changed, source="t", as_of=TODAY)
    assert (
        third.loaded == 0
        and "already recorded as 3484.1800" in third.rejected[0].errors["price"][0]
    )
    assert prices(net.session)[("steel_rebar", dt.date(2026, 11, 19))] == Decimal("3484.18")


def test_only_risk_officers_and_admins_load_prices(net: Network) -> None:
    rm = net.user("rm_prices", Role.RELATIONSHIP_MANAGER)
    with pytest.raises(Forbidden):
        import_prices(net.session, Actor.of(rm), [], source="t", as_of=TODAY)


def bearer(net: Network, role: Role) -> dict[str, str]:
    user: User = net.user(f"api_{role.value}", role)
    token, _ = token_for(net.session, user, 1)
    net.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_post_prices_loads_good_rows_and_reports_bad_ones(
    net: Network, client: FlaskClient
) -> None:
    net.commodity("steel_rebar")
    headers = bearer(net, Role.RISK_OFFICER)
    body = {
        "source": "exchange-feed",
        "prices": [
            {"commodity": "steel_rebar", "price_date": "2026-01-05", "price": "3484.18"},
            # a JSON number is read as an exact decimal (scf.platform.json), not a float
            {"commodity": "steel_rebar", "price_date": "2026-01-06", "price": 3490.1},
            {"commodity": "steel_rebar", "price_date": "2026-01-07", "price": "-1"},
        ],
    }
    response = client.post("/api/v1/prices", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["loaded"] == 2 and result["unchanged"] == 0
    assert result["rejected"][0]["row"] == "prices[2]"
    assert "must be positive" in result["rejected"][0]["errors"]["price"][0]
    stored = net.session.scalar(
        sa.select(CommodityPrice.price).where(CommodityPrice.price_date == dt.date(2026, 1, 6))
    )
    assert stored == Decimal("3490.1000")
    again = client.post("/api/v1/prices", json=body, headers=headers).get_json()
    assert (again["loaded"], again["unchanged"]) == (0, 2)


def test_post_prices_with_every_row_bad_is_422_problem(net: Network, client: FlaskClient) -> None:
    headers = bearer(net, Role.ADMIN)
    body = {"prices": [{"commodity": "unobtainium", "price_date": "2026-01-05", "price": "1"}]}
    response = client.post("/api/v1/prices", json=body, headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "unknown commodity" in response.get_json()["errors"]["prices[0]"][0]


def test_post_prices_by_a_relationship_manager_is_forbidden(
    net: Network, client: FlaskClient
) -> None:
    headers = bearer(net, Role.RELATIONSHIP_MANAGER)
    body = {"prices": [{"commodity": "steel_rebar", "price_date": "2026-01-05", "price": "1"}]}
    assert client.post("/api/v1/prices", json=body, headers=headers).status_code == 403


def test_price_files_are_imported_then_filed_away(net: Network, runner: Runner) -> None:
    net.commodity("steel_rebar")
    folder: Path = runner.settings.instance_path / "prices"
    folder.mkdir(parents=True)
    (folder / "2026-11-20.csv").write_text(
        "commodity,price_date,price\n"
        "steel_rebar,2026-11-20,2613.14\n"
        "steel_rebar,2026-11-19,-5\n"
        "copper,2026-11-20,70000\n",
        encoding="utf-8",
    )
    (folder / "broken.csv").write_text("name,value\nx,1\n", encoding="utf-8")
    outcome = runner.run("price_import", TODAY)
    assert outcome.status == "succeeded"
    assert (outcome.counts["files"], outcome.counts["loaded"], outcome.counts["rejected"]) == (
        2,
        1,
        3,
    )
    assert any("broken.csv" in p and "missing columns" in p for p in outcome.counts["problems"])
    assert prices(runner.session) == {("steel_rebar", TODAY): Decimal("2613.1400")}
    assert sorted(p.name for p in (folder / "processed").iterdir()) == [
        "2026-11-20.csv",
        "broken.csv",
    ]
    errors = (folder / "rejected" / "2026-11-20.csv.errors.csv").read_text(encoding="utf-8")
    assert "2026-11-20.csv:3,price" in errors and "2026-11-20.csv:4,commodity" in errors
    assert list(folder.glob("*.csv")) == []
    # A file dropped again (say the move failed after the commit) changes nothing.
    (folder / "again.csv").write_text(
        "commodity,price_date,price\nsteel_rebar,2026-11-20,2613.14\n"
    )
    again = runner.run("price_import", TODAY)
    assert (again.counts["loaded"], again.counts["unchanged"]) == (0, 1)
