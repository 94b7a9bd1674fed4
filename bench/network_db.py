"""The same synthetic book written to a database, then read back by the service.

    .venv/bin/python bench/network_db.py                      # SQLite file in /tmp
    .venv/bin/python bench/network_db.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Times ``load_network_data`` (the set-based queries, outstanding principal derived from
repayments, the latest snapshot and size class per party), the first
``network_as_of`` (load + build) and a cached one (the change-stamp query only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.network import AS_OF, synthetic_book  # noqa: E402
from scf.platform.db import Database  # noqa: E402
from scf.platform.migrate import upgrade  # noqa: E402
from scf.platform.models import (  # noqa: E402
    Commodity,
    CommodityPrice,
    Facility,
    FinancialSnapshot,
    JointGuaranteeGroup,
    Loan,
    Market,
    Party,
    Programme,
    Receivable,
    Relationship,
    WarehouseReceipt,
)
from scf.platform.services.network.book import load_network_data, network_as_of  # noqa: E402

START = dt.date(2026, 1, 1)


def write(url: str, firms: int) -> None:
    data = synthetic_book(firms)
    db = Database(url)
    upgrade(db.engine)
    with db.engine.begin() as c:
        c.execute(
            sa.insert(Party.__table__),
            [
                {
                    "id": p.id,
                    "kind": p.kind,
                    "uscc": p.uscc,
                    "customer_number": f"C{p.id}",
                    "name": p.name,
                    "industry": "wholesale" if p.kind == "enterprise" else None,
                    "created_at": dt.datetime.now(dt.UTC),
                    "updated_at": dt.datetime.now(dt.UTC),
                }
                for p in data.parties
            ],
        )
        c.execute(
            sa.insert(FinancialSnapshot.__table__),
            [
                {
                    "party_id": p.id,
                    "as_of": dt.date(2026, 6, 30),
                    "employees": 40,
                    "revenue_12m": Decimal("30000000"),
                    "total_assets": (p.net_assets or 0) * 2,
                    "total_liabilities": p.net_assets,
                    "prohibited_flags": [],
                    "tier_factors": [],
                    "cautious_factors": [],
                    "industry_data": {},
                }
                for p in data.parties
                if p.net_assets is not None
            ],
        )
        now = {"created_at": dt.datetime.now(dt.UTC), "updated_at": dt.datetime.now(dt.UTC)}
        c.execute(
            sa.insert(Market.__table__),
            [
                {
                    "id": m.id,
                    "code": m.code,
                    "name": m.name,
                    "kind": "professional_market",
                    "stage": "mature",
                    **now,
                }
                for m in data.markets
            ],
        )
        c.execute(
            sa.insert(JointGuaranteeGroup.__table__),
            [
                {"id": g.id, "code": g.code, "name": g.name, "margin_pool": Decimal("0"), **now}
                for g in data.groups
            ],
        )
        cores = [p.id for p in data.parties if p.is_core]
        c.execute(
            sa.insert(Programme.__table__),
            [
                {
                    "id": i,
                    "code": f"PG{i}",
                    "kind": "core",
                    "core_party_id": core,
                    "name": f"programme {i}",
                    "cap": Decimal("1000000000"),
                    "valid_from": START,
                    **now,
                }
                for i, core in enumerate(cores, 1)
            ],
        )
        programme = {core: i for i, core in enumerate(cores, 1)}
        c.execute(
            sa.insert(Facility.__table__),
            [
                {
                    "id": loan.id,
                    "code": f"F{loan.id}",
                    "party_id": loan.borrower,
                    "group_id": loan.group_id,
                    "programme_id": programme.get(loan.programme_core or 0),
                    "product": "credit",
                    "limit_amount": loan.outstanding,
                    "start_date": START,
                    "end_date": dt.date(2027, 1, 1),
                    "revolving": False,
                    "status": "active",
                    "decision": {},
                    **now,
                }
                for loan in data.loans
            ],
        )
        c.execute(
            sa.insert(Loan.__table__),
            [
                {
                    "id": loan.id,
                    "code": loan.code,
                    "facility_id": loan.id,
                    "party_id": loan.borrower,
                    "product": "credit",
                    "principal": loan.outstanding,
                    "rate_annual": Decimal("0.06"),
                    "drawn_on": START,
                    "maturity_date": dt.date(2027, 1, 1),
                    "repayment_method": "bullet",
                    "status": "active",
                    "days_past_due": 0,
                    "delinquency_class": "normal",
                    **now,
                }
                for loan in data.loans
            ],
        )
        c.execute(
            sa.insert(Relationship.__table__),
            [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "source_party_id": e.source,
                    "target_party_id": e.target_party,
                    "target_market_id": e.target_market,
                    "target_group_id": e.target_group,
                    "amount": e.amount,
                    "percentage": e.percentage,
                    "loan_id": e.loan_id,
                    "valid_from": START,
                    **now,
                }
                for e in data.edges
            ],
        )
        c.execute(
            sa.insert(Receivable.__table__),
            [
                {
                    "id": r.id,
                    "code": f"AR{r.id}",
                    "creditor_party_id": r.creditor,
                    "debtor_party_id": r.debtor,
                    "invoice_number": f"INV{r.id}",
                    "amount": r.amount,
                    "issued_on": START,
                    "due_on": dt.date(2027, 1, 1),
                    "confirmed": True,
                    "collection_account": True,
                    "pledged_loan_id": r.loan_id,
                    **now,
                }
                for r in data.receivables
            ],
        )
        c.execute(
            sa.insert(Commodity.__table__),
            [{"code": "steel_rebar", "name": "螺纹钢", "unit": "ton", "category": "steel"}],
        )
        c.execute(
            sa.insert(CommodityPrice.__table__),
            [{"commodity_code": "steel_rebar", "price_date": AS_OF, "price": Decimal("3500")}],
        )
        c.execute(
            sa.insert(WarehouseReceipt.__table__),
            [
                {
                    "id": g.receipt_id,
                    "number": f"WR{g.receipt_id}",
                    "owner_party_id": g.owner,
                    "warehouse": "w",
                    "commodity_code": g.commodity,
                    "quantity": g.quantity,
                    "released_quantity": Decimal("0"),
                    "unit": "ton",
                    "issued_on": START,
                    "status": "pledged",
                    "pledged_loan_id": g.loan_id,
                    **now,
                }
                for g in data.goods
            ],
        )
    db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="sqlite:////tmp/scf-bench-network.sqlite3")
    parser.add_argument("--firms", type=int, default=100_000)
    args = parser.parse_args()
    if args.url.startswith("sqlite:///"):
        Path(args.url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    start = time.perf_counter()
    write(args.url, args.firms)
    print(f"{'write the book to the database':<40} {time.perf_counter() - start:8.2f} s")
    db = Database(args.url)
    with db.session() as session:
        start = time.perf_counter()
        data = load_network_data(session, AS_OF)
        print(
            f"{'load_network_data':<40} {time.perf_counter() - start:8.2f} s "
            f"({len(data.parties):,} parties, {len(data.edges):,} edges, {len(data.loans):,} loans)"
        )
        start = time.perf_counter()
        network_as_of(session, AS_OF)
        print(f"{'network_as_of, first (load + build)':<40} {time.perf_counter() - start:8.2f} s")
        start = time.perf_counter()
        network_as_of(session, AS_OF)
        print(
            f"{'network_as_of, cached (stamp query)':<40} {(time.perf_counter() - start) * 1000:8.2f} ms"
        )
    db.engine.dispose()


if __name__ == "__main__":
    main()
