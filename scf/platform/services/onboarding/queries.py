"""Read models for onboarding: the batches an actor may read, what they may load a file
for, and a batch's summary. They never write; ``batches.onboard`` is the command."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, batch_filter, market_filter, party_filter
from scf.platform.models import Market, OnboardingBatch, Party, Programme
from scf.platform.models.enums import ProgrammeKind, Role


def list_batches(
    session: Session, actor: Actor, *, limit: int | None = None, offset: int = 0
) -> tuple[int, list[OnboardingBatch]]:
    """Batches the actor may read, newest first."""
    query = sa.select(OnboardingBatch)
    clause = batch_filter(actor)
    if clause is not None:
        query = query.where(clause)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    query = query.order_by(OnboardingBatch.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return total, list(session.scalars(query))


def onboarding_targets(session: Session, actor: Actor, as_of: dt.date) -> list[tuple[str, str]]:
    """What ``actor`` may load a file for, as (value, label): the core enterprises they
    see with a programme in force, and the markets they see (a market administrator:
    their own)."""
    targets: list[tuple[str, str]] = []
    if actor.role is not Role.MARKET_ADMINISTRATOR:
        targets += _core_targets(session, actor, as_of)
    return targets + _market_targets(session, actor, as_of)


def _core_targets(session: Session, actor: Actor, as_of: dt.date) -> list[tuple[str, str]]:
    query = (
        sa.select(Party, Programme)
        .join(Programme, Programme.core_party_id == Party.id)
        .where(Programme.kind == ProgrammeKind.CORE, Programme.in_force(as_of))
        .order_by(Party.name)
    )
    clause = party_filter(actor)
    if clause is not None:
        query = query.where(clause)
    return [
        (f"core:{party.uscc}", f"核心企业 {party.name} · {programme.name}")
        for party, programme in session.execute(query)
    ]


def _market_targets(session: Session, actor: Actor, as_of: dt.date) -> list[tuple[str, str]]:
    markets = sa.select(Market).order_by(Market.id)
    clause = market_filter(actor)
    if clause is not None:
        markets = markets.where(clause)
    programmes = {
        p.market_id: p.name
        for p in session.scalars(
            sa.select(Programme).where(
                Programme.kind == ProgrammeKind.MARKET, Programme.in_force(as_of)
            )
        )
    }
    targets = []
    for market in session.scalars(markets):
        suffix = f" · {programmes[market.id]}" if market.id in programmes else ""
        targets.append((f"market:{market.id}", f"市场 {market.name}{suffix}"))
    return targets


def batch_summary(batch: OnboardingBatch) -> dict[str, Any]:
    """A batch without its report, as plain values (what ``scf onboard`` prints or dumps)."""
    return {
        "id": batch.id,
        "filename": batch.filename,
        "checksum": batch.checksum,
        "as_of": batch.as_of.isoformat(),
        "status": batch.status,
        "dry_run": batch.dry_run,
        "accept_valid": batch.accept_valid,
        "counts": dict(batch.counts),
        "notes": list(batch.notes),
    }
