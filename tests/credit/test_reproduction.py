"""A decision made under last year's policy reproduces after the policy changed."""

import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from scf.credit.assessment import assess
from scf.credit.policy import DEFAULT_POLICY_DIR, load_policy

from .factories import MANUFACTURER


def test_tightened_debt_ratio_changes_new_decisions_but_old_ones_reproduce(tmp_path: Path) -> None:
    directory = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, directory)
    path = directory / "admission.yaml"
    old_line = '      2012-01-01: {value: "0.60", reference: "[003 §五(一)1(4)]"}\n  admission.debt_ratio_max.wholesale_retail:'
    new_line = (
        '      2012-01-01: {value: "0.60", reference: "[003 §五(一)1(4)]"}\n'
        '      2025-01-01: {value: "0.55", reference: "总行通知 2024-17"}\n'
        "  admission.debt_ratio_max.wholesale_retail:"
    )
    path.write_text(path.read_text(encoding="utf-8").replace(old_line, new_line), encoding="utf-8")
    firm = replace(MANUFACTURER, total_liabilities=Decimal("5800000"))  # 58%

    last_year = date(2024, 6, 30)
    original = assess(firm, last_year)  # made under the shipped policy
    replayed = assess(firm, last_year, policy=load_policy(last_year, directory))
    now = assess(firm, date(2025, 6, 30), policy=load_policy(date(2025, 6, 30), directory))

    assert original.decision == replayed.decision == "eligible"
    assert original.policy_version == replayed.policy_version
    assert original.to_dict() == replayed.to_dict()
    assert now.decision == "ineligible"
    assert now.policy_version != original.policy_version
    r = next(r for r in now.rules if r.id == "debt_ratio_within_limit")
    assert r.threshold == "≤ 55%"
