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
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from scf.platform.auth.access import Actor
from scf.platform.db import json_dumps
from scf.platform.demo.seed_loader import SEED_AS_OF, load_seed
from scf.platform.errors import Conflict, RuleRefused
from scf.platform.migrate import upgrade
from scf.platform.models import Facility
from scf.platform.services.lending.drawdowns import DrawdownRequest, request_drawdown
from scf.platform.services.lending.queries import facility_view

SEQUENTIAL = 200
THREADS = 20
PER_THREAD = 10


def engine_for(name: str) -> sa.Engine:
    url = os.environ.get("SCF_BENCH_DATABASE_URL", "")
    if not url:
        path = Path(tempfile.mkdtemp()) / f"{name}.sqlite3"
        return sa.create_engine(f"sqlite:///{path}", json_serializer=json_dumps)
    schema = f"bench_{name}"
    admin = sa.create_engine(url)
    with admin.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in url else "?"
    return sa.create_engine(
        f"{url}{sep}options={quote(f'-csearch_path={schema}')}",
        pool_size=THREADS,
        json_serializer=json_dumps,
    )


def build(engine: sa.Engine) -> tuple[sessionmaker, Actor, int]:  # type: ignore[type-arg]
    from scf.platform.db import create_db_engine

    if engine.dialect.name == "sqlite":  # SQLite needs the platform's transaction recipe
        engine = create_db_engine(str(engine.url))
    upgrade(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    from tests.platform.lending.world import build_world

    with factory() as session:
        world = build_world(session)
        facility = world.grant(
            product="credit",
            programme_code=None,
            repayment_method="equal_principal",
            registered_and_operating_locally=True,
            amount=Decimal("1000000"),
        )
        session.commit()
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
            session.commit()
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
                    session.commit()
                    with lock:
                        granted += 1
                except RuleRefused:
                    session.rollback()
                    with lock:
                        refused += 1
                except Conflict:  # SQLite refused a writer at once: a client retries
                    session.rollback()
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
    from scf.platform.db import create_db_engine

    if engine.dialect.name == "sqlite":
        engine = create_db_engine(str(engine.url))
    upgrade(engine)
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
    engine = engine_for("lending")
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
    pages = facility_pages(engine_for("lending_seeded"))
    print(f"facility read model on the demo network ({len(pages)} facilities): {ms(pages)}")


if __name__ == "__main__":
    main()
