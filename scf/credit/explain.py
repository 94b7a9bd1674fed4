"""How a decision shows its working: one ``RuleResult`` per rule applied.

A relationship manager must see every rule, the clause it comes from, the value
observed and the threshold, so each rule returns one of these instead of a bare bool.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from scf.credit.money import quantize_to

Outcome = Literal["pass", "fail", "refer"]
Decision = Literal["eligible", "refer", "ineligible"]


@dataclass(frozen=True)
class RuleResult:
    id: str
    clause: str
    result: Outcome
    observed: str | None
    threshold: str | None
    message: str
    missing: tuple[str, ...] = ()  # input fields whose absence made this rule refer

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "clause": self.clause,
            "result": self.result,
            "observed": self.observed,
            "threshold": self.threshold,
            "message": self.message,
            "missing": list(self.missing),
        }

    @property
    def ok(self) -> bool:
        return self.result == "pass"


def rule(
    id: str,
    clause: str,
    ok: bool,
    observed: object,
    threshold: object,
    message: str,
    *,
    in_principle: bool = False,
) -> RuleResult:
    """A rule's outcome: missing an "原则上" (in principle) rule refers, others fail."""
    result: Outcome = "pass" if ok else ("refer" if in_principle else "fail")
    return RuleResult(
        id,
        clause,
        result,
        None if observed is None else str(observed),
        None if threshold is None else str(threshold),
        message,
    )


def missing(id: str, clause: str, fields: Iterable[str], labels: dict[str, str]) -> RuleResult:
    """A rule that cannot be decided because inputs are missing: refer, never guess."""
    names = list(fields)
    text = "、".join(labels.get(f, f) for f in names)
    return RuleResult(
        id,
        clause,
        "refer",
        None,
        None,
        f"缺少数据：{text} (missing: {', '.join(names)})",
        tuple(names),
    )


def about(result: RuleResult, subject: str) -> RuleResult:
    """The same result with what it is about (a guarantor, a receivable) before its message,
    for decisions that apply one rule to several things."""
    return replace(result, message=f"{subject}: {result.message}")


def masked(result: RuleResult, subject: str) -> RuleResult:
    """The same result about a third party the reader may not see: its outcome, rule and
    clause stay; its figures (observed value, threshold) are withheld."""
    hidden = "（无权查看 hidden）"
    return replace(
        result,
        observed=None if result.observed is None else hidden,
        threshold=None if result.threshold is None else hidden,
        message=f"{subject}: {result.message}",
    )


def decide(results: Iterable[RuleResult]) -> Decision:
    """Any fail → ineligible; else any refer → refer; else eligible."""
    outcomes = {r.result for r in results}
    if "fail" in outcomes:
        return "ineligible"
    if "refer" in outcomes:
        return "refer"
    return "eligible"


def failed(results: Iterable[RuleResult]) -> list[RuleResult]:
    """The results that fail (not those that refer: they go to the approver)."""
    return [r for r in results if r.result == "fail"]


def refusal(message: str, results: Iterable[RuleResult]) -> str:
    """``message`` followed by each failed rule: id, clause, why, what was observed and
    what was required, so a refusal explains itself wherever it is shown."""
    names = "; ".join(
        f"{r.id} {r.clause}: {r.message} [实际 observed: {r.observed}; 要求 required: {r.threshold}]"
        for r in failed(results)
    )
    return f"{message}: {names}"


def pct(ratio: Decimal) -> str:
    """A ratio shown as a percentage with enough places to see why a boundary failed."""
    return f"{quantize_to(ratio * 100, 4).normalize():f}%"
