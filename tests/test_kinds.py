"""One list of each kind (``scf.credit.kinds``): the graph, the models and the page labels
follow it, so a kind added once is known everywhere or a test says where it is missing."""

from __future__ import annotations

from enum import StrEnum

import pytest

from scf.credit import kinds
from scf.credit.facility_rules import PRODUCTS
from scf.graph import data as graph
from scf.platform.models import enums
from scf.platform.web.labels import LABELS

LABELLED: list[tuple[str, type[StrEnum]]] = [
    ("party_kind", kinds.PartyKind),
    ("relationship", kinds.RelationshipKind),
    ("market_stage", kinds.MarketStage),
    ("market_kind", kinds.MarketKind),
    ("product", kinds.Product),
    ("facility_status", kinds.FacilityStatus),
    ("loan_status", kinds.LoanStatus),
    ("repayment_method", kinds.RepaymentMethod),
    ("guarantor_kind", kinds.GuarantorKind),
    ("collateral_kind", kinds.CollateralKind),
    ("receipt_status", kinds.ReceiptStatus),
    ("user_role", enums.Role),
    ("alert_status", enums.AlertStatus),
    ("approval_action", enums.ApprovalAction),
]


@pytest.mark.parametrize(("table", "kind"), LABELLED, ids=[t for t, _ in LABELLED])
def test_every_member_of_a_kind_has_a_label(table: str, kind: type[StrEnum]) -> None:
    assert {m.value for m in kind} - set(LABELS[table]) == set()


def test_the_models_use_the_domain_kinds_themselves() -> None:
    assert enums.Product is kinds.Product
    assert enums.RelationshipKind is kinds.RelationshipKind
    assert enums.PartyKind is kinds.PartyKind


def test_the_graph_and_the_rules_name_kinds_by_the_same_values() -> None:
    assert graph.EDGE_KINDS == tuple(k.value for k in kinds.RelationshipKind)
    assert graph.SUPPLIES_TO == kinds.RelationshipKind.SUPPLIES_TO
    assert graph.INDIVIDUAL_BUSINESS == kinds.PartyKind.INDIVIDUAL_BUSINESS
    assert PRODUCTS == tuple(p.value for p in kinds.Product)
