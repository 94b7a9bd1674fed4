"""A facility's freeze as the page and the API show it (冻结): who froze it, in which
role, when and why; whether lifting it needs two risk officers; the unfreeze awaiting
approval, if one was proposed.

The rule it reports is ``facility_status``'s: only a relationship manager's freeze is
lifted in one step; any other — a risk officer's, the system's, or one from before
freezes were recorded (no ``frozen_at``) — needs one risk officer to propose the
unfreeze and another to approve it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from scf.platform.models import Facility, FacilityFreeze, User
from scf.platform.models.enums import FacilityStatus, Role


@dataclass(frozen=True)
class UnfreezeProposal:
    proposed_by: str
    proposed_by_id: int | None
    proposed_at: dt.datetime | None
    reason: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "proposed_by": self.proposed_by,
            "proposed_at": None if self.proposed_at is None else self.proposed_at.isoformat(),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class FreezeView:
    frozen_by: str | None  # None: the system, or a freeze from before the record
    role: Role | None
    frozen_at: dt.datetime | None  # None: frozen before freezes were recorded
    reason: str | None
    unfreeze: UnfreezeProposal | None

    @property
    def needs_two_risk_officers(self) -> bool:
        return lifted_in_two_steps(self.role)

    def to_dict(self) -> dict[str, object]:
        return {
            "frozen_by": self.frozen_by,
            "role": None if self.role is None else self.role.value,
            "frozen_at": None if self.frozen_at is None else self.frozen_at.isoformat(),
            "reason": self.reason,
            "needs_two_risk_officers": self.needs_two_risk_officers,
            "unfreeze": None if self.unfreeze is None else self.unfreeze.to_dict(),
        }


def lifted_in_two_steps(frozen_by_role: Role | None) -> bool:
    """Every freeze but a relationship manager's is lifted by two risk officers: the
    risk officer's so that the people it checks cannot undo it, the system's and an
    unrecorded one because nobody can say it was not a risk officer's (fail closed)."""
    return frozen_by_role is not Role.RELATIONSHIP_MANAGER


def _username(session: Session, user_id: int | None) -> str | None:
    user = None if user_id is None else session.get(User, user_id)
    return None if user is None else user.username


def freeze_record(session: Session, facility: Facility) -> FacilityFreeze | None:
    """The row recording the freeze in force on ``facility`` (None: not frozen, or frozen
    before freezes were recorded)."""
    if facility.status is not FacilityStatus.FROZEN:
        return None
    return session.get(FacilityFreeze, facility.id)


def freeze_view(session: Session, facility: Facility) -> FreezeView | None:
    """The freeze in force on ``facility``, or None when it is not frozen."""
    if facility.status is not FacilityStatus.FROZEN:
        return None
    row = freeze_record(session, facility)
    if row is None:
        return FreezeView(None, None, None, None, None)
    unfreeze = None
    if row.unfreeze_proposed_at is not None:
        unfreeze = UnfreezeProposal(
            _username(session, row.unfreeze_proposed_by_id) or "",
            row.unfreeze_proposed_by_id,
            row.unfreeze_proposed_at,
            row.unfreeze_reason,
        )
    return FreezeView(
        _username(session, row.frozen_by_id),
        row.frozen_by_role,
        row.frozen_at,
        row.reason,
        unfreeze,
    )
