"""Lending benchmark: drawdown throughput, alone and under contention, and the facility page.

    .venv/bin/python -m bench.lending                      # SQLite in a temporary file
    SCF_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m bench.lending                  # PostgreSQL, schema bench_lending

Figures, not assertions (targets are not timed tests): sequential drawdowns (check +
block + disburse + commit), the same with 20 threads on one facility (row locks queue
them), and the read model behind the facility page on the demo network.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from bench.databases import fresh_database_url
from scf.platform.auth.access import Actor
from scf.platform.db import create_db_engine, json_dumps
from scf.platform.demo.lending_world import build_world
from scf.platform.demo.seed_loader import SEED_AS_OF, load_seed
from scf.platform.errors import Conflict, RuleRefused
from scf.platform.migrate import upgrade
from scf.platform.models import Facility
from scf.platform.services.lending.drawdowns import DrawdownRequest, request_drawdown
from scf.platform.services.lending.queries import facility_view

SEQUENTIAL = 200
THREADS = 20
PER_THREAD = 10


def fresh_engine(name: str) -> sa.Engine:
    """A migrated database of the run's own: on SQLite with the platform's transaction
    recipe, on PostgreSQL with a pool as wide as the threads."""
    url = fresh_database_url(f"bench_{name}", Path(tempfile.mkdtemp()))
    if url.startswith("sqlite"):
        engine = create_db_engine(url)
    else:
        engine = sa.create_engine(url, pool_size=THREADS, json_serializer=json_dumps)
    upgrade(engine)
    return engine


def build(engine: sa.Engine) -> tuple[sessionmaker, Actor, int]:  # type: ignore[type-arg]
    """The lending world and one facility granted on it (each use case commits itself)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session:
        world = build_world(session)
        facility = world.grant(
            product="credit",
            programme_code=None,
            repayment_method="equal_principal",
            registered_and_operating_locally=True,
            amount=Decimal("1000000"),
        )
        return factory, world.actor("rm"), facility.id


def request(amount: str) -> DrawdownRequest:
    return DrawdownRequest(
        amount=Decimal(amount),
        requested_on=dt.date(2026, 11, 3),
        maturity_date=dt.date(2027, 5, 3),
        instalments=6,
    )


def sequential(factory: sessionmaker, actor: Actor, facility_id: int) -> list[float]:  # type: ignore[type-arg]
    times = []
    for _ in range(SEQUENTIAL):
        start = time.perf_counter()
        with factory() as session:
            request_drawdown(session, actor, facility_id, request("1000"))
        times.append(time.perf_counter() - start)
    return times


def contended(factory: sessionmaker, actor: Actor, facility_id: int) -> tuple[float, int, int, int]:  # type: ignore[type-arg]
    granted = refused = busy = 0
    lock = threading.Lock()

    def worker() -> None:
        nonlocal granted, refused, busy
        for _ in range(PER_THREAD):
            with factory() as session:
                try:
                    request_drawdown(session, actor, facility_id, request("5000"))
                    with lock:
                        granted += 1
                except RuleRefused:
                    with lock:
                        refused += 1
                except Conflict:  # SQLite refused a writer at once: a client retries
                    with lock:
                        busy += 1

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, granted, refused, busy


def facility_pages(engine: sa.Engine) -> list[float]:
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session:
        load_seed(session)
    times = []
    with factory() as session:
        for facility_id in session.scalars(sa.select(Facility.id)):
            start = time.perf_counter()
            facility_view(session, Actor.system("bench"), facility_id, SEED_AS_OF)
            times.append(time.perf_counter() - start)
    return times


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main() -> None:
    engine = fresh_engine("lending")
    print(f"database: {engine.dialect.name}; cores: {os.cpu_count()}")
    factory, actor, facility_id = build(engine)
    seq = sequential(factory, actor, facility_id)
    print(f"{SEQUENTIAL} sequential drawdowns: {ms(seq)}; {SEQUENTIAL / sum(seq):.0f} per second")
    elapsed, granted, refused, busy = contended(factory, actor, facility_id)
    total = THREADS * PER_THREAD
    print(
        f"{total} drawdowns from {THREADS} threads on one facility: {elapsed:.2f} s "
        f"({total / elapsed:.0f} per second), {granted} granted, {refused} refused, "
        f"{busy} busy"
    )
    pages = facility_pages(fresh_engine("lending_seeded"))
    print(f"facility read model on the demo network ({len(pages)} facilities): {ms(pages)}")


if __name__ == "__main__":
    main()
