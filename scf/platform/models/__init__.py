"""All database models, imported here so that metadata and Alembic see every table."""

from scf.platform.models.audit import AuditEntry
from scf.platform.models.auth import ApiToken, RateLimitCounter, User
from scf.platform.models.base import Base
from scf.platform.models.collateral import (
    CollateralItem,
    Commodity,
    CommodityPrice,
    InsurancePolicy,
    ReceiptRelease,
    Receivable,
    WarehouseReceipt,
)
from scf.platform.models.lending import (
    Approval,
    Drawdown,
    Facility,
    FacilityFreeze,
    FacilityGuarantee,
    Instalment,
    Loan,
    MarginDeposit,
    Repayment,
)
from scf.platform.models.monitoring import (
    Alert,
    AlertEvent,
    JobRun,
    OnboardingBatch,
    SchedulerLease,
)
from scf.platform.models.network import JointGuaranteeGroup, Market, Programme, Relationship
from scf.platform.models.network_changes import NetworkChange
from scf.platform.models.parties import Branch, FinancialSnapshot, Party

__all__ = [
    "Alert",
    "AlertEvent",
    "ApiToken",
    "Approval",
    "AuditEntry",
    "Base",
    "Branch",
    "CollateralItem",
    "Commodity",
    "Drawdown",
    "CommodityPrice",
    "Facility",
    "FacilityFreeze",
    "FacilityGuarantee",
    "FinancialSnapshot",
    "Instalment",
    "InsurancePolicy",
    "JobRun",
    "JointGuaranteeGroup",
    "Loan",
    "MarginDeposit",
    "Market",
    "NetworkChange",
    "OnboardingBatch",
    "Party",
    "Programme",
    "RateLimitCounter",
    "Receivable",
    "ReceiptRelease",
    "Relationship",
    "Repayment",
    "SchedulerLease",
    "User",
    "WarehouseReceipt",
]
