"""Batch onboarding (批量导入): a core enterprise's suppliers and dealers, a market's merchants.

``onboard`` is the one use case behind the command line, the upload page and the API:
read the file, validate every row, check each against the database, then — unless a
row has an error and ``accept_valid`` was not asked for — upsert the firms, assess
each one with the credit engine (``assess_loaded_parties``, never a rule of its own)
and record the batch with its report. All in one unit of work, so a crash or a database
error leaves nothing half-loaded. A dry run
does the same inside a savepoint that is rolled back: only the batch record stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from scf.credit.policy import load_policy
from scf.credit.uscc import is_valid, normalize
from scf.platform.auth.access import (
    Actor,
    batch_filter,
    market_filter,
    may_onboard_for_core,
    may_onboard_for_market,
    party_filter,
)
from scf.platform.errors import NotFound, ValidationFailed
from scf.platform.models import Market, OnboardingBatch, Party, Programme, Relationship
from scf.platform.models.enums import ProgrammeKind, RelationshipKind, Role
from scf.platform.models.types import utcnow
from scf.platform.services.onboarding.columns import HeaderMap
from scf.platform.services.onboarding.reading import ParsedFile, RawRow, read_file
from scf.platform.services.onboarding.report import add_assessment, counts, report_line
from scf.platform.services.onboarding.rows import RowSchema, cell_name, row_errors
from scf.platform.services.onboarding.upsert import Anchor, existing_parties, refusals, upsert
from scf.platform.services.parties.assessment import assess_loaded_parties, check_as_of
from scf.platform.services.unit_of_work import use_case

Progress = Callable[[str, int, int], None]
ASSESS_CHUNK = 500


def _quiet(phase: str, done: int, total: int) -> None:
    return None


def resolve_anchor(
    session: Session,
    actor: Actor,
    as_of: dt.date,
    *,
    core: str | None = None,
    market: str | int | None = None,
) -> Anchor:
    """The core enterprise (which needs a programme in force) or the market a file is for."""
    if (core is None) == (market is None):
        raise ValidationFailed(
            "请指定核心企业或市场之一 (give either a core enterprise or a market, not both)",
            errors={"target": ["core or market"]},
        )
    if core is not None:
        party = session.scalar(sa.select(Party).where(Party.uscc == normalize(core)))
        if party is None:
            raise NotFound(f"未找到主体 (party not found): {core}")
        may_onboard_for_core(session, actor, party)
        programme = _programme(
            session, as_of, ProgrammeKind.CORE, Programme.core_party_id == party.id
        )
        if programme is None:
            raise ValidationFailed(
                f"{party.name} 在 {as_of} 没有有效的核心企业融资方案 (no core-enterprise "
                "programme in force: create the programme first)",
                errors={"core": ["no programme in force"]},
            )
        return Anchor(core=party, market=None, programme=programme)
    found = _market(session, market)
    checked = may_onboard_for_market(session, actor, found.id)
    administrator = session.scalar(
        sa.select(Party)
        .join(Relationship, Relationship.source_party_id == Party.id)
        .where(
            Relationship.kind == RelationshipKind.ADMINISTERS,
            Relationship.target_market_id == checked.id,
            Relationship.valid_on(as_of),
        )
        .limit(1)
    )
    programme = _programme(session, as_of, ProgrammeKind.MARKET, Programme.market_id == checked.id)
    return Anchor(core=None, market=checked, programme=programme, administrator=administrator)


def _market(session: Session, market: str | int | None) -> Market:
    text = str(market).strip()
    query = sa.select(Market).where(Market.code == text)
    if text.isdigit():
        query = sa.select(Market).where(sa.or_(Market.id == int(text), Market.code == text))
    found = session.scalar(query.order_by(Market.id).limit(1))
    if found is None:
        raise NotFound(f"未找到市场 (market not found): {market}")
    return found


def _programme(
    session: Session, as_of: dt.date, kind: ProgrammeKind, anchored: Any
) -> Programme | None:
    """The programme in force on ``as_of`` (the latest started, if several)."""
    return session.scalar(
        sa.select(Programme)
        .where(
            anchored,
            Programme.kind == kind,
            Programme.in_force(as_of),
        )
        .order_by(Programme.valid_from.desc(), Programme.id)
        .limit(1)
    )


@use_case
def onboard(
    session: Session,
    actor: Actor,
    *,
    filename: str,
    data: bytes,
    as_of: dt.date,
    core: str | None = None,
    market: str | int | None = None,
    dry_run: bool = False,
    accept_valid: bool = False,
    max_bytes: int,
    max_rows: int,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> OnboardingBatch:
    """Load one file for a core enterprise or a market, as one unit of work."""
    tick = progress or _quiet
    check_as_of(as_of, today)
    anchor = resolve_anchor(session, actor, as_of, core=core, market=market)
    parsed = read_file(filename, data, anchor.kind, max_bytes=max_bytes, max_rows=max_rows)  # type: ignore[arg-type]
    batch = OnboardingBatch(
        filename=filename[:255],
        checksum=hashlib.sha256(data).hexdigest(),
        programme_id=None if anchor.programme is None else anchor.programme.id,
        core_party_id=None if anchor.core is None else anchor.core.id,
        market_id=None if anchor.market is None else anchor.market.id,
        actor=actor.username,
        as_of=as_of,
        started_at=utcnow(),
        status="running",
        dry_run=dry_run,
        accept_valid=accept_valid,
        notes=parsed.notes,
        counts={},
        report=[],
    )
    session.add(batch)
    session.flush()
    context = {"file": batch.filename, "sha256": batch.checksum, "batch_id": batch.id}

    valid, lines, errors = _validate(parsed, anchor, as_of, tick)
    existing = existing_parties(session, sorted({row["uscc"] for row in valid.values()}))
    refused = refusals(session, actor, anchor, existing)
    for number, row in valid.items():
        if row["uscc"] in refused:
            errors[number].append(
                f"{cell_name(number, 'uscc', parsed.header)}: {refused[row['uscc']]}"
            )

    if errors and not accept_valid:
        batch.status = "rejected"
        for number, line in lines.items():
            line["status"] = "rejected" if number in errors else "not_loaded"
            line["errors"] = errors.get(number, [])
    else:
        batch.status = "partially_loaded" if errors else "loaded"
        for number in errors:
            lines[number]["status"] = "rejected"
            lines[number]["errors"] = errors[number]
        taken = [(n, row) for n, row in valid.items() if n not in errors]
        savepoint = session.begin_nested() if dry_run else None
        _load(session, actor, anchor, taken, existing, as_of, context, lines, tick)
        if savepoint is not None:
            savepoint.rollback()
    report = [lines[number] for number in sorted(lines)]
    batch.report = report
    batch.counts = counts(report)
    batch.finished_at = utcnow()
    session.flush()
    return batch


def _validate(
    parsed: ParsedFile, anchor: Anchor, as_of: dt.date, tick: Progress
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]], dict[int, list[str]]]:
    """Each row through the schema, then the codes across the file: the valid rows, a report
    line per row, and the errors by row number."""
    schema = RowSchema(
        target=anchor.kind,  # type: ignore[arg-type]
        as_of=as_of,
        ratings=load_policy(as_of).items("rating.scale"),
    )
    valid: dict[int, dict[str, Any]] = {}
    lines: dict[int, dict[str, Any]] = {}
    errors: dict[int, list[str]] = defaultdict(list)
    total = len(parsed.rows)
    for done, raw in enumerate(parsed.rows, start=1):
        try:
            valid[raw.number] = schema.load(raw.cells)
        except ValidationError as error:
            errors[raw.number] += row_errors(raw, parsed.header, error.messages)  # type: ignore[arg-type]
        lines[raw.number] = report_line(raw.number, valid.get(raw.number) or _shown(raw.cells), "")
        if done % 200 == 0 or done == total:
            tick("validate", done, total)
    _duplicates(parsed.rows, errors, parsed.header)
    return valid, lines, errors


def _load(
    session: Session,
    actor: Actor,
    anchor: Anchor,
    taken: list[tuple[int, dict[str, Any]]],
    existing: dict[str, Party],
    as_of: dt.date,
    context: dict[str, Any],
    lines: dict[int, dict[str, Any]],
    tick: Progress,
) -> None:
    """Upsert the rows taken, then assess each firm; fill in their report lines."""
    total = len(taken)
    tick("load", 0, total)
    written = upsert(session, actor, anchor, taken, existing, as_of, context)
    tick("load", total, total)
    for number, outcome in written.items():
        lines[number]["status"] = outcome.status
        lines[number]["changed"] = sorted(outcome.diffs)
    for start in range(0, total, ASSESS_CHUNK):
        chunk = taken[start : start + ASSESS_CHUNK]
        requests = [(written[n].party, row.get("requested_amount")) for n, row in chunk]
        snapshots = {written[n].party.id: written[n].snapshot for n, _ in chunk}
        results = assess_loaded_parties(session, requests, as_of, snapshots=snapshots)
        for (number, _), result in zip(chunk, results, strict=True):
            if isinstance(result, ValidationFailed):
                lines[number]["errors"].append(f"评估失败 (assessment failed): {result}")
            else:
                add_assessment(lines[number], result)
        tick("assess", min(start + ASSESS_CHUNK, total), total)


def _shown(cells: dict[str, Any]) -> dict[str, Any]:
    """What a rejected row shows of itself: the code and name as typed."""
    return {
        "uscc": None if "uscc" not in cells else str(cells["uscc"]).strip(),
        "name": None if "name" not in cells else str(cells["name"]).strip(),
    }


def _duplicates(rows: list[RawRow], errors: dict[int, list[str]], header: HeaderMap) -> None:
    """A code twice in one file is an error on every row that carries it, whatever else
    is wrong with those rows (so that accepting the valid rows never picks one of them)."""
    rows_of: dict[str, list[int]] = defaultdict(list)
    for raw in rows:
        if "uscc" in raw.cells and is_valid(str(raw.cells["uscc"])):
            rows_of[normalize(str(raw.cells["uscc"]))].append(raw.number)
    for numbers in rows_of.values():
        if len(numbers) < 2:
            continue
        for number in numbers:
            others = "、".join(f"第{n}行" for n in numbers if n != number)
            errors[number].append(
                f"{cell_name(number, 'uscc', header)}: 与{others}重复 (duplicate code in the file)"
            )


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
    in_force = Programme.in_force(as_of)
    targets: list[tuple[str, str]] = []
    if actor.role is not Role.MARKET_ADMINISTRATOR:
        query = (
            sa.select(Party, Programme)
            .join(Programme, Programme.core_party_id == Party.id)
            .where(Programme.kind == ProgrammeKind.CORE, in_force)
            .order_by(Party.name)
        )
        clause = party_filter(actor)
        if clause is not None:
            query = query.where(clause)
        for party, programme in session.execute(query):
            targets.append((f"core:{party.uscc}", f"核心企业 {party.name} · {programme.name}"))
    markets = sa.select(Market).order_by(Market.id)
    clause = market_filter(actor)
    if clause is not None:
        markets = markets.where(clause)
    programmes = {
        p.market_id: p.name
        for p in session.scalars(
            sa.select(Programme).where(Programme.kind == ProgrammeKind.MARKET, in_force)
        )
    }
    for market in session.scalars(markets):
        suffix = f" · {programmes[market.id]}" if market.id in programmes else ""
        targets.append((f"market:{market.id}", f"市场 {market.name}{suffix}"))
    return targets
