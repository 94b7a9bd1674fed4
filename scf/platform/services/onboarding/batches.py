"""Batch onboarding (批量导入): a core enterprise's suppliers and dealers, a market's merchants.

``onboard`` is the one use case behind the command line, the upload page and the API:
read the file, validate every row, check each against the database, then — unless a
row has an error and ``accept_valid`` was not asked for — upsert the firms, assess
each one with the credit engine (``assess_loaded_parties``, never a rule of its own)
and record the batch with its report. All in one unit of work, so a crash or a database
error leaves nothing half-loaded. A dry run does the same inside a savepoint that is
rolled back: only the batch record stays.

The file's anchor is resolved in ``anchor``, its rows written in ``upsert``; what pages,
the API and the command line read about batches is in ``queries``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from scf.credit.policy import load_policy
from scf.credit.uscc import is_valid, normalize
from scf.platform.auth.access import Actor
from scf.platform.errors import ValidationFailed
from scf.platform.models import OnboardingBatch, Party
from scf.platform.models.types import utcnow
from scf.platform.services.onboarding.anchor import Anchor, resolve_anchor
from scf.platform.services.onboarding.columns import HeaderMap
from scf.platform.services.onboarding.limits import FileLimits
from scf.platform.services.onboarding.parsed import ParsedFile, RawRow
from scf.platform.services.onboarding.reading import read_file
from scf.platform.services.onboarding.report import add_assessment, counts, report_line
from scf.platform.services.onboarding.rows import RowSchema, cell_name, row_errors
from scf.platform.services.onboarding.upsert import FileLoad, existing_parties, refusals, upsert
from scf.platform.services.parties.assessment import assess_loaded_parties, check_as_of
from scf.platform.services.unit_of_work import use_case

Progress = Callable[[str, int, int], None]
ASSESS_CHUNK = 500
SHOWN_CHARS = 200


def _quiet(phase: str, done: int, total: int) -> None:
    return None


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
    limits: FileLimits,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> OnboardingBatch:
    """Load one file for a core enterprise or a market, as one unit of work."""
    tick = progress or _quiet
    check_as_of(as_of, today)
    anchor = resolve_anchor(session, actor, as_of, core=core, market=market)
    parsed = read_file(filename, data, anchor.kind, limits)  # type: ignore[arg-type]
    batch = _open_batch(
        session,
        actor,
        anchor,
        as_of,
        filename,
        data,
        parsed.notes,
        dry_run=dry_run,
        accept_valid=accept_valid,
    )
    load = FileLoad(
        session,
        actor,
        anchor,
        as_of,
        {"file": batch.filename, "sha256": batch.checksum, "batch_id": batch.id},
    )
    valid, lines, errors = _validate(parsed, anchor, as_of, tick)
    existing = existing_parties(session, sorted({row["uscc"] for row in valid.values()}))
    _refuse(load, valid, existing, errors, parsed.header)
    whole_file = bool(errors) and not accept_valid
    _mark_errors(lines, errors, whole_file=whole_file)
    if whole_file:
        batch.status = "rejected"
    else:
        batch.status = "partially_loaded" if errors else "loaded"
        taken = [(n, row) for n, row in valid.items() if n not in errors]
        savepoint = session.begin_nested() if dry_run else None
        _load(load, taken, existing, lines, tick)
        if savepoint is not None:
            savepoint.rollback()
    batch.report = [lines[number] for number in sorted(lines)]
    batch.counts = counts(batch.report)
    batch.finished_at = utcnow()
    session.flush()
    return batch


def _open_batch(
    session: Session,
    actor: Actor,
    anchor: Anchor,
    as_of: dt.date,
    filename: str,
    data: bytes,
    notes: list[str],
    *,
    dry_run: bool,
    accept_valid: bool,
) -> OnboardingBatch:
    """The batch record, running: the file's name and checksum, who, for what, as of when."""
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
        notes=notes,
        counts={},
        report=[],
    )
    session.add(batch)
    session.flush()
    return batch


def _refuse(
    load: FileLoad,
    valid: dict[int, dict[str, Any]],
    existing: dict[str, Party],
    errors: dict[int, list[str]],
    header: HeaderMap,
) -> None:
    """Add the database's refusals (``upsert.refusals``) to the rows' errors."""
    refused = refusals(load, existing)
    for number, row in valid.items():
        if row["uscc"] in refused:
            errors[number].append(f"{cell_name(number, 'uscc', header)}: {refused[row['uscc']]}")


def _mark_errors(
    lines: dict[int, dict[str, Any]], errors: dict[int, list[str]], *, whole_file: bool
) -> None:
    """Rows with errors are rejected; when the whole file is refused, the others are not
    loaded (otherwise they are loaded and their lines filled in later)."""
    for number, line in lines.items():
        if number in errors:
            line["status"], line["errors"] = "rejected", errors[number]
        elif whole_file:
            line["status"], line["errors"] = "not_loaded", []


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
    load: FileLoad,
    taken: list[tuple[int, dict[str, Any]]],
    existing: dict[str, Party],
    lines: dict[int, dict[str, Any]],
    tick: Progress,
) -> None:
    """Upsert the rows taken, then assess each firm; fill in their report lines."""
    total = len(taken)
    tick("load", 0, total)
    written = upsert(load, taken, existing)
    tick("load", total, total)
    for number, outcome in written.items():
        lines[number]["status"] = outcome.status
        lines[number]["changed"] = sorted(outcome.diffs)
    for start in range(0, total, ASSESS_CHUNK):
        chunk = taken[start : start + ASSESS_CHUNK]
        requests = [(written[n].party, row.get("requested_amount")) for n, row in chunk]
        snapshots = {written[n].party.id: written[n].snapshot for n, _ in chunk}
        results = assess_loaded_parties(load.session, requests, load.as_of, snapshots=snapshots)
        for (number, _), result in zip(chunk, results, strict=True):
            if isinstance(result, ValidationFailed):
                lines[number]["errors"].append(f"评估失败 (assessment failed): {result}")
            else:
                add_assessment(lines[number], result)
        tick("assess", min(start + ASSESS_CHUNK, total), total)


def _shown(cells: dict[str, Any]) -> dict[str, Any]:
    """What a rejected row shows of itself: the code and name as typed, no longer than a
    name may be (the report of 50,000 rejected rows stays the size of a valid one)."""
    return {
        key: None if key not in cells else str(cells[key]).strip()[:SHOWN_CHARS]
        for key in ("uscc", "name")
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
