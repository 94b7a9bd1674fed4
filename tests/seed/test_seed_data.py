"""The demo dataset honours the loader's contract and carries the planted cases."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scf.credit import uscc
from seed.builder import SEED_AS_OF, due_dates
from seed.contract import COLUMNS
from seed.generate import generate
from seed.sizes import size_class

MONEY = {
    "snapshots": [
        "revenue_12m",
        "revenue_prior_year",
        "total_assets",
        "total_liabilities",
        "net_profit_last_year",
        "net_profit_prior_year",
        "taxable_revenue_last_year",
        "existing_exposure",
        "household_net_assets",
    ],
    "programmes": ["cap"],
    "groups": ["margin_pool", "total_limit"],
    "relationships": ["amount"],
    "prices": ["price"],
    "receivables": ["amount"],
    "collateral": ["appraised_value", "unit_value", "maturity_value"],
    "insurance": ["insured_amount"],
    "facilities": ["limit_amount"],
    "loans": ["principal"],
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed_a")
    generate(out)
    return out


@pytest.fixture(scope="module")
def t(data_dir: Path) -> dict[str, list[dict[str, str]]]:
    tables = {}
    for name in COLUMNS:
        with (data_dir / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            tables[name] = list(csv.DictReader(fh))
    return tables


def test_two_runs_give_identical_bytes(data_dir: Path, tmp_path: Path) -> None:
    generate(tmp_path)
    for name in COLUMNS:
        assert (data_dir / f"{name}.csv").read_bytes() == (tmp_path / f"{name}.csv").read_bytes(), (
            name
        )


def test_committed_data_is_current(data_dir: Path) -> None:
    committed = Path(__file__).resolve().parents[2] / "seed" / "data"
    for name in COLUMNS:
        assert (committed / f"{name}.csv").read_bytes() == (
            data_dir / f"{name}.csv"
        ).read_bytes(), name


def test_headers_match_contract_and_lines_end_with_lf(data_dir: Path) -> None:
    for name, columns in COLUMNS.items():
        raw = (data_dir / f"{name}.csv").read_bytes()
        assert b"\r" not in raw
        assert raw.decode("utf-8").split("\n", 1)[0] == ",".join(columns)


def test_every_uscc_valid_and_unique(t: dict[str, list[dict[str, str]]]) -> None:
    codes = [p["uscc"] for p in t["parties"] if p["kind"] != "person"]
    assert all(codes) and len(codes) == len(set(codes))
    for p in t["parties"]:
        if p["kind"] == "person":
            assert p["uscc"] == "" and p["id_number"] == ""
            continue
        assert uscc.validate(p["uscc"]).division.startswith("13")
        assert p["uscc"][:2] == ("92" if p["kind"] == "individual_business" else "91")


def test_every_reference_exists(t: dict[str, list[dict[str, str]]]) -> None:
    parties = {p["key"] for p in t["parties"]}
    markets = {m["key"] for m in t["markets"]}
    groups = {g["key"] for g in t["groups"]}
    loans = {x["key"] for x in t["loans"]}
    facilities = {f["key"] for f in t["facilities"]}
    programmes = {p["key"] for p in t["programmes"]}
    collateral = {c["key"] for c in t["collateral"]}
    commodities = {c["code"] for c in t["commodities"]}

    def ok(value: str, *pools: set[str]) -> bool:
        return value == "" or any(value in pool for pool in pools)

    for m in t["markets"]:
        assert m["administrator_key"] in parties
    for p in t["programmes"]:
        assert ok(p["core_key"], parties) and ok(p["market_key"], markets)
    for g in t["groups"]:
        assert g["market_key"] in markets
    for r in t["relationships"]:
        assert r["source_key"] in parties, r
        assert ok(r["target_key"], parties, markets, groups) and r["target_key"], r
        assert ok(r["loan_key"], loans), r
    for s in t["snapshots"]:
        assert s["party_key"] in parties
    for r in t["receivables"]:
        assert r["creditor_key"] in parties and r["debtor_key"] in parties
        assert ok(r["pledged_loan_key"], loans)
    for w in t["warehouse_receipts"]:
        assert w["owner_key"] in parties and w["supervisor_key"] in parties
        assert w["commodity"] in commodities and ok(w["pledged_loan_key"], loans)
    for c in t["collateral"]:
        assert c["owner_key"] in parties and ok(c["pledged_facility_key"], facilities)
    for i in t["insurance"]:
        assert i["collateral_key"] in collateral
    for f in t["facilities"]:
        assert f["party_key"] in parties
        assert ok(f["programme_key"], programmes) and ok(f["group_key"], groups)
    for x in t["loans"]:
        assert x["facility_key"] in facilities and x["party_key"] in parties
    for p in t["prices"]:
        assert p["commodity"] in commodities
    rms = {u["username"] for u in t["users"]}
    assert {p["rm"] for p in t["parties"]} - {""} <= rms
    assert {u["market_key"] for u in t["users"]} - {""} <= markets


def test_keys_unique_and_rows_sorted(t: dict[str, list[dict[str, str]]]) -> None:
    for name, rows in t.items():
        first = COLUMNS[name][0]
        if name in ("prices", "snapshots"):
            pairs = [(r[COLUMNS[name][0]], r[COLUMNS[name][1]]) for r in rows]
            assert pairs == sorted(pairs) and len(set(pairs)) == len(pairs)
        else:
            keys = [r[first] for r in rows]
            assert keys == sorted(keys) and len(set(keys)) == len(keys), name


def test_money_columns_have_two_places(t: dict[str, list[dict[str, str]]]) -> None:
    for name, columns in MONEY.items():
        for row in t[name]:
            for c in columns:
                if row[c]:
                    text = row[c].lstrip("-")
                    assert text.count(".") == 1 and len(text.split(".")[1]) == 2, (name, c, row[c])
                    assert "e" not in text.lower()
                    Decimal(row[c])


def test_ratios_and_quantities_use_fixed_places(t: dict[str, list[dict[str, str]]]) -> None:
    for r in t["relationships"]:
        if r["percentage"]:
            assert len(r["percentage"].split(".")[1]) == 4 and 0 < Decimal(r["percentage"]) <= 1
    for x in t["loans"]:
        assert len(x["rate_annual"].split(".")[1]) == 6
    for w in t["warehouse_receipts"]:
        assert len(w["quantity"].split(".")[1]) == 4


def by_role(t: dict[str, list[dict[str, str]]], kind: str, target: str) -> set[str]:
    return {
        r["source_key"]
        for r in t["relationships"]
        if r["kind"] == kind and r["target_key"] == target
    }


def test_minimum_counts(t: dict[str, list[dict[str, str]]]) -> None:
    steel = next(p["key"] for p in t["parties"] if p["name"] == "冀东恒泰钢铁集团有限公司")
    assert len(by_role(t, "supplies_to", steel)) >= 200
    assert len(by_role(t, "distributes_for", steel)) >= 50
    kinds = Counter(p["kind"] for p in t["parties"])
    for m in t["markets"]:
        members = by_role(t, "member_of_market", m["key"])
        assert len(members) >= 100
        member_kinds = {p["kind"] for p in t["parties"] if p["key"] in members}
        assert member_kinds == {"enterprise", "individual_business"}
    assert kinds["guarantee_company"] >= 1 and kinds["warehouse_supervisor"] >= 1
    assert {p["industry"] for p in t["parties"]} >= {
        "coal_mining",
        "manufacturing",
        "wholesale",
        "retail",
    }
    assert len(t["groups"]) >= 10
    for g in t["groups"]:
        assert 3 <= len(by_role(t, "member_of_group", g["key"])) <= 10
    assert len(t["receivables"]) >= 200
    assert {u["role"] for u in t["users"]} == {
        "admin",
        "risk_officer",
        "relationship_manager",
        "market_administrator",
    }
    assert {"admin", "risk", "rm_sjz", "rm_ts"} <= {u["username"] for u in t["users"]}


def cycles(edges: list[tuple[str, str]]) -> list[tuple[str, ...]]:
    """Elementary cycles, each reported once starting from its smallest node."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    found = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt == start:
                found.append(tuple(path))
            elif nxt > start and nxt not in path and len(path) < 8:
                walk(start, nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return found


def test_guarantee_circles_of_two_three_and_five(t: dict[str, list[dict[str, str]]]) -> None:
    edges = [
        (r["source_key"], r["target_key"]) for r in t["relationships"] if r["kind"] == "guarantees"
    ]
    found = cycles(edges)
    assert sorted(len(c) for c in found) == [2, 3, 5]
    kinds = {p["key"]: p["kind"] for p in t["parties"]}
    pair = next(c for c in found if len(c) == 2)
    assert {kinds[k] for k in pair} == {"enterprise"}


def test_exactly_one_receivable_pledged_twice(t: dict[str, list[dict[str, str]]]) -> None:
    seen: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in t["receivables"]:
        seen[(r["debtor_key"], r["invoice_number"])].append(r)
    dupes = [rows for rows in seen.values() if len(rows) > 1]
    assert len(dupes) == 1 and len(dupes[0]) == 2
    a, b = dupes[0]
    assert a["creditor_key"] != b["creditor_key"]
    assert (
        a["pledged_loan_key"]
        and b["pledged_loan_key"]
        and a["pledged_loan_key"] != b["pledged_loan_key"]
    )


def test_prices_cover_120_business_days_with_steel_fall_and_stale_rubber(
    t: dict[str, list[dict[str, str]]],
) -> None:
    series: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for p in t["prices"]:
        day = date.fromisoformat(p["price_date"])
        assert day.weekday() < 5 and day <= SEED_AS_OF
        series[p["commodity"]].append((day, Decimal(p["price"])))
    assert all(len(points) >= 120 for points in series.values())
    steel = series["steel_rebar"]
    assert steel[-1][0] == SEED_AS_OF
    recent_high = max(price for day, price in steel if (SEED_AS_OF - day).days <= 31)
    assert steel[-1][1] <= recent_high * Decimal("0.80")
    assert series["coal_thermal"][-1][0] == SEED_AS_OF
    assert series["rubber_natural"][-1][0] == date(2026, 11, 10)  # 8 business days old


def test_loans_fit_facilities_and_some_are_overdue(t: dict[str, list[dict[str, str]]]) -> None:
    facilities = {f["key"]: f for f in t["facilities"]}
    drawn: dict[str, Decimal] = defaultdict(Decimal)
    days_overdue = []
    for x in t["loans"]:
        fac = facilities[x["facility_key"]]
        assert fac["party_key"] == x["party_key"] and fac["product"] == x["product"]
        drawn[fac["key"]] += Decimal(x["principal"])
        n, paid = int(x["instalments"]), int(x["paid_instalments"])
        if x["repayment_method"] == "bullet":
            assert n == 1
        schedule = due_dates(
            date.fromisoformat(x["drawn_on"]), date.fromisoformat(x["maturity_date"]), n
        )
        due = [s for s in schedule if s < SEED_AS_OF]
        assert 0 <= paid <= len(due) <= n
        if paid < len(due):
            days_overdue.append((SEED_AS_OF - due[paid]).days)
        if x["product"] == "joint_guarantee":
            assert x["repayment_method"] != "bullet"
    for key, total in drawn.items():
        assert total <= Decimal(facilities[key]["limit_amount"]), key
    assert {1, 100, 300} <= set(days_overdue)


def test_collateral_backed_loans_fit_their_collateral(t: dict[str, list[dict[str, str]]]) -> None:
    pledged: dict[str, Decimal] = defaultdict(Decimal)
    for r in t["receivables"]:
        if r["pledged_loan_key"]:
            pledged[r["pledged_loan_key"]] += Decimal(r["amount"])
    for x in t["loans"]:
        if x["product"] in ("receivable_pledge", "factoring"):
            assert Decimal(x["principal"]) <= pledged[x["key"]] * Decimal("0.80"), x["key"]


def test_sizes_follow_the_2011_table(t: dict[str, list[dict[str, str]]]) -> None:
    parties = {p["key"]: p for p in t["parties"]}
    classes = Counter()
    for s in t["snapshots"]:
        p = parties[s["party_key"]]
        assets = Decimal(s["total_assets"] or "0")
        cls = size_class(p["industry"], int(s["employees"]), Decimal(s["revenue_12m"]), assets)
        if "core_enterprise" in p["roles"]:
            assert cls == "large"
        classes[cls] += 1
    assert classes["micro"] + classes["small"] > 0.8 * sum(classes.values())
    assert classes["medium"] > 0


def test_admission_mix_is_planted(t: dict[str, list[dict[str, str]]]) -> None:
    snaps = t["snapshots"]
    assert any(s["bad_credit_3y"] == "true" for s in snaps)
    assert any("entertainment" in s["prohibited_flags"] for s in snaps)
    assert any(s["total_assets"] == "" for s in snaps)
    assert any(s["net_profit_prior_year"].startswith("-") for s in snaps)
    assert any(s["fixed_home"] == "false" for s in snaps)
    young = [p for p in t["parties"] if p["established_on"] and p["established_on"] > "2023-11-20"]
    assert young
    high = [
        s
        for s in snaps
        if s["total_assets"]
        and Decimal(s["total_liabilities"]) / Decimal(s["total_assets"]) > Decimal("0.7")
    ]
    assert high
    clean = [s for s in snaps if s["bad_credit_3y"] == "false" and not s["prohibited_flags"]]
    assert len(clean) > 0.9 * len(snaps)


def test_every_commodity_is_acceptable_goods_under_the_policy(
    t: dict[str, list[dict[str, str]]],
) -> None:
    """Pledged goods must be of an accepted category [003 §七(四)2]: the demo's receipts of
    coal, rubber and steel are all pledgeable."""
    from scf.credit.policy import load_policy

    accepted = load_policy(SEED_AS_OF).items("goods.acceptable_categories")
    assert {row["category"] for row in t["commodities"]} <= set(accepted)


def test_the_demo_has_an_approver_for_what_it_proposes(
    t: dict[str, list[dict[str, str]]],
) -> None:
    from scf.credit.policy import load_policy

    levels = load_policy(SEED_AS_OF).items("authority.levels")
    approvers = [u for u in t["users"] if u["approval_level"]]
    assert [u["role"] for u in approvers] == ["risk_officer"]
    assert all(u["approval_level"] in levels for u in approvers)
