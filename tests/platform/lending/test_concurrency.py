"""Concurrent drawdowns never exceed a limit (committed data, real threads).

Twenty threads start together, each in its own session and transaction, and ask for
more in total than is available. On PostgreSQL row locks on the facility and then the
programme (``limit_accounting.lock_facility``) make them queue: the granted total stays
within the limit and every refusal names the rule and the candidate that bound. SQLite
has no row locks: it runs one writer at a time and refuses at once a writer that would
deadlock; that refusal must be a clean ``Conflict`` (retry), never an excess.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from scf.platform.auth.access import Actor
from scf.platform.db import create_db_engine, json_dumps
from scf.platform.demo.lending_world import World, build_world, uscc
from scf.platform.errors import Conflict, RuleRefused
from scf.platform.migrate import upgrade
from scf.platform.models import Facility, Loan
from scf.platform.services.lending.drawdowns import DrawdownRequest, request_drawdown
from scf.platform.services.lending.limits import facility_position, programme_usage
from tests.conftest import database_url

D = Decimal
THREADS = 20


@pytest.fixture()
def committed(backend: str, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    if backend != "postgresql":
        pytest.skip(
            "row-lock test needs PostgreSQL (SCF_TEST_DATABASE_URL); SQLite has no row locks and "
            "is covered by the serialised-or-busy test below"
        )
    url = database_url(backend, "lending_concurrency", tmp_path)
    engine = sa.create_engine(url, pool_size=THREADS, json_serializer=json_dumps)
    upgrade(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def credit_facility(world: World, party: str) -> Facility:
    return world.grant(
        party_uscc=world.parties[party].uscc,
        product="credit",
        repayment_method="equal_principal",
        registered_and_operating_locally=True,
        amount=D("1000000"),
    )


def fire(
    factory: sessionmaker[Session], actor: Actor, facilities: list[int], amount: Decimal
) -> tuple[list[Decimal], list[RuleRefused], list[BaseException]]:
    start = threading.Barrier(THREADS)
    granted: list[Decimal] = []
    refused: list[RuleRefused] = []
    crashed: list[BaseException] = []  # a busy Conflict (SQLite) lands here too
    guard = threading.Lock()

    def one(k: int) -> None:
        with factory() as session:
            start.wait()
            try:
                request_drawdown(
                    session,
                    actor,
                    facilities[k % len(facilities)],
                    DrawdownRequest(
                        amount=amount,
                        requested_on=dt.date(2026, 11, 3),
                        maturity_date=dt.date(2027, 5, 3),
                        instalments=6,
                    ),
                )
                session.commit()
                with guard:
                    granted.append(amount)
            except RuleRefused as error:
                session.rollback()
                with guard:
                    refused.append(error)
            except BaseException as error:  # a deadlock or anything else fails the test
                session.rollback()
                with guard:
                    crashed.append(error)

    threads = [threading.Thread(target=one, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return granted, refused, crashed


def test_twenty_concurrent_drawdowns_never_exceed_the_facility(
    committed: sessionmaker[Session],
) -> None:
    with committed() as session:
        world = build_world(session)
        facility = credit_facility(world, "supplier")  # 1,000,000 (the credit product cap)
        session.commit()
        rm, facility_id = world.actor("rm"), facility.id
    # 20 × 80,000 = 1,600,000 asked; 12 × 80,000 = 960,000 fits, a 13th would not
    granted, refused, crashed = fire(committed, rm, [facility_id], D("80000"))
    assert crashed == []
    assert (len(granted), len(refused)) == (12, 8)
    for error in refused:
        rules = {r["id"]: r for r in error.errors["rules"]}
        assert set(rules) == {"within_availability"}
        assert "facility_remaining" in rules["within_availability"]["threshold"]
    with committed() as session:
        facility = session.get(Facility, facility_id)
        assert facility is not None
        position = facility_position(session, facility)
        assert position.outstanding == sum(granted, D(0)) == D("960000.00")
        assert position.outstanding <= facility.limit_amount
        loans = session.scalar(
            sa.select(sa.func.count(Loan.id)).where(Loan.facility_id == facility_id)
        )
        assert loans == 12


def test_twenty_concurrent_drawdowns_on_two_facilities_never_exceed_the_programme(
    committed: sessionmaker[Session],
) -> None:
    with committed() as session:
        world = build_world(session)
        twin = world.firm(
            "supplier_b",
            12,
            industry="manufacturing",
            established_on=dt.date(2015, 1, 1),
            branch_id=world.parties["supplier"].branch_id,
        )
        assert twin.uscc == uscc(12)
        world.snapshot(twin)
        from scf.platform.models.enums import RelationshipKind

        world.edge(RelationshipKind.SUPPLIES_TO, twin, world.parties["core"])
        a = credit_facility(world, "supplier")
        b = credit_facility(world, "supplier_b")
        assert world.programme is not None
        world.programme.cap = D("500000")
        session.commit()
        rm, ids, programme_id = world.actor("rm"), [a.id, b.id], world.programme.id
    # 20 × 60,000 = 1,200,000 asked of a 500,000 cap: 8 × 60,000 = 480,000 fits
    granted, refused, crashed = fire(committed, rm, ids, D("60000"))
    assert crashed == []
    assert (len(granted), len(refused)) == (8, 12)
    for error in refused:
        rule = next(r for r in error.errors["rules"] if r["id"] == "within_availability")
        assert "programme_remaining" in rule["threshold"]
    with committed() as session:
        from scf.platform.models import Programme

        programme = session.get(Programme, programme_id)
        assert programme is not None
        assert programme_usage(session, programme).used == D("480000.00") <= programme.cap


def test_on_sqlite_concurrent_drawdowns_are_serialised_or_refused_as_busy(
    backend: str, tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("the SQLite variant; PostgreSQL runs the row-lock tests above")
    engine = create_db_engine(database_url("sqlite", "lending_concurrency", tmp_path))
    upgrade(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session:
        world = build_world(session)
        facility = credit_facility(world, "supplier")
        session.commit()
        rm, facility_id = world.actor("rm"), facility.id
    granted, refused, other = fire(factory, rm, [facility_id], D("80000"))
    busy = [e for e in other if isinstance(e, Conflict) and "busy" in str(e)]
    assert busy == other, "anything but a clean busy Conflict is a failure"
    # each service takes SQLite's write lock before reading (write_service), so the
    # threads queue on the busy timeout: the same 12 granted, 8 refused as PostgreSQL
    assert (len(granted), len(refused), len(busy)) == (12, 8, 0)
    assert all({r["id"] for r in e.errors["rules"]} == {"within_availability"} for e in refused)
    with factory() as session:
        stored = session.get(Facility, facility_id)
        assert stored is not None
        assert facility_position(session, stored).outstanding == sum(granted, D(0))
    engine.dispose()


def test_a_writer_sqlite_refuses_at_once_gets_a_retryable_conflict(db_session: Session) -> None:
    from scf.platform.services.unit_of_work import use_case

    @use_case
    def deadlocked(session: Session, actor: Actor) -> None:
        raise sa.exc.OperationalError("INSERT …", {}, Exception("database is locked"))

    with pytest.raises(Conflict, match="retry"):
        deadlocked(db_session, Actor.system("test"))
