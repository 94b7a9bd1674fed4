"""The internal rating scale (客户信用评级), best first, as policy data [000 §四]."""

from __future__ import annotations

from scf.credit.policy import Policy


def rating_rank(rating: str, policy: Policy) -> int:
    """Position on the scale, 0 = best (AAA); the scale is policy data [000 §四]."""
    return policy.items("rating.scale").index(rating)


def rating_at_least(rating: str, floor: str, policy: Policy) -> bool:
    return rating_rank(rating, policy) <= rating_rank(floor, policy)
