"""Size classification inputs consistent with MIIT 2011 (工信部联企业〔2011〕300号) [DOMAIN §2].

The generator draws employees, revenue and assets for a target class and checks
the draw with ``size_class`` so the demo never shows a "micro" steel group.
Bounds are in persons and 万元 (10,000 CNY), as the standard states them.
"""

from __future__ import annotations

import random
from decimal import Decimal

Bounds = dict[str, int]

# industry family -> (SME ceiling, medium lower bounds, small lower bounds)
SIZE_TABLE: dict[str, tuple[Bounds, Bounds, Bounds]] = {
    "agriculture": ({"revenue": 20000}, {"revenue": 500}, {"revenue": 50}),
    "industry": (
        {"employees": 1000, "revenue": 40000},
        {"employees": 300, "revenue": 2000},
        {"employees": 20, "revenue": 300},
    ),
    "construction": (
        {"revenue": 80000, "assets": 80000},
        {"revenue": 6000, "assets": 5000},
        {"revenue": 300, "assets": 300},
    ),
    "wholesale": (
        {"employees": 200, "revenue": 40000},
        {"employees": 20, "revenue": 5000},
        {"employees": 5, "revenue": 1000},
    ),
    "retail": (
        {"employees": 300, "revenue": 20000},
        {"employees": 50, "revenue": 500},
        {"employees": 10, "revenue": 100},
    ),
    "transport": (
        {"employees": 1000, "revenue": 30000},
        {"employees": 300, "revenue": 3000},
        {"employees": 20, "revenue": 200},
    ),
    "warehousing": (
        {"employees": 200, "revenue": 30000},
        {"employees": 100, "revenue": 1000},
        {"employees": 20, "revenue": 100},
    ),
    "postal": (
        {"employees": 1000, "revenue": 30000},
        {"employees": 300, "revenue": 2000},
        {"employees": 20, "revenue": 100},
    ),
    "accommodation": (
        {"employees": 300, "revenue": 10000},
        {"employees": 100, "revenue": 2000},
        {"employees": 10, "revenue": 100},
    ),
    "information_transmission": (
        {"employees": 2000, "revenue": 100000},
        {"employees": 100, "revenue": 1000},
        {"employees": 10, "revenue": 100},
    ),
    "software_it": (
        {"employees": 300, "revenue": 10000},
        {"employees": 100, "revenue": 1000},
        {"employees": 10, "revenue": 50},
    ),
    "real_estate_development": (
        {"revenue": 200000, "assets": 10000},
        {"revenue": 1000, "assets": 5000},
        {"revenue": 100, "assets": 2000},
    ),
    "property_management": (
        {"employees": 1000, "revenue": 5000},
        {"employees": 300, "revenue": 1000},
        {"employees": 100, "revenue": 500},
    ),
    "leasing_business_services": (
        {"employees": 300, "assets": 120000},
        {"employees": 100, "assets": 8000},
        {"employees": 10, "assets": 100},
    ),
    "other": ({"employees": 300}, {"employees": 100}, {"employees": 10}),
}

FAMILY = {
    "mining": "industry",
    "coal_mining": "industry",
    "manufacturing": "industry",
    "utilities": "industry",
    "catering": "accommodation",
}

CLASSES = ("micro", "small", "medium", "large")


def family(industry: str) -> str:
    return FAMILY.get(industry, industry)


def size_class(industry: str, employees: int, revenue: Decimal, assets: Decimal) -> str:
    """Class by the 2011 table; revenue and assets in yuan, compared in 万元."""
    ceiling, medium, small = SIZE_TABLE[family(industry)]
    values = {"employees": Decimal(employees), "revenue": revenue / 10000, "assets": assets / 10000}

    def meets(bounds: Bounds) -> bool:
        return all(values[m] >= b for m, b in bounds.items())

    if meets(ceiling):
        return "large"
    if meets(medium):
        return "medium"
    if meets(small):
        return "small"
    return "micro"


def draw(rng: random.Random, industry: str, target: str) -> tuple[int, int, int]:
    """Employees, revenue (万元) and assets (万元) well inside ``target``'s band.

    Values stay 10% away from the band's edges so a second snapshot that moves
    revenue by a few percent keeps the class.
    """
    ceiling, medium, small = SIZE_TABLE[family(industry)]
    index = CLASSES.index(target)
    lows: list[Bounds] = [{}, small, medium, ceiling]
    lower = lows[index]
    upper = lows[index + 1] if index < 3 else {}
    out: dict[str, int] = {}
    for measure in ("employees", "revenue", "assets"):
        if measure in lower or measure in upper:
            lo = lower.get(measure, max(1, upper.get(measure, 10) // 5))
            hi = upper.get(measure, lo * 3)
            out[measure] = rng.randint(int(lo * 1.1) + 1, max(int(lo * 1.1) + 2, int(hi * 0.9)))
    if "revenue" not in out:
        base = out.get("assets") or out["employees"] * rng.randint(40, 120)
        out["revenue"] = max(20, int(base * rng.uniform(0.6, 1.6)))
    if "assets" not in out:
        out["assets"] = max(20, int(out["revenue"] * rng.uniform(0.5, 1.4)))
    if "employees" not in out:
        out["employees"] = max(3, out["revenue"] // rng.randint(60, 160) + rng.randint(2, 12))
    return out["employees"], out["revenue"], out["assets"]
