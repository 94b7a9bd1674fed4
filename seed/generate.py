"""Deterministic demo dataset for scf: a Hebei steel chain, a tyre chain, two markets.

Run ``PYTHONPATH=. python seed/generate.py [out_dir]``; it writes the CSV files
described in ``seed/README.md`` (the loader's contract) into ``seed/data`` or
``out_dir``. One ``random.Random(20261120)`` drives every choice and no clock is
read: the dataset is dated as of ``SEED_AS_OF``, so two runs give the same bytes.

The modules depend one way: ``contract`` (files and columns) ← ``builder`` (keys,
formats, rows) ← ``scenario`` (the story) ← ``generate`` (build and write).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``seed`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seed import scenario  # noqa: E402
from seed.builder import Builder  # noqa: E402
from seed.contract import COLUMNS, SORT_KEYS  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data"


def build() -> Builder:
    b = Builder()
    scenario.populate(b)
    return b


def write(b: Builder, out_dir: Path) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table, columns in COLUMNS.items():
        rows = b.rows[table]
        sort_by = SORT_KEYS.get(table, (columns[0],))
        rows = sorted(rows, key=lambda r, s=sort_by: tuple(r.get(c, "") for c in s))  # type: ignore[misc]
        with (out_dir / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                unknown = set(row) - set(columns)
                assert not unknown, (table, unknown)
                writer.writerow([row.get(c, "") for c in columns])
        counts[table] = len(rows)
    return counts


def generate(out_dir: Path = DATA_DIR) -> tuple[dict[str, int], dict[str, list[str]]]:
    b = build()
    return write(b, out_dir), b.notable


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else DATA_DIR
    counts, notable = generate(out_dir)
    for table, n in counts.items():
        print(f"{table:20s} {n:6d}")
    for label, keys in sorted(notable.items()):
        print(f"{label}: {' '.join(keys)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
