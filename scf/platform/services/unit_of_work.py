"""The unit of work: the one place a transaction is committed or rolled back.

A use case (a command: propose a facility, draw down, repay, recommend a merchant …) is
a function ``(session, actor, …)`` decorated with ``@use_case``. The decorator runs it as
one transaction: everything it wrote commits together when it returns, and nothing is
written when it raises — a refusal, a validation error or a crash. API views, pages,
CLI commands and jobs call use cases and never commit themselves; read models never
write. A use case called by another joins its caller's unit (a drawdown that disburses
at once is one transaction, not two).

Sessions are opened in two places only: per request (``scf.platform.web_session``) and
per command or job run (``Database.session``). Both hand the session to use cases.

Concurrency on SQLite: SQLite has no row locks and serialises writers. A unit of work
takes the database's write lock first (a write that changes nothing), before the use
case reads anything, so that a concurrent writer waits on the busy timeout instead of
deadlocking. A writer whose transaction had already read when another was committing
cannot wait, and SQLite refuses it at once ("database is locked"); that becomes a
``Conflict`` asking to retry, with nothing written. PostgreSQL needs neither: the use
cases lock the rows they check (``SELECT … FOR UPDATE``) in a fixed order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.db import Database
from scf.platform.errors import Conflict

_ACTIVE = "scf_unit_of_work"

P = ParamSpec("P")
R = TypeVar("R")


def take_sqlite_write_lock(session: Session) -> None:
    """On SQLite, hold the database's write lock from here to the end of the transaction."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("UPDATE facilities SET id = id WHERE id IS NULL"))


def in_unit_of_work(session: Session) -> bool:
    return bool(session.info.get(_ACTIVE))


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Run the block as one transaction: commit when it ends, roll back when it raises.

    Nested inside another unit of work on the same session, the block is part of the
    outer one and neither commits nor rolls back on its own."""
    if in_unit_of_work(session):
        yield session
        return
    if session.in_transaction():
        # What the caller read (or set up) before the use case is its own business: end
        # that transaction, so this unit begins with the write lock and rolls back only
        # what it wrote.
        session.commit()
    session.info[_ACTIVE] = True
    try:
        take_sqlite_write_lock(session)
        yield session
        session.commit()
    except sa.exc.OperationalError as error:
        session.rollback()
        if "database is locked" not in str(error.orig):
            raise
        raise Conflict(
            "数据库正忙于另一笔写入，未写入任何数据，请重试 "
            "(the database is busy with a concurrent write; nothing written, retry)"
        ) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_ACTIVE, None)


@contextmanager
def new_unit_of_work(database: Database) -> Iterator[Session]:
    """A session of its own, run as one unit of work (a job run, a lease, a command)."""
    with database.session() as session, unit_of_work(session):
        yield session


def use_case(service: Callable[P, R]) -> Callable[P, R]:
    """Run a use case ``(session, …)`` as one unit of work (see the module's docstring)."""

    @functools.wraps(service)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        session = args[0]
        assert isinstance(session, Session), "a use case takes the session first"
        with unit_of_work(session):
            return service(*args, **kwargs)

    return wrapped
