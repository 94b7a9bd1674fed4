"""What a relationship manager proposes (授信申请要素), checked and turned into the engine's
terms: the party by code (visible to the proposer), product, dates, programme, group,
collateral items and guarantors looked up; bad input names its field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, visible_among, visible_party
from scf.platform.errors import ValidationFailed
from scf.platform.models import (
    CollateralItem,
    Facility,
    JointGuaranteeGroup,
    Party,
    Programme,
)
from scf.platform.models.enums import GuarantorKind, Product, RepaymentMethod
from scf.platform.services.lending.granting import FacilityTerms, GuaranteeTerms

T = TypeVar("T")


def positive(amount: Decimal, field: str = "amount") -> Decimal:
    if amount <= 0:
        raise ValidationFailed(
            f"{field} (金额): 必须大于0 (must be positive)",
            errors={field: ["必须大于0 (must be positive)"]},
        )
    return amount


def choice(enum_cls: Any, value: str, field: str) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationFailed(
            f"{field}: 未知取值 “{value}” (unknown; one of {allowed})",
            errors={field: [f"one of {allowed}"]},
        ) from None


def _find_party(session: Session, key: str, field: str) -> Party:
    """A guarantor by unified social credit code or customer number (persons have no USCC)."""
    party = session.scalar(
        sa.select(Party).where(sa.or_(Party.uscc == key, Party.customer_number == key))
    )
    if party is None:
        raise ValidationFailed(
            f"{field}: 未找到主体 “{key}” (party not found)", errors={field: [f"unknown {key}"]}
        )
    return party


@dataclass(frozen=True)
class Proposal:
    """A relationship manager's proposal, as received (codes, not rows)."""

    party_uscc: str
    product: str
    amount: Decimal
    start_date: dt.date
    end_date: dt.date
    repayment_method: str
    revolving: bool = False
    programme_code: str | None = None
    group_code: str | None = None
    collateral_codes: tuple[str, ...] = ()
    guarantees: tuple[tuple[str, str, Decimal], ...] = ()  # guarantor, kind, amount
    registered_and_operating_locally: bool = False
    contribution: str | None = None  # None: derived from the tier
    prospect: str | None = None
    rate_annual: Decimal | None = None
    comment: str | None = None


def proposal_terms(session: Session, actor: Actor, p: Proposal, as_of: dt.date) -> FacilityTerms:
    positive(p.amount)
    if p.end_date < p.start_date:
        raise ValidationFailed(
            "end_date (到期日): 不得早于起始日 (must not be before start_date)",
            errors={"end_date": ["不得早于起始日 (not before start_date)"]},
        )
    party = visible_party(session, actor, p.party_uscc)
    programme = (
        _by_code(session, Programme, p.programme_code, "programme", "项目")
        if p.programme_code
        else None
    )
    group = (
        _by_code(session, JointGuaranteeGroup, p.group_code, "group", "联保体")
        if p.group_code
        else None
    )
    items = _collateral_items(session, p.collateral_codes)
    guarantees = tuple(
        GuaranteeTerms(
            _find_party(session, key, "guarantees"),
            choice(GuarantorKind, kind, "guarantees.kind"),
            positive(amount, "guarantees.amount"),
        )
        for key, kind, amount in p.guarantees
    )
    if any(g.guarantor.id == party.id for g in guarantees):
        raise ValidationFailed(
            "guarantees (保证人): 借款人不能为自己担保 (a borrower cannot guarantee itself)",
            errors={"guarantees": ["self-guarantee"]},
        )
    named = {g.guarantor.id for g in guarantees}
    return FacilityTerms(
        hidden_parties=frozenset(named - visible_among(session, actor, named)),
        party=party,
        product=choice(Product, p.product, "product"),
        requested=p.amount,
        start_date=p.start_date,
        end_date=p.end_date,
        revolving=p.revolving,
        repayment_method=choice(RepaymentMethod, p.repayment_method, "repayment_method"),
        as_of=as_of,
        programme=programme,
        group=group,
        collateral=items,
        guarantees=guarantees,
        registered_and_operating_locally=p.registered_and_operating_locally,
        contribution=p.contribution,
        prospect=p.prospect,
        rate_annual=p.rate_annual,
    )


def _by_code(session: Session, model: type[T], code: str, field: str, label: str) -> T:
    """The ``model`` row of that code, or a field error naming it."""
    found = session.scalar(sa.select(model).where(model.code == code))  # type: ignore[attr-defined]
    if found is None:
        raise ValidationFailed(
            f"{field} ({label}): 未找到 “{code}” (not found)", errors={field: ["not found"]}
        )
    return found


def _collateral_items(session: Session, codes: tuple[str, ...]) -> tuple[CollateralItem, ...]:
    items = list(session.scalars(sa.select(CollateralItem).where(CollateralItem.code.in_(codes))))
    missing = sorted(set(codes) - {i.code for i in items})
    if missing:
        raise ValidationFailed(
            f"collateral (抵质押物): 未找到 {', '.join(missing)} (not found)",
            errors={"collateral": [f"not found: {', '.join(missing)}"]},
        )
    return tuple(items)


def recorded_terms(p: Proposal) -> dict[str, object]:
    """The proposal as stored in the decision, so a resubmission re-runs the same terms."""
    return {
        "registered_and_operating_locally": p.registered_and_operating_locally,
        "contribution": p.contribution,
        "prospect": p.prospect,
        "rate_annual": None if p.rate_annual is None else str(p.rate_annual),
    }


def stored_terms(
    session: Session, actor: Actor, facility: Facility, requested: Decimal, as_of: dt.date
) -> FacilityTerms:
    """The facility's terms as granted, with a new requested amount (resubmission, change),
    as ``actor`` may read them (guarantors they may not see keep their figures hidden)."""
    recorded = dict((facility.decision or {}).get("terms") or {})
    party = session.get(Party, facility.party_id)
    assert party is not None
    rate = recorded.get("rate_annual")
    named = {g.guarantor_party_id for g in facility.guarantees}
    return FacilityTerms(
        hidden_parties=frozenset(named - visible_among(session, actor, named)),
        party=party,
        product=facility.product,
        requested=requested,
        start_date=facility.start_date,
        end_date=facility.end_date,
        revolving=facility.revolving,
        repayment_method=facility.repayment_method or RepaymentMethod.BULLET,
        as_of=as_of,
        programme=None
        if facility.programme_id is None
        else session.get(Programme, facility.programme_id),
        group=None
        if facility.group_id is None
        else session.get(JointGuaranteeGroup, facility.group_id),
        collateral=tuple(
            session.scalars(
                sa.select(CollateralItem).where(CollateralItem.pledged_facility_id == facility.id)
            )
        ),
        guarantees=tuple(
            GuaranteeTerms(session.get(Party, g.guarantor_party_id), g.kind, g.amount)  # type: ignore[arg-type]
            for g in facility.guarantees
        ),
        registered_and_operating_locally=bool(recorded.get("registered_and_operating_locally")),
        contribution=recorded.get("contribution") or None,
        prospect=recorded.get("prospect") or None,
        rate_annual=None if rate is None else Decimal(str(rate)),
    )
