"""The network's change log: how every process learns that its cached graph is stale.

Building the network of 100,000 firms takes seconds, so ``scf.platform.services.network.book``
caches the built graph per process. Any flush that adds, changes or deletes a row the
graph is made of (parties, snapshots, relationships, markets, groups, programmes,
facilities, loans, repayments, receivables, warehouse receipts, prices) appends one
row here *in the same transaction*, from a session event, so no service has to
remember to do it and a rolled-back write leaves no trace. A reader's cache key is the
log's (row count, last id, last token): append-only rows take no lock, so writers never
wait for each other; the random token tells apart two transactions that got the same
id on SQLite (which reuses the id of a rolled-back row), and the count catches a
PostgreSQL transaction that commits after a later id.

Bulk writes through ``session.execute(insert/update/delete(Model))`` are recorded too
(ORM execute event); raw SQL on a bare connection is not, and must call
``record_network_change(session, ...)`` itself.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from scf.platform.models.base import Base
from scf.platform.models.types import UTCDateTime, utcnow

TRACKED_TABLES = frozenset(
    {
        "parties",
        "financial_snapshots",
        "relationships",
        "markets",
        "joint_guarantee_groups",
        "programmes",
        "facilities",
        "loans",
        "repayments",
        "receivables",
        "warehouse_receipts",
        "commodity_prices",
    }
)


class NetworkChange(Base):
    """One flush that changed what the network is built from."""

    __tablename__ = "network_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))
    tables: Mapped[str] = mapped_column(sa.String(400))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


def record_network_change(session: Session, tables: Iterable[str]) -> None:
    names = ",".join(sorted(set(tables)))[:400]
    session.connection().execute(
        sa.insert(NetworkChange).values(token=uuid.uuid4().hex, tables=names, at=utcnow())
    )


def _table_of(instance: Any) -> str | None:
    return getattr(type(instance), "__tablename__", None)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    touched = {
        name
        for instance in (*session.new, *session.dirty, *session.deleted)
        if (name := _table_of(instance)) in TRACKED_TABLES
    }
    if touched:
        record_network_change(session, touched)


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    table = None if mapper is None else getattr(mapper.class_, "__tablename__", None)
    if table in TRACKED_TABLES:
        record_network_change(state.session, {table})
