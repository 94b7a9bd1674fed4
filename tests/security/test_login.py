"""Logins that cannot be raced, enumerated or used to lock an account for good (issue #12,
finding 9).

The probe found: 40 concurrent wrong passwords, 20 of them checked before the lock
(limit 5); a "locked" message only real usernames got, answered in 2.9 ms instead of
102 ms (no password hash verified); and a fixed 15-minute lock that five requests from
anyone renew. Settings here are the defaults: back-off after ``login_max_failures`` (5)
failures in a row, first for 1 minute, doubling with each further failure, at most
``login_lockout_minutes`` (15).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.test import TestResponse as Response

from scf.platform.db import Database
from scf.platform.errors import Conflict
from scf.platform.models import User
from scf.platform.models.types import utcnow
from scf.platform.services.admin.login import authenticate
from tests.security.login_support import (
    VICTIM,
    VICTIM_PASSWORD,
    WRONG,
    CountingHasher,
    app_on,
    fresh,
    hasher,
)

__all__ = ["fresh", "hasher"]  # fixtures


def attempt(database: Database, password: str, username: str = VICTIM) -> bool:
    """One login through the use case, in a session of its own; True when it succeeds."""
    with database.session() as session:
        result = authenticate(session, username, password, max_failures=5, lockout_minutes=15)
        return result.user is not None


def victim(database: Database) -> User:
    with database.session() as session:
        return session.scalars(sa.select(User).where(User.username == VICTIM)).one()


def wait_left(database: Database) -> dt.timedelta:
    """How long the victim must still wait (zero when they need not)."""
    locked_until = victim(database).locked_until
    return max(locked_until - utcnow(), dt.timedelta(0)) if locked_until else dt.timedelta(0)


def let_the_backoff_pass(database: Database) -> None:
    """Move the end of the back-off into the past, as if the wait were over."""
    with database.session() as session:
        session.execute(
            sa.update(User)
            .where(User.username == VICTIM, User.locked_until.is_not(None))
            .values(locked_until=utcnow() - dt.timedelta(seconds=1))
        )
        session.commit()


def test_forty_concurrent_wrong_passwords_verify_at_most_five(
    fresh: Database, hasher: CountingHasher
) -> None:
    """Each attempt is counted in the database before its password is verified, under the
    user's row lock: the sixth attempt finds the back-off whatever the interleaving."""
    real_hash = victim(fresh).password_hash
    start = threading.Barrier(40)
    outcomes: list[bool | str] = []

    def guess() -> None:
        start.wait()
        try:
            outcomes.append(attempt(fresh, WRONG))
        except Conflict:  # SQLite under load: the write lock not free within its timeout
            outcomes.append("busy, nothing written")

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == 40 and True not in outcomes
    checked = hasher.verified[real_hash]
    assert checked == victim(fresh).failed_logins
    assert checked == 5 if "busy, nothing written" not in outcomes else checked <= 5


@pytest.mark.parametrize("case", ["unknown user", "backing off", "wrong password"])
def test_unknown_backing_off_and_wrong_get_one_answer_after_one_verification(
    fresh: Database, hasher: CountingHasher, tmp_path: Path, case: str
) -> None:
    """Nothing tells the three apart: the same status and body, and each verifies exactly
    one password hash (the unknown and the backing-off against a stand-in hash), so the
    time taken does not tell either."""
    for _ in range(5):
        attempt(fresh, WRONG)
    assert wait_left(fresh) > dt.timedelta(0)
    if case == "wrong password":
        let_the_backoff_pass(fresh)
    client = app_on(fresh, tmp_path).test_client()
    username, password = {
        "unknown user": ("nobody-here", WRONG),
        "backing off": (VICTIM, VICTIM_PASSWORD),  # even the right password waits
        "wrong password": (VICTIM, WRONG),
    }[case]
    before = hasher.total
    response = client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
    assert hasher.total - before == 1
    assert response.status_code == 401
    assert response.get_json() == {
        "type": "about:blank",
        "title": "未授权 (unauthorized)",
        "status": 401,
        "detail": "用户名或密码错误，或尝试过于频繁，请稍后再试 "
        "(wrong username or password, or too many attempts: try again later)",
    }


def test_the_page_gives_one_answer_for_unknown_backing_off_and_wrong(
    fresh: Database, tmp_path: Path
) -> None:
    for _ in range(5):
        attempt(fresh, WRONG)
    client = app_on(fresh, tmp_path).test_client()
    pages = []
    for username, password in (("nobody-here", WRONG), (VICTIM, VICTIM_PASSWORD)):
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        assert response.status_code == 401
        pages.append(
            re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))
        )
    assert "用户名或密码错误，或尝试过于频繁，请稍后再试。" in pages[0]
    assert pages[0] == pages[1]


