"""Every GET route of the API, asked by a market administrator for their own market's
objects and for others': no answer names a party outside their market (issue 12,
finding 8).

"Names" is read strictly: a party's name, code or customer number, but also an
anonymised stand-in for it (``"hidden": true``: the stub tells that something outside
is there, and its edges tell how it is tied), and the bank's own figures (net capital,
the limits and headroom computed from it). The table must list every GET route, so a
new route is added here before it ships.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.models import (
    Alert,
    Drawdown,
    Facility,
    Loan,
    Party,
    Programme,
    Relationship,
    WarehouseReceipt,
)
from scf.platform.models.enums import AlertStatus, DrawdownStatus, Severity
from tests.api_auth import bearer
from tests.web.conftest import market_party_ids, party_uscc

AS_OF = "2026-11-20"
NET_CAPITAL = "5000000000"  # SCF_BANK_NET_CAPITAL's default (scf.platform.config)


@pytest.fixture()
def session(seeded_session: Session) -> Session:
    return seeded_session


def _objects(session: Session) -> dict[str, Any]:
    """One object of each kind inside M001 and one outside it, by what the routes take."""

    def one(query: sa.Select[Any]) -> Any:
        found = session.scalar(query.limit(1))
        assert found is not None, str(query)
        return found

    inside = market_party_ids(session, 1)
    facility_in = one(sa.select(Facility.id).where(Facility.party_id.in_(inside)))
    facility_out = one(sa.select(Facility.id).where(Facility.party_id.not_in(inside)))
    drawdowns = []
    for facility_id in (facility_in, facility_out):
        drawdown = Drawdown(
            facility_id=facility_id,
            amount=Decimal("1000.00"),
            requested_on=dt.date(2026, 11, 20),
            status=DrawdownStatus.PENDING,
            reason={},
        )
        session.add(drawdown)
        drawdowns.append(drawdown)
    alerts = [
        Alert(
            rule="overdue",
            severity=Severity.WARNING,
            status=AlertStatus.OPEN,
            dedup_key=f"leak-test:{market}",
            subject_type="party",
            subject_id=party,
            party_id=party,
            market_id=market,
            message="逾期",
            figures={},
            first_seen_on=dt.date(2026, 11, 20),
            last_seen_on=dt.date(2026, 11, 20),
        )
        for party, market in ((sorted(inside)[0], 1), (sorted(market_party_ids(session, 2))[0], 2))
    ]
    session.add_all(alerts)
    session.flush()
    merchant_in = party_uscc("P0628")
    return {
        "uscc": [party_uscc("P0600"), merchant_in, party_uscc("P0612"), party_uscc("P0964")],
        "market_id": [1, 2],
        "loan_id": [
            one(sa.select(Loan.id).where(Loan.code == "L0141")),
            one(sa.select(Loan.id).where(Loan.code == "L0223")),
        ],
        "facility_id": [facility_in, facility_out],
        "drawdown_id": [d.id for d in drawdowns],
        "programme_id": list(session.scalars(sa.select(Programme.id).order_by(Programme.id))),
        "alert_id": [a.id for a in alerts],
        "batch_id": [1],
        "relationship_id": [
            one(
                sa.select(Relationship.id).where(
                    Relationship.source_party_id.in_(inside),
                    Relationship.target_party_id.isnot(None),
                )
            ),
            one(sa.select(Relationship.id).where(Relationship.source_party_id.not_in(inside))),
        ],
        "number": [
            one(
                sa.select(WarehouseReceipt.number).where(
                    WarehouseReceipt.owner_party_id.in_(inside)
                )
            ),
            one(
                sa.select(WarehouseReceipt.number).where(
                    WarehouseReceipt.owner_party_id.not_in(inside)
                )
            ),
        ],
        # lists and their filters
        "?": [f"as_of={AS_OF}&page_size=100", f"party={merchant_in}&as_of={AS_OF}&page_size=100"],
    }


# route -> the query strings asked of it (each with every value of its path parameter)
ROUTES: dict[str, list[str]] = {
    "/api/v1/alerts": ["page_size=100"],
    "/api/v1/alerts/<int:alert_id>": [""],
    "/api/v1/drawdowns/<int:drawdown_id>": [""],
    "/api/v1/exposure/<string:uscc>": [f"as_of={AS_OF}"],
    "/api/v1/facilities": ["page_size=100", "party={merchant}"],
    "/api/v1/facilities/<int:facility_id>": [f"as_of={AS_OF}"],
    "/api/v1/facilities/<int:facility_id>/drawdowns": [""],
    "/api/v1/guarantee-circles": [f"as_of={AS_OF}&page_size=100", "page_size=100&min_size=2"],
    "/api/v1/loans/<int:loan_id>": [f"as_of={AS_OF}"],
    "/api/v1/loans/<int:loan_id>/repayments": [""],
    "/api/v1/markets": [""],
    "/api/v1/markets/<int:market_id>": [""],
    "/api/v1/markets/<int:market_id>/loans": [f"as_of={AS_OF}&page_size=100"],
    "/api/v1/markets/<int:market_id>/merchants": [f"as_of={AS_OF}&page_size=100"],
    "/api/v1/network/<string:uscc>": [f"as_of={AS_OF}&radius=3", "radius=2&types=guarantees"],
    "/api/v1/onboarding": ["page_size=100"],
    "/api/v1/onboarding/<int:batch_id>": [""],
    "/api/v1/parties": ["page_size=100", "page_size=100&q=石家庄", "page_size=100&role=merchant"],
    "/api/v1/parties/<string:uscc>": [f"as_of={AS_OF}"],
    "/api/v1/parties/<string:uscc>/assessment": [f"as_of={AS_OF}"],
    "/api/v1/programmes/<int:programme_id>/usage": [""],
    "/api/v1/relationships": [f"party={{merchant}}&as_of={AS_OF}", "party={administrator}"],
    "/api/v1/relationships/<int:relationship_id>": [""],
    "/api/v1/warehouse-receipts/<string:number>": [""],
}
NOT_ABOUT_PARTIES = {
    "/api/v1/docs",  # the interactive documentation, the same for everyone
    "/api/v1/openapi.json",
    "/api/v1/onboarding/template",  # an empty file
}


def test_the_table_lists_every_get_route(web: FlaskClient) -> None:
    rules = {
        rule.rule
        for rule in web.application.url_map.iter_rules()
        if rule.rule.startswith("/api/") and "GET" in (rule.methods or set())
    }
    assert rules - NOT_ABOUT_PARTIES == set(ROUTES)


def _requests(objects: dict[str, Any]) -> Iterator[str]:
    fills = {"merchant": party_uscc("P0628"), "administrator": party_uscc("P0600")}
    for rule, queries in ROUTES.items():
        parameter = rule.split("<")[1].split(">")[0].split(":")[1] if "<" in rule else None
        values = objects[parameter] if parameter else [None]
        for value in values:
            path = rule if value is None else rule.split("<")[0] + str(value) + rule.split(">")[1]
            for query in queries:
                query = query.format(**fills)
                yield f"{path}?{query}" if query else path


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    elif isinstance(data, str):
        yield data


def _stubs(data: Any) -> int:
    if isinstance(data, dict):
        own = 1 if data.get("hidden") is True else 0
        return own + sum(_stubs(v) for v in data.values())
    if isinstance(data, list):
        return sum(_stubs(v) for v in data)
    return 0


def test_no_answer_to_a_market_administrator_names_a_party_outside_their_market(
    web: FlaskClient, session: Session
) -> None:
    inside = market_party_ids(session, 1)
    rows = session.execute(sa.select(Party.id, Party.uscc, Party.name, Party.customer_number))
    outside_codes: set[str] = set()
    outside_names: set[str] = set()
    inside_names: set[str] = set()
    for pid, uscc, name, number in rows:
        if pid in inside:
            inside_names.add(name)
        else:
            outside_names.add(name)
            outside_codes.update(c for c in (uscc, number) if c)
    outside_names -= inside_names
    headers = bearer(web, "mkt_steel")
    leaks = []
    asked = 0
    for path in _requests(_objects(session)):
        response = web.get(path, headers=headers)
        asked += 1
        assert response.status_code < 500, path
        text = response.get_data(as_text=True)
        data = response.get_json(silent=True)
        typed = path.split("?")[0].rsplit("/", 2)
        named = [s for s in _strings(data) if s in outside_names]
        coded = [c for c in outside_codes if c in text and c not in typed]
        stubs = _stubs(data)
        capital = NET_CAPITAL in text.replace(".00", "")
        if named or coded or stubs or capital:
            leaks.append(f"{path}: names {named[:2]} codes {coded[:2]} stubs {stubs} {capital=}")
    assert asked > 50
    assert not leaks, "\n".join(leaks)
