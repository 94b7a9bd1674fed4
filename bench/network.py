"""Benchmark of the network computations on a synthetic bank book (issue 4).

    .venv/bin/python bench/network.py            # 100,000 firms, ~500,000 edges
    .venv/bin/python bench/network.py --firms 10000

Builds the book in memory as ``scf.graph.data`` facts (deterministic: one seeded
``random.Random``), then times: building the networkx graph, all related-party group
exposures (plus every single-customer, chain, market and joint-guarantee figure), all
guarantee circles, one contagion run, one radius-2 ego network; and reports peak memory
(max RSS). Targets on a 2-core machine: exposures + circles ≤ 10 s, ego ≤ 50 ms,
contagion ≤ 1 s, peak memory ≤ 2 GB. Figures are recorded in docs/network.md.

The book: firms are enterprises (70%) and individual businesses (30%); 1 core per
1,000 firms with suppliers and dealers; markets of ~150 merchants with an
administrator; joint-guarantee groups of 5; one person per two firms (legal
representative, controller, shareholder, spouse); ~1.5 loans per firm; guarantees
mostly inside a neighbourhood of 50 firms, some across the book (so the guarantee graph
has the giant strongly connected component real guarantee networks have).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scf.credit.policy import load_policy  # noqa: E402
from scf.graph import data as d  # noqa: E402
from scf.graph.circles import guarantee_circles  # noqa: E402
from scf.graph.contagion import Scenario, run_stress  # noqa: E402
from scf.graph.ego import ego_network  # noqa: E402
from scf.graph.exposure import (  # noqa: E402
    chain_exposure,
    joint_guarantee_exposure,
    market_exposure,
    related_party_groups,
)
from scf.graph.network import Network, party_node  # noqa: E402
from scf.graph.policy import NetworkPolicy  # noqa: E402

AS_OF = dt.date(2026, 11, 20)
T = TypeVar("T")


def synthetic_book(firms: int, seed: int = 20261120) -> d.NetworkData:
    rng = random.Random(seed)
    parties: list[d.PartyFacts] = []
    edges: list[d.EdgeFacts] = []
    loans: list[d.LoanFacts] = []
    receivables: list[d.ReceivableFacts] = []
    goods: list[d.GoodsPosition] = []

    def edge(kind: str, source: int, target: int | None = None, **kw: object) -> None:
        edges.append(d.EdgeFacts(len(edges) + 1, kind, source, target, **kw))  # type: ignore[arg-type]

    cores = set(range(1, firms + 1, 1000))
    for i in range(1, firms + 1):
        kind = d.INDIVIDUAL_BUSINESS if rng.random() < 0.3 else d.ENTERPRISE
        size = rng.choice(("medium", "small", "small", "micro")) if kind == d.ENTERPRISE else None
        net = Decimal(rng.randrange(200_000, 50_000_000))
        parties.append(d.PartyFacts(i, kind, f"firm {i}", f"U{i:017d}", size, net, i in cores))
    persons = range(firms + 1, firms + firms // 2 + 1)
    for p in persons:
        parties.append(d.PartyFacts(p, d.PERSON, f"person {p}"))
    markets = [d.MarketFacts(m, f"M{m}", f"market {m}") for m in range(1, firms // 500 + 1)]
    groups = [d.GroupFacts(g, f"G{g}", f"group {g}") for g in range(1, firms // 50 + 1)]

    core_list = sorted(cores)
    for i in range(1, firms + 1):
        if i in cores:
            continue
        r = rng.random()
        core = core_list[(i // 1000) % len(core_list)]
        if r < 0.35:
            edge(d.SUPPLIES_TO, i, core)
        elif r < 0.50:
            edge(d.DISTRIBUTES_FOR, i, core)
            if rng.random() < 0.3:
                edge(d.BUYBACK_FOR, core, i, amount=Decimal(rng.randrange(100_000, 5_000_000)))
        elif r < 0.80:
            edge(d.MEMBER_OF_MARKET, i, None, target_market=markets[(i // 500) % len(markets)].id)
    for m in markets:
        edge(d.ADMINISTERS, m.id * 500 - 250, None, target_market=m.id)
    for g in groups:
        for k in range(5):
            edge(d.MEMBER_OF_GROUP, g.id * 50 - k * 7, None, target_group=g.id)
    for n, p in enumerate(persons):
        firm = 2 * n + 1
        edge(d.LEGAL_REPRESENTATIVE_OF, p, firm)
        edge(d.LEGAL_REPRESENTATIVE_OF, p, firm + 1)
        edge(d.CONTROLS, p, firm)
        edge(d.HOLDS_SHARES, p, firm, percentage=Decimal("0.60"))
        edge(d.HOLDS_SHARES, p, firm + 1, percentage=rng.choice((Decimal("0.10"), Decimal("0.30"))))
        if n % 10 == 0 and p + 1 in persons:
            edge(d.SPOUSE_OF, p, p + 1)
    loan_id = 0
    for i in range(1, firms + 1):
        for _ in range(rng.choice((1, 1, 2, 2))):
            loan_id += 1
            group = (
                i // 50 + 1 if i % 50 in (0, 7, 14, 21, 28) and i // 50 + 1 <= len(groups) else None
            )
            loans.append(
                d.LoanFacts(
                    loan_id,
                    f"L{loan_id}",
                    i,
                    "credit",
                    Decimal(rng.randrange(100_000, 5_000_000)),
                    0,
                    group,
                    core_list[(i // 1000) % len(core_list)],
                )
            )
    by_borrower: dict[int, list[int]] = {}
    for loan in loans:
        by_borrower.setdefault(loan.borrower, []).append(loan.id)
    for loan in loans:
        for _ in range(rng.choice((1, 1, 2))):
            if rng.random() < 0.9:  # a neighbour within 50 firms
                g = min(max(1, loan.borrower + rng.randrange(-25, 26)), firms)
            else:
                g = rng.randrange(1, firms + 1)
            if g != loan.borrower:
                edge(d.GUARANTEES, g, loan.borrower, amount=loan.outstanding, loan_id=loan.id)
    for e in list(edges):
        if e.kind == d.SUPPLIES_TO and e.target_party is not None:
            for lid in by_borrower.get(e.source, [])[:1]:
                receivables.append(
                    d.ReceivableFacts(
                        len(receivables) + 1, lid, e.source, e.target_party, Decimal("1000000")
                    )
                )
    for n, loan in enumerate(loans[:: max(1, len(loans) // 5000)]):
        goods.append(
            d.GoodsPosition(
                n + 1,
                loan.id,
                loan.borrower,
                "steel_rebar",
                Decimal("1000"),
                Decimal("3500"),
                AS_OF,
            )
        )
    return d.NetworkData(
        AS_OF,
        tuple(parties),
        tuple(edges),
        tuple(loans),
        tuple(markets),
        tuple(groups),
        tuple(receivables),
        tuple(goods),
    )


def timed(label: str, fn: Callable[[], T], results: dict[str, float]) -> T:
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    print(f"{label:<46} {results[label]:8.3f} s", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    args = parser.parse_args()
    policy = NetworkPolicy.of(load_policy(AS_OF))
    results: dict[str, float] = {}
    data = timed("generate the synthetic book", lambda: synthetic_book(args.firms), results)
    print(
        f"firms {args.firms:,}; parties {len(data.parties):,}; edges {len(data.edges):,}; "
        f"loans {len(data.loans):,}; receivables {len(data.receivables):,}; goods {len(data.goods):,}"
    )
    network = timed("build the graph (Network)", lambda: Network(data), results)

    def all_exposures() -> int:
        groups = related_party_groups(network, policy)
        singles = [network.own_exposure(p) for p in network.loans_by_borrower]
        chains = [chain_exposure(network, p.id) for p in data.parties if p.is_core]
        markets = [market_exposure(network, m.id, policy) for m in data.markets]
        joints = [joint_guarantee_exposure(network, g.id) for g in data.groups]
        return len(groups) + len(singles) + len(chains) + len(markets) + len(joints)

    timed("all exposures (groups, single, chain, market, joint)", all_exposures, results)
    circles = timed("all guarantee circles", lambda: guarantee_circles(network, policy), results)
    sizes = sorted((c.size for c in circles), reverse=True)
    print(
        f"  circles {len(circles):,}; largest {sizes[:3]}; mutual pairs {sum(len(c.mutual_pairs) for c in circles):,}; triangles {sum(len(c.triangles) for c in circles):,}"
    )
    results["exposures + circles"] = (
        results["all exposures (groups, single, chain, market, joint)"]
        + results["all guarantee circles"]
    )
    core = next(p.id for p in data.parties if p.is_core)
    stress = timed(
        "one contagion run (a core defaults)",
        lambda: run_stress(network, Scenario(defaults=(core,)), policy),
        results,
    )
    print(
        f"  rounds {len(stress.rounds)}; defaulted parties {len(stress.defaulted_parties):,}; loans {len(stress.losses):,}; loss {stress.total_loss:,}"
    )
    shock = timed(
        "one contagion run (steel -20%)",
        lambda: run_stress(
            network, Scenario(price_shocks=(("steel_rebar", Decimal("-0.20")),)), policy
        ),
        results,
    )
    print(
        f"  rounds {len(shock.rounds)}; defaulted parties {len(shock.defaulted_parties):,}; loans {len(shock.losses):,}"
    )
    rng = random.Random(1)
    samples = []
    sizes_ego = []
    for _ in range(50):
        centre = party_node(rng.randrange(1, args.firms + 1))
        start = time.perf_counter()
        ego = ego_network(network, centre, 2, max_nodes=10_000)
        samples.append(time.perf_counter() - start)
        sizes_ego.append(len(ego.nodes))
    results["ego radius 2 (median of 50)"] = statistics.median(samples)
    results["ego radius 2 (max of 50)"] = max(samples)
    print(
        f"{'ego radius 2, median of 50':<46} {statistics.median(samples) * 1000:8.2f} ms (max {max(samples) * 1000:.2f} ms; median {statistics.median(sizes_ego):.0f} nodes)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory (max RSS)':<46} {peak:8.0f} MiB")
    print(
        f"exposures + circles: {results['exposures + circles']:.3f} s; python {platform.python_version()}; {platform.machine()}"
    )


if __name__ == "__main__":
    main()