def test_the_fifth_failure_starts_a_one_minute_backoff_and_the_right_password_then_works(
    fresh: Database,
) -> None:
    for _ in range(4):
        assert attempt(fresh, WRONG) is False
    assert wait_left(fresh) == dt.timedelta(0)  # four failures: no wait yet
    assert attempt(fresh, WRONG) is False
    assert dt.timedelta(seconds=55) < wait_left(fresh) <= dt.timedelta(minutes=1)
    assert attempt(fresh, VICTIM_PASSWORD) is False  # within the back-off
    let_the_backoff_pass(fresh)
    assert attempt(fresh, VICTIM_PASSWORD) is True
    assert (victim(fresh).failed_logins, victim(fresh).locked_until) == (0, None)


def test_each_further_failure_doubles_the_wait_up_to_fifteen_minutes(fresh: Database) -> None:
    """An attacker's guesses slow down exponentially, but the account is never locked for
    longer than 15 minutes: waiting that long always lets its owner back in."""
    for _ in range(5):
        attempt(fresh, WRONG)
    waits = []
    for _ in range(6):
        let_the_backoff_pass(fresh)
        attempt(fresh, WRONG)
        waits.append(round(wait_left(fresh).total_seconds() / 60))
    assert waits == [2, 4, 8, 15, 15, 15]
    let_the_backoff_pass(fresh)
    assert attempt(fresh, VICTIM_PASSWORD) is True


def test_attempts_within_the_backoff_neither_count_nor_extend_it(fresh: Database) -> None:
    for _ in range(5):
        attempt(fresh, WRONG)
    first = victim(fresh).locked_until
    for _ in range(10):
        attempt(fresh, WRONG)
    assert victim(fresh).failed_logins == 5 and victim(fresh).locked_until == first


def page_login(client: FlaskClient, address: str, username: str, password: str) -> Response:
    environ = {"REMOTE_ADDR": address}
    page = client.get("/login", environ_base=environ).get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def ten_posts(client: FlaskClient, address: str) -> list[int]:
    """Ten logins from ``address``, alternating the page and the API."""
    statuses = []
    for n in range(10):
        if n % 2:
            response = client.post(
                "/api/v1/auth/tokens",
                json={"username": "nobody-here", "password": WRONG},
                environ_base={"REMOTE_ADDR": address},
            )
        else:
            response = page_login(client, address, "nobody-here", WRONG)
        statuses.append(response.status_code)
    return statuses


def test_the_eleventh_login_in_a_minute_from_one_address_is_refused(
    fresh: Database, tmp_path: Path
) -> None:
    """Ten failures a minute per address, the page and the API together; then even the
    right password waits. Another address is not affected. The limiter's counters live in the database (no SCF_RATELIMIT_STORAGE_URI)."""
    client = app_on(fresh, tmp_path).test_client()
    assert ten_posts(client, "203.0.113.7") == [401] * 10
    page = page_login(client, "203.0.113.7", VICTIM, VICTIM_PASSWORD)
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "尝试过于频繁" in page.get_data(as_text=True)
    api = client.post(
        "/api/v1/auth/tokens",
        json={"username": VICTIM, "password": VICTIM_PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert api.status_code == 429 and api.mimetype == "application/problem+json"
    assert api.get_json()["status"] == 429
    other = client.post(
        "/api/v1/auth/tokens",
        json={"username": VICTIM, "password": VICTIM_PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.8"},
    )
    assert other.status_code == 201
    assert client.get("/login", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 200


def test_successful_logins_do_not_spend_the_budget(fresh: Database, tmp_path: Path) -> None:
    """Staff of a branch behind one NAT address logging in all at once are not throttled:
    only refusals count."""
    client = app_on(fresh, tmp_path).test_client()
    statuses = [
        client.post(
            "/api/v1/auth/tokens",
            json={"username": VICTIM, "password": VICTIM_PASSWORD},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
        ).status_code
        for _ in range(15)
    ]
    assert statuses == [201] * 15
    assert ten_posts(client, "192.0.2.1") == [401] * 10  # the whole budget is still there


def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled(
    fresh: Database, tmp_path: Path
) -> None:
    """With ``SCF_TRUSTED_PROXIES=1`` the address the proxy saw (the last one it added to
    X-Forwarded-For) is the client's; what the client wrote before it is not trusted."""
    client = app_on(fresh, tmp_path, trusted_proxies=1).test_client()

    def post(forwarded: str) -> int:
        return client.post(
            "/api/v1/auth/tokens",
            json={"username": "nobody-here", "password": WRONG},
            headers={"X-Forwarded-For": forwarded},
        ).status_code

    assert [post(f"198.51.100.{n}, 203.0.113.7") for n in range(10)] == [401] * 10
    assert post("198.51.100.99, 203.0.113.7") == 429  # a forged first hop does not help
    assert post("203.0.113.9") == 401  # another client behind the same proxy
