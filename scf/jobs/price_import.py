"""Job 1, price import: CSV files dropped in the price folder, loaded through the same
service as ``POST /api/v1/prices``.

Folder: ``SCF_PRICE_DROP_FOLDER`` (default ``<instance>/prices``). Files ``*.csv``, UTF-8,
header ``commodity,price_date,price`` (``source`` optional). After the run commits,
each file moves to ``processed/``; a file with bad rows also gets
``rejected/<file>.errors.csv`` naming each row, field and reason. If the process dies
between the commit and the move, the next run reads the file again and finds every
price already there: duplicates are no-ops.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from scf.jobs.context import Counts, JobContext
from scf.platform.services.collateral.prices import RejectedRow, import_prices
from scf.platform.spreadsheets import csv_row

RULES: tuple[str, ...] = ()
REQUIRED_COLUMNS = ("commodity", "price_date", "price")
PROBLEMS_KEPT = 50  # in the run record; the full list is in the errors file


def drop_folder(ctx: JobContext) -> Path:
    return ctx.settings.price_drop_folder or ctx.settings.instance_path / "prices"


def run(ctx: JobContext) -> Counts:
    folder = drop_folder(ctx)
    files = sorted(p for p in folder.glob("*.csv") if p.is_file()) if folder.is_dir() else []
    counts: Counts = {"files": len(files), "loaded": 0, "unchanged": 0, "rejected": 0}
    problems: list[str] = []
    for path in files:
        rejected = _import_file(ctx, path, counts)
        problems.extend(
            f"{r.row}: {'; '.join(m for ms in r.errors.values() for m in ms)}" for r in rejected
        )
        ctx.after_commit.append(lambda path=path, rejected=rejected: _file_away(path, rejected))
    counts["problems"] = problems[:PROBLEMS_KEPT]
    return counts


def _import_file(ctx: JobContext, path: Path, counts: Counts) -> list[RejectedRow]:
    try:
        rows = list(_rows(path))
    except (UnicodeDecodeError, csv.Error, ValueError) as error:
        counts["rejected"] += 1
        return [RejectedRow(path.name, {"file": [f"文件无法读取 (unreadable file): {error}"]})]
    result = import_prices(
        ctx.session, ctx.actor, rows, source=f"file:{path.name}", as_of=ctx.as_of
    )
    counts["loaded"] += result.loaded
    counts["unchanged"] += result.unchanged
    counts["rejected"] += len(result.rejected)
    return result.rejected


def _rows(path: Path) -> Iterator[tuple[str, Mapping[str, object]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"缺少列 (missing columns): {', '.join(missing)}")
        rows = [(f"{path.name}:{line}", data) for line, data in enumerate(reader, start=2)]
    yield from rows


def _file_away(path: Path, rejected: list[RejectedRow]) -> None:
    processed = path.parent / "processed"
    processed.mkdir(exist_ok=True)
    if rejected:
        errors = path.parent / "rejected"
        errors.mkdir(exist_ok=True)
        with (errors / f"{path.name}.errors.csv").open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "field", "message"])
            for row in rejected:
                for name, messages in row.errors.items():
                    for message in messages:
                        writer.writerow(csv_row([row.row, name, message]))
    shutil.move(str(path), processed / path.name)
