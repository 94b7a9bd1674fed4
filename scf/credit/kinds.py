"""The domain's vocabularies: one list of each kind, the source every other list derives from.

Models store these values (``scf.platform.models.enums`` re-exports them), the graph
names its node and edge kinds by them (``scf.graph.data``), the rules compare against
them, the pages label them (``scf.platform.web.labels``, checked by a test to cover
every member) and the API documents them. A new kind is added here once; the enum
columns are VARCHAR(32) without a database enum type, so no migration is needed for a
new value (a test proves the labels and the graph follow).
"""

from __future__ import annotations

from enum import StrEnum


class PartyKind(StrEnum):
    ENTERPRISE = "enterprise"  # 企业
    INDIVIDUAL_BUSINESS = "individual_business"  # 个体工商户
    PERSON = "person"  # 自然人
    GUARANTEE_COMPANY = "guarantee_company"  # 专业担保公司
    WAREHOUSE_SUPERVISOR = "warehouse_supervisor"  # 仓储监管机构


class RelationshipKind(StrEnum):
    """Typed edges of the network; direction in the comment (source -> target)."""

    SUPPLIES_TO = "supplies_to"  # supplier -> core enterprise
    DISTRIBUTES_FOR = "distributes_for"  # dealer -> core enterprise
    MEMBER_OF_MARKET = "member_of_market"  # merchant -> market
    ADMINISTERS = "administers"  # market administrator -> market
    MEMBER_OF_GROUP = "member_of_group"  # member -> joint-guarantee group
    GUARANTEES = "guarantees"  # guarantor -> borrower (amount)
    CONTROLS = "controls"  # actual controller -> firm
    HOLDS_SHARES = "holds_shares"  # shareholder -> firm (percentage)
    SUPERVISES = "supervises"  # warehouse supervisor -> market or party
    LEGAL_REPRESENTATIVE_OF = "legal_representative_of"  # person -> firm
    SPOUSE_OF = "spouse_of"  # person -> person
    BUYBACK_FOR = "buyback_for"  # core / manufacturer -> dealer (amount)


class MarketStage(StrEnum):
    """[003 §三(一)] 起步期 / 快速成长期 / 成熟期."""

    PIONEERING = "pioneering"
    FAST_GROWING = "fast_growing"
    MATURE = "mature"


class MarketKind(StrEnum):
    PROFESSIONAL_MARKET = "professional_market"  # 专业市场
    MALL = "mall"  # 商场
    STREET = "street"  # 商业街
    TRADE_ASSOCIATION = "trade_association"  # 商会/协会


class ProgrammeKind(StrEnum):
    CORE = "core"  # core-enterprise "1+N" programme
    MARKET = "market"  # commerce-circle programme


class Product(StrEnum):
    RECEIVABLE_PLEDGE = "receivable_pledge"  # 账易贷
    FACTORING = "factoring"  # 保理
    GOODS_PLEDGE = "goods_pledge"  # 动产/仓单质押
    CONFIRMED_WAREHOUSE = "confirmed_warehouse"  # 保兑仓
    JOINT_GUARANTEE = "joint_guarantee"  # 联保贷
    CREDIT = "credit"  # 信用贷
    REVOLVING = "revolving"  # 循环贷
    MORTGAGE = "mortgage"  # 房易贷


class FacilityStatus(StrEnum):
    PROPOSED = "proposed"
    SENT_BACK = "sent_back"  # returned to the proposer by the checker (退回)
    ACTIVE = "active"
    FROZEN = "frozen"
    EXPIRED = "expired"
    CLOSED = "closed"
    REJECTED = "rejected"


class LoanStatus(StrEnum):
    PENDING = "pending"  # a drawdown requested, not yet disbursed: it blocks the limit
    CANCELLED = "cancelled"  # a pending drawdown withdrawn before disbursal
    ACTIVE = "active"
    REPAID = "repaid"
    WRITTEN_OFF = "written_off"


class RepaymentMethod(StrEnum):
    """How principal comes back [003 §十(二)]: at maturity with periodic interest, in
    instalments, or equal-principal / equal-instalment monthly (credit loans)."""

    BULLET = "bullet"
    INSTALMENT_PRINCIPAL = "instalment_principal"
    EQUAL_PRINCIPAL = "equal_principal"
    EQUAL_INSTALMENT = "equal_instalment"


class DrawdownStatus(StrEnum):
    """Limit accounting (额度占用): pending blocks the limit, utilised uses it, cancelled frees it."""

    PENDING = "pending"
    UTILISED = "utilised"
    CANCELLED = "cancelled"


class GuarantorKind(StrEnum):
    """Who guarantees a facility [003 §七(二)]."""

    GUARANTEE_COMPANY = "guarantee_company"  # 专业担保公司 (strong)
    ENTERPRISE = "enterprise"  # 企业保证
    MARKET_ADMINISTRATOR = "market_administrator"  # 市场管理方保证
    PERSONAL = (
        "personal"  # 个人连带责任保证 (legal representative, controller, shareholder, spouse)
    )


class ReleaseBasis(StrEnum):
    """Why goods left a pledged warehouse receipt (出库依据)."""

    REPAYMENT = "repayment"  # 随还随提: the balance still covered after release
    MARGIN = "margin"  # 保兑仓 随缴保证金随提货
    UNPLEDGED = "unpledged"  # the receipt secured nothing


class CollateralKind(StrEnum):
    REAL_ESTATE = "real_estate"
    DEPOSIT = "deposit"
    BOND = "bond"
    EQUITY = "equity"
    PATENT = "patent"
    TRADEMARK = "trademark"
    MACHINERY = "machinery"


class ReceiptStatus(StrEnum):
    ISSUED = "issued"
    PLEDGED = "pledged"
    SPLIT = "split"
    RELEASED = "released"
    CANCELLED = "cancelled"
