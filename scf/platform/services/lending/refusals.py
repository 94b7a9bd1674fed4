"""A refusal by the rules, as the API, the pages and the CLI show it.

Every use case that checks rules refuses the same way: one ``RuleRefused`` whose message
names each failed rule with its clause, what was observed and what was required
(``scf.credit.explain.refusal``), and whose ``errors`` carry them for problem+json.
"""

from __future__ import annotations

from collections.abc import Sequence

from scf.credit.explain import RuleResult, failed, refusal
from scf.platform.errors import RuleRefused


def refuse(message: str, rules: Sequence[RuleResult]) -> RuleRefused:
    """A ``RuleRefused`` whose message and ``errors`` name every failed rule."""
    return RuleRefused(
        refusal(message, rules), errors={"rules": [r.to_dict() for r in failed(rules)]}
    )
