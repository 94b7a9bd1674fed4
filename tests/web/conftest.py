"""Fixtures for the pages and the access tests: the demo network, logged-in clients.

``seeded_app`` serves the seeded database inside a transaction that is rolled back
after the test, so logins, audit entries and administrators' changes never reach the
shared seeded database.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.demo.seed_loader import DEFAULT_DATA_DIR, DEMO_PASSWORD
from scf.platform.models import Relationship
from scf.platform.models.enums import RelationshipKind
from tests.conftest import make_test_app


def seed_rows(name: str) -> dict[str, dict[str, str]]:
    with (DEFAULT_DATA_DIR / f"{name}.csv").open(encoding="utf-8") as handle:
        return {row["key"]: row for row in csv.DictReader(handle)}


def party_uscc(key: str) -> str:
    return seed_rows("parties")[key]["uscc"]


def party_name(key: str) -> str:
    return seed_rows("parties")[key]["name"]


@pytest.fixture()
def seeded_app(
    seeded_url: str, seeded_connection: sa.Connection, tmp_path: Path
) -> Iterator[Flask]:
    app = make_test_app(seeded_url, tmp_path, seeded_connection)
    yield app
    app.extensions["scf_db"].engine.dispose()


@pytest.fixture()
def web(seeded_app: Flask) -> FlaskClient:
    return seeded_app.test_client()


@pytest.fixture()
def seeded_session(seeded_connection: sa.Connection) -> Iterator[Session]:
    """The seeded data inside the test's transaction, as the app under test sees it."""
    with Session(bind=seeded_connection, join_transaction_mode="create_savepoint") as session:
        yield session


def market_party_ids(session: Session, market_id: int) -> set[int]:
    """Who is inside a market, as ``access.market_party_ids`` counts: merchants and
    administrators, whatever the dates."""
    return set(
        session.scalars(
            sa.select(Relationship.source_party_id).where(
                Relationship.target_market_id == market_id,
                Relationship.kind.in_(
                    [RelationshipKind.MEMBER_OF_MARKET, RelationshipKind.ADMINISTERS]
                ),
            )
        )
    )


def loan_id(connection: sa.Connection, code: str) -> int:
    return int(connection.scalar(sa.text("SELECT id FROM loans WHERE code = :c"), {"c": code}))


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    found = CSRF.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def log_in(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in as ``username`` (whoever was logged in before is logged out)."""
    client.delete_cookie("session")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def post_form(
    client: FlaskClient, path: str, data: dict[str, str], page: str = "/parties"
) -> object:
    """Post a form as the browser would: with the CSRF token of a page just loaded."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})
