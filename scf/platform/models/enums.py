"""The platform's vocabularies: one name per concept, used by models, API and pages.

The domain's kinds (parties, relationships, products, statuses …) are defined once in
``scf.credit.kinds`` and re-exported here; the ones below belong to the platform alone
(roles, alerts, the approval workflow).
"""

from __future__ import annotations

from enum import StrEnum

from scf.credit.kinds import (
    CollateralKind,
    DrawdownStatus,
    FacilityStatus,
    GuarantorKind,
    LoanStatus,
    MarketKind,
    MarketStage,
    PartyKind,
    Product,
    ProgrammeKind,
    ReceiptStatus,
    RelationshipKind,
    ReleaseBasis,
    RepaymentMethod,
)

__all__ = [
    "AlertStatus",
    "ApprovalAction",
    "CollateralKind",
    "DrawdownStatus",
    "FacilityStatus",
    "GuarantorKind",
    "LoanStatus",
    "MarketKind",
    "MarketStage",
    "PartyKind",
    "Product",
    "ProgrammeKind",
    "ReceiptStatus",
    "RelationshipKind",
    "ReleaseBasis",
    "RepaymentMethod",
    "Role",
    "Severity",
]


class ApprovalAction(StrEnum):
    """Maker-checker steps on a facility (审批流程) [000 §五]."""

    PROPOSE = "propose"
    PROPOSE_CHANGE = "propose_change"  # a new limit for an active facility
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    SEND_BACK = "send_back"


class Role(StrEnum):
    """What a user does: administers users, approves and watches risk, looks after
    customers, or runs one market (and sees only it)."""

    ADMIN = "admin"
    RISK_OFFICER = "risk_officer"
    RELATIONSHIP_MANAGER = "relationship_manager"
    MARKET_ADMINISTRATOR = "market_administrator"


class AlertStatus(StrEnum):
    """An alert's life: raised (open), taken up by its owner, closed by hand or by the
    job that no longer sees its condition."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"
