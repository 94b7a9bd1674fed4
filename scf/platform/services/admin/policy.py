"""The credit policy in force on a date, for the people who apply it.

The parameters are not secret from the bank's staff, but they are the bank's: a
market administrator does not read them. Each parameter comes with its clause and
whether its value is assumed (common practice, not in the documents [DOMAIN]).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from scf.credit.policy import Param, Policy, load_policy
from scf.platform.auth.access import Actor, require_bank_staff


@dataclass(frozen=True)
class PolicyFamily:
    file: str
    params: tuple[Param, ...]

    @property
    def name(self) -> str:
        return self.file.removesuffix(".yaml")

    @property
    def assumed(self) -> int:
        return sum(1 for p in self.params if p.assumed)


def policy_in_force(actor: Actor, as_of: dt.date) -> Policy:
    require_bank_staff(actor)
    return load_policy(as_of)


def policy_families(policy: Policy, *, assumed_only: bool = False) -> list[PolicyFamily]:
    """The parameters grouped by the file (family) they come from, sorted by name."""
    grouped: dict[str, list[Param]] = defaultdict(list)
    for param in sorted(policy.params.values(), key=lambda p: p.name):
        if param.assumed or not assumed_only:
            grouped[param.file].append(param)
    return [PolicyFamily(file, tuple(params)) for file, params in sorted(grouped.items())]
