"""Run every benchmark one after the other (``make bench``) and print what each reports.

Each script is its own process, so peak memory and timings of one do not leak into
the next. PostgreSQL runs are included when ``SCF_BENCH_DATABASE_URL`` is set, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``. The figures, with the machine
they came from, are recorded in README.md and in each area's document under docs/.

    .venv/bin/python bench/run_all.py            # full sizes (takes minutes)
    .venv/bin/python bench/run_all.py --quick    # small sizes: a smoke run of the scripts
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def runs(quick: bool, postgres: str | None) -> list[tuple[str, list[str], dict[str, str]]]:
    """(label, command, extra environment) for each benchmark run."""
    python = sys.executable
    network = ["--firms", "5000"] if quick else []
    onboarding = ["--rows", "1000"] if quick else []
    quick_flag = ["--quick"] if quick else []
    out: list[tuple[str, list[str], dict[str, str]]] = [
        ("network (in memory)", [python, "bench/network.py", *network], {}),
        ("network (SQLite load)", [python, "bench/network_db.py", *network], {}),
        ("onboarding (SQLite)", [python, "bench/onboarding.py", *onboarding], {}),
        ("upload memory (no database)", [python, "bench/upload_memory.py", *quick_flag], {}),
        ("lending (SQLite)", [python, "-m", "bench.lending"], {}),
    ]
    if postgres:
        pg = {"SCF_BENCH_DATABASE_URL": postgres}
        out += [
            (
                "network (PostgreSQL load)",
                [python, "bench/network_db.py", "--url", postgres, *network],
                {},
            ),
            (
                "onboarding (PostgreSQL)",
                [python, "bench/onboarding.py", "--schema", "bench_onboarding", *onboarding],
                pg,
            ),
            ("lending (PostgreSQL)", [python, "-m", "bench.lending"], pg),
        ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the scripts")
    args = parser.parse_args()
    postgres = os.environ.get("SCF_BENCH_DATABASE_URL")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    failed = []
    for label, command, extra in runs(args.quick, postgres):
        print(f"\n== {label}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env={**os.environ, **extra}, check=False)
        print(f"== {label}: exit {result.returncode} in {time.perf_counter() - started:.1f}s")
        if result.returncode != 0:
            failed.append(label)
    if failed:
        print(f"\nmissed a target or failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
