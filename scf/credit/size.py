"""Size classification (企业划型) by industry, as of a date [DOMAIN §2].

The standard in force on the as-of date is the policy's size table: the 2003 table
[002 §1.1.3 表1-2] before 2011-06-18, the MIIT 2011 standard (工信部联企业〔2011〕300号)
from then. A firm is in the highest class whose lower bounds it meets on *every*
listed measure; missing one drops it a class [002 表1-2 说明③]. Tables are in 万元;
inputs are yuan and converted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from scf.credit.explain import RuleResult, missing, rule
from scf.credit.facts import LABELS, FirmFacts
from scf.credit.policy import Policy

WAN = Decimal(10000)
_MEASURE_FIELD = {"employees": "employees", "revenue": "revenue_12m", "assets": "total_assets"}
_MEASURE_NAME = {"employees": "从业人员", "revenue": "营业收入(万元)", "assets": "资产总额(万元)"}


@dataclass(frozen=True)
class SizeResult:
    size_class: str | None  # large / medium / small / micro; None when inputs are missing
    table: str
    group: str
    measures: dict[str, Decimal]  # in table units
    decided_by: tuple[str, ...]  # the measures that kept the firm out of the class above
    missing: tuple[str, ...]
    explanation: str


def measures_in_table_units(facts: FirmFacts) -> dict[str, Decimal | None]:
    revenue = None if facts.revenue_12m is None else facts.revenue_12m / WAN
    assets = None if facts.total_assets is None else facts.total_assets / WAN
    employees = None if facts.employees is None else Decimal(facts.employees)
    return {"employees": employees, "revenue": revenue, "assets": assets}


def classify(facts: FirmFacts, policy: Policy) -> SizeResult:
    """Size class under the table in force; revenue is the last 12 months' (X)."""
    table = policy.size_table
    if facts.industry is None:
        return SizeResult(
            None, table.label, "", {}, (), ("industry",), "缺少行业 (missing industry)"
        )
    group = table.industry_groups[facts.industry]
    levels = table.classes[group]
    needed = sorted({m for level in levels for m in level.bounds})
    values = measures_in_table_units(facts)
    absent = tuple(_MEASURE_FIELD[m] for m in needed if values[m] is None)
    if absent:
        return SizeResult(
            None, table.label, group, {}, (), absent, f"缺少划型指标 (missing {', '.join(absent)})"
        )
    known = {m: v for m, v in values.items() if m in needed and v is not None}
    blocked: tuple[str, ...] = ()
    for level in levels:
        short = tuple(m for m, bound in level.bounds.items() if known[m] < bound)
        if not short:
            text = "，".join(
                f"{_MEASURE_NAME[m]} {known[m]:f} ≥ {b:f}" for m, b in level.bounds.items()
            )
            why = f"{table.label} {group}: {level.size_class}，{text}"
            if blocked:
                why += f"；未达上一档下限：{', '.join(blocked)}"
            return SizeResult(level.size_class, table.label, group, known, blocked, (), why)
        blocked = short
    why = f"{table.label} {group}: {table.floor_class}；未达{levels[-1].size_class}下限：{', '.join(blocked)}"
    return SizeResult(table.floor_class, table.label, group, known, blocked, (), why)


def size_class_allowed(facts: FirmFacts, policy: Policy) -> tuple[SizeResult, RuleResult]:
    """Only small and micro firms are admitted [003 §五(一)1(1)]."""
    result = classify(facts, policy)
    rid, clause = "size_class_small_or_micro", "[003 §五(一)1(1)]"
    if result.size_class is None:
        return result, missing(rid, clause, result.missing, LABELS)
    allowed = policy.items("admission.allowed_size_classes")
    ok = result.size_class in allowed
    return result, rule(
        rid,
        clause,
        ok,
        result.size_class,
        "/".join(allowed),
        f"企业划型为{result.size_class} ({result.explanation})",
    )
