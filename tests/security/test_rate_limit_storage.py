"""The login throttle's counters in the database: shared by every worker, one atomic
statement a hit, a new window once the last is over."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from scf.platform.auth.rate_limit_storage import DatabaseStorage
from scf.platform.db import Database
from scf.platform.models import RateLimitCounter
from tests.security.login_support import fresh

__all__ = ["fresh"]  # fixture


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_hits_count_within_the_window_and_start_again_after_it(fresh: Database) -> None:
    clock = Clock()
    storage = DatabaseStorage(engine=fresh.engine, clock=clock)
    assert [storage.incr("login/203.0.113.7", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("login/203.0.113.7") == 3 and storage.get("login/other") == 0
    assert storage.get_expiry("login/203.0.113.7") == 1_000_060.0
    clock.now += 59.9
    assert storage.incr("login/203.0.113.7", 60) == 4  # still the same window
    clock.now += 0.1  # the window's last instant is over
    assert storage.get("login/203.0.113.7") == 0
    assert storage.incr("login/203.0.113.7", 60) == 1
    assert storage.get_expiry("login/203.0.113.7") == 1_000_120.0


def test_concurrent_hits_are_all_counted(fresh: Database) -> None:
    storage = DatabaseStorage(engine=fresh.engine)
    start = threading.Barrier(8)

    def hit() -> None:
        start.wait()
        for _ in range(5):
            storage.incr("login/198.51.100.1", 60)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert storage.get("login/198.51.100.1") == 40


def test_windows_over_for_a_day_are_cleared_when_a_new_one_starts(fresh: Database) -> None:
    clock = Clock()
    storage = DatabaseStorage(engine=fresh.engine, clock=clock)
    storage.incr("login/old", 60)
    clock.now += 86_400 + 61
    storage.incr("login/new", 60)
    with fresh.engine.connect() as connection:
        keys = connection.scalars(sa.select(RateLimitCounter.key)).all()
    assert keys == ["login/new"]


def test_clear_reset_and_check(fresh: Database) -> None:
    storage = DatabaseStorage(engine=fresh.engine)
    storage.incr("a", 60)
    storage.incr("b", 60)
    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 1
    assert storage.check() is True
