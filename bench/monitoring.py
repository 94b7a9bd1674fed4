"""Benchmark: the mark-to-market job over 1,000,000 pledged positions on PostgreSQL.

Target [issue 7]: 1,000,000 positions revalued and their alerts computed in ≤ 30 s on a
2-core machine. Not a timed test: run it by hand and record the figures in
docs/monitoring.md.

    .venv/bin/python bench/monitoring.py                      # 1,000,000 positions, 4 per loan
    .venv/bin/python bench/monitoring.py --per-loan 1         # worst case: one loan per position
    .venv/bin/python bench/monitoring.py --positions 100000   # a quick look

The data goes into its own schema (``bench_monitoring`` in ``SCF_BENCH_DATABASE_URL``,
default the local ``test`` database) and is loaded with COPY; ``--reuse`` keeps it.
Four commodities priced over three days; loans lent at 40–66% of their goods' value,
so that on day 1 about a quarter sit above the 60% advance rate (warnings) and rubber's
price is stale; on day 2 steel and coke fall 20% (warnings become liquidations);
day 2 is run twice (the rerun must change nothing); on day 3 prices recover and the
alerts resolve. Each run is the real job: lease, job run record, one transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import fresh_schema, schema_url  # noqa: E402
from scf.jobs.runner import run_job  # noqa: E402
from scf.platform.config import Settings  # noqa: E402
from scf.platform.db import Database  # noqa: E402
from scf.platform.migrate import upgrade  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_monitoring"
DAY0 = dt.date(2026, 11, 10)  # rubber's last price: stale by day 2
DAY1, DAY2, DAY3 = dt.date(2026, 11, 18), dt.date(2026, 11, 20), dt.date(2026, 11, 23)
COMMODITIES = {  # code: price on day 0, 1, 2, 3 (None = no new price that day)
    "steel_rebar": ("3500", "3500", "2800", "3600"),
    "steel_coil": ("4000", "4000", "4000", "4100"),
    "coke": ("2000", "2000", "1600", "2100"),
    "rubber_natural": ("12000", None, None, "12500"),  # 6 and 8 business days old: stale
}
LOANS_PER_PARTY = 10


def build(base: str, positions: int, per_loan: int) -> None:
    database = Database(fresh_schema(base, SCHEMA))
    upgrade(database.engine)
    loans = positions // per_loan
    parties = -(-loans // LOANS_PER_PARTY)
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    raw = database.engine.raw_connection()
    try:
        connection = raw.driver_connection
        with connection.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(
                "INSERT INTO users (id, username, display_name, password_hash, role, active, "
                "failed_logins, created_at, updated_at) VALUES "
                "(1, 'rm_bench', 'rm', 'x', 'relationship_manager', true, 0, %s, %s)",
                (now, now),
            )
            with cursor.copy("COPY commodities (code, name, unit, category) FROM STDIN") as copy:
                for code in COMMODITIES:
                    copy.write_row((code, code, "ton", code.split("_")[0]))
            with cursor.copy(
                "COPY commodity_prices (commodity_code, price_date, price) FROM STDIN"
            ) as copy:
                for code, prices in COMMODITIES.items():
                    for day, price in zip((DAY0, DAY1, DAY2, DAY3), prices, strict=True):
                        if price is not None:
                            copy.write_row((code, day, price))
            with cursor.copy(
                "COPY parties (id, kind, uscc, customer_number, name, relationship_manager_id, "
                "created_at, updated_at) FROM STDIN"
            ) as copy:
                for p in range(1, parties + 1):
                    copy.write_row(
                        (p, "enterprise", f"91BENCH{p:011d}", f"B{p:09d}", f"企业{p}", 1, now, now)
                    )
            with cursor.copy(
                "COPY facilities (id, code, party_id, product, limit_amount, start_date, end_date, "
                "revolving, status, decision, created_at, updated_at) FROM STDIN"
            ) as copy:
                for p in range(1, parties + 1):
                    copy.write_row(
                        (p, f"BF{p:09d}", p, "goods_pledge", "100000000.00", DAY0, dt.date(2027, 12, 31),
                         True, "active", "{}", now, now)
                    )  # fmt: skip
            prices = {code: Decimal(p[0]) for code, p in COMMODITIES.items()}
            codes = list(COMMODITIES)
            with (
                cursor.copy(
                    "COPY loans (id, code, facility_id, party_id, product, principal, rate_annual, "
                    "drawn_on, maturity_date, repayment_method, status, days_past_due, "
                    "delinquency_class, created_at, updated_at) FROM STDIN"
                ) as loan_copy,
            ):
                receipts: list[tuple[object, ...]] = []
                for n in range(1, loans + 1):
                    commodity = codes[n % len(codes)]
                    value = Decimal(0)
                    for k in range(per_loan):
                        quantity = Decimal(50 + (n * 7 + k * 13) % 100)
                        value += quantity * prices[commodity]
                        receipts.append((n, commodity, quantity, k))
                    ratio = Decimal("0.40") + Decimal((n * 37) % 27) / 100  # 0.40 … 0.66
                    principal = (value * ratio).quantize(Decimal("1000"))
                    party = (n - 1) // LOANS_PER_PARTY + 1
                    loan_copy.write_row(
                        (n, f"BL{n:09d}", party, party, "goods_pledge", principal, "0.060000", DAY0,
                         dt.date(2027, 6, 30), "bullet", "active", 0, "normal", now, now)
                    )  # fmt: skip
            with cursor.copy(
                "COPY warehouse_receipts (number, owner_party_id, warehouse, commodity_code, "
                "quantity, released_quantity, unit, issued_on, status, pledged_loan_id, "
                "created_at, updated_at) FROM STDIN"
            ) as copy:
                for loan, commodity, quantity, k in receipts:
                    party = (loan - 1) // LOANS_PER_PARTY + 1
                    copy.write_row(
                        (f"BR{loan:09d}-{k}", party, "库", commodity, quantity, 0, "ton", DAY0,
                         "pledged", loan, now, now)
                    )  # fmt: skip
            for table in ("users", "parties", "facilities", "loans"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            cursor.execute("ANALYZE")
        connection.commit()  # type: ignore[union-attr]
    finally:
        raw.close()
    database.engine.dispose()
    print(
        f"loaded {positions:,} positions on {loans:,} loans in {time.perf_counter() - started:.1f} s"
    )


def clock_for(day: dt.date):  # type: ignore[no-untyped-def]
    return lambda: dt.datetime.combine(day, dt.time(2, 0), dt.UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=1_000_000)
    parser.add_argument("--per-loan", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep the data already loaded")
    args = parser.parse_args()
    base = os.environ.get("SCF_BENCH_DATABASE_URL", DEFAULT_URL)
    if not args.reuse:
        build(base, args.positions, args.per_loan)
    url = schema_url(base, SCHEMA)
    database = Database(url)
    with database.engine.begin() as connection:  # --reuse: start from no alerts, no runs
        connection.execute(
            sa.text("TRUNCATE alert_events, alerts, job_runs, scheduler_leases RESTART IDENTITY")
        )
    settings = Settings.from_env(
        serving=False, overrides={"database_url": url, "instance_path": Path("/tmp/scf-bench")}
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
    )
    print(
        subprocess.run(
            ["sh", "-c", "lscpu | grep 'Model name'"], capture_output=True, text=True
        ).stdout.strip()
    )
    for label, day in (
        ("day 1 (baseline)", DAY1),
        ("day 2 (steel, coke −20%; rubber stale)", DAY2),
        ("day 2 again (rerun)", DAY2),
        ("day 3 (recovery)", DAY3),
    ):
        started = time.perf_counter()
        outcome = run_job(database, settings, "mark_to_market", clock=clock_for(day))
        seconds = time.perf_counter() - started
        c = outcome.counts
        print(
            f"{label:<42} {seconds:6.1f} s  {outcome.status}: {c.get('positions', 0):,} positions, "
            f"{c.get('loans', 0):,} loans, ok {c.get('ok', 0):,} warning {c.get('warning', 0):,} "
            f"liquidation {c.get('liquidation', 0):,} stale {c.get('stale_price', 0):,}; alerts {c.get('alerts')}"
        )
        if outcome.status != "succeeded":
            print(outcome.error)
            break
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:,.0f} MiB")
    database.engine.dispose()


if __name__ == "__main__":
    main()
