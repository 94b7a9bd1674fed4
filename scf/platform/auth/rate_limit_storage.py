"""Flask-Limiter's counters in the platform's database (``scf+database://``).

Every gunicorn worker must count the same attempts, or four workers allow four times
the limit; the in-memory storage counts per process. Redis is the usual shared store,
and ``SCF_RATELIMIT_STORAGE_URI=redis://…`` uses it; without it, the counters live here,
in ``rate_limit_counters``, so a deployment needs nothing beyond its database.

Fixed windows (the limiter's default strategy): one row per key, holding the hits and
the end of the current window. A hit is one statement, ``INSERT … ON CONFLICT DO
UPDATE … RETURNING``, atomic on PostgreSQL and SQLite alike, in a short transaction of
its own on its own connection: a refused or failed login still counts. Rows of windows
long over are deleted when a new window starts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from scf.platform.models import RateLimitCounter

SCHEME = "scf+database"
_STALE_AFTER_SECONDS = 86_400.0  # a window over for a day is nobody's any more

_counters = RateLimitCounter.__table__


class DatabaseStorage(Storage):
    """A ``limits`` storage on a SQLAlchemy engine (PostgreSQL or SQLite)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        *,
        engine: Engine,
        clock: Callable[[], float] = time.time,
        **options: Any,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine = engine
        self.clock = clock

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add ``amount`` hits to ``key``'s window, starting a new window of ``expiry``
        seconds if the last one is over; the hits in the window after this one."""
        now = self.clock()
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        over = _counters.c.expires_at <= now
        statement = (
            insert(_counters)
            .values(key=key, hits=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[_counters.c.key],
                set_={
                    "hits": sa.case((over, amount), else_=_counters.c.hits + amount),
                    "expires_at": sa.case((over, now + expiry), else_=_counters.c.expires_at),
                },
            )
            .returning(_counters.c.hits)
        )
        with self.engine.begin() as connection:
            hits = int(connection.execute(statement).scalar_one())
            if hits == amount:  # a new window: clear out windows long over
                connection.execute(
                    sa.delete(_counters).where(_counters.c.expires_at < now - _STALE_AFTER_SECONDS)
                )
        return hits

    def get(self, key: str) -> int:
        with self.engine.connect() as connection:
            hits = connection.execute(
                sa.select(_counters.c.hits).where(
                    _counters.c.key == key, _counters.c.expires_at > self.clock()
                )
            ).scalar()
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as connection:
            expires_at = connection.execute(
                sa.select(_counters.c.expires_at).where(_counters.c.key == key)
            ).scalar()
        now = self.clock()
        return float(expires_at) if expires_at is not None and expires_at > now else now

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.select(1))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return int(connection.execute(sa.delete(_counters)).rowcount)

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(_counters).where(_counters.c.key == key))
