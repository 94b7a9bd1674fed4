"""Property-based fuzzing of the whole API from its OpenAPI document (schemathesis).

For every operation, inputs generated from the document — and mutated past it — are
sent with each role's bearer token on the demo network (rolled back afterwards). Two
properties must hold whatever is sent:

- no answer is a 500: bad input is a 4xx naming what was wrong (issue #12, finding 12);
- a market administrator's successful answers never name a party outside what they may
  see (issue #12, finding 8): the unified social credit codes of every other party are
  looked for in each 2xx body.

The operations are listed at collection time from an application that needs no
database (the document does not depend on data); each runs against the seeded one.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from scf.platform import create_app
from scf.platform.auth.access import Actor, visible_party_ids
from scf.platform.config import Settings
from scf.platform.models import Party, User
from tests.api_auth import bearer
from tests.conftest import make_test_app

ROLES = ("admin", "risk", "rm_ts", "mkt_steel")
EXAMPLES = 6  # per operation and role: ~1,200 requests a backend
USCC = re.compile(r"\b[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b")


def _operations() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        settings_ = Settings.from_env(
            overrides={
                "database_url": f"sqlite:///{tmp}/spec.sqlite3",
                "secret_key": "s" * 40,
                "instance_path": Path(tmp),
            }
        )
        app = create_app(settings_, check_database=False)
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        operations = [(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()]
        app.extensions["scf_db"].engine.dispose()
    return sorted(operations)


OPERATIONS = _operations()


class Target:
    """The seeded application, its schema, each role's token, and what the market
    administrator may not see."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        client = app.test_client()
        self.tokens = {user: bearer(client, user) for user in ROLES}
        database = app.extensions["scf_db"]
        with database.sessionmaker() as session:
            self.hidden_from_market = _hidden_usccs(session, "mkt_steel")

    def operation(self, method: str, path: str) -> Any:
        return self.schema[path][method]


def _hidden_usccs(session: Session, username: str) -> frozenset[str]:
    user = session.scalar(sa.select(User).where(User.username == username))
    assert user is not None
    visible = visible_party_ids(session, Actor.of(user))
    assert visible is not None, "a market administrator sees a bounded set"
    rows = session.execute(sa.select(Party.id, Party.uscc).where(Party.uscc.is_not(None)))
    return frozenset(uscc for party_id, uscc in rows if party_id not in visible)


@pytest.fixture()
def target(seeded_url: str, seeded_connection: sa.Connection, tmp_path: Path) -> Iterator[Target]:
    app = make_test_app(seeded_url, tmp_path, seeded_connection)
    yield Target(app)
    app.extensions["scf_db"].engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_input_gets_a_500_and_no_answer_leaks_another_market(
    target: Target, method: str, path: str
) -> None:
    operation = target.operation(method, path)

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        for user, headers in target.tokens.items():
            response = case.call(headers={**(case.headers or {}), **headers})
            body = response.content.decode("utf-8", errors="replace")  # downloads are binary
            where = f"{user}: {case.method} {case.formatted_path} → {response.status_code}"
            assert response.status_code < 500, f"{where}\n{body[:800]}"
            if user == "mkt_steel" and 200 <= response.status_code < 300:
                leaked = set(USCC.findall(body)) & target.hidden_from_market
                assert not leaked, f"{where} names parties outside the market: {sorted(leaked)[:5]}"

    check()
