"""The demo loan book: planted overdue days come out of the schedules, and every stored
figure reconciles with what it is derived from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.db import Database
from scf.platform.models import Facility, Loan, Programme, WarehouseReceipt
from scf.platform.services.collateral.receipt_queries import reconcile_receipt
from scf.platform.services.lending.limits import (
    facility_position,
    programme_usage,
    reconcile_facility,
)
from scf.platform.services.lending.loan_queries import reconcile_loan


@pytest.fixture()
def seeded(seeded_url: str) -> Iterator[Session]:
    database = Database(seeded_url)
    with database.session() as session:
        yield session
    database.engine.dispose()


# seed/README.md "Overdue loans": days past the first unpaid instalment on 2026-11-20
@pytest.mark.parametrize(
    ("code", "days", "klass"),
    [
        ("L0006", 1, "special_mention"),
        ("L0102", 4, "special_mention"),
        ("L0141", 42, "special_mention"),
        ("L0244", 100, "substandard"),
        ("L0223", 300, "doubtful"),
    ],
)
def test_planted_overdue_loans(seeded: Session, code: str, days: int, klass: str) -> None:
    loan = seeded.scalars(sa.select(Loan).where(Loan.code == code)).one()
    assert (loan.days_past_due, loan.delinquency_class) == (days, klass)


def test_every_seeded_loan_ends_on_its_maturity_and_reconciles(seeded: Session) -> None:
    for loan in seeded.scalars(sa.select(Loan)):
        assert max(i.due_date for i in loan.instalments) == loan.maturity_date, loan.code
        assert reconcile_loan(loan) == []


def test_every_facility_and_receipt_reconciles(seeded: Session) -> None:
    for facility in seeded.scalars(sa.select(Facility)):
        assert reconcile_facility(seeded, facility) == []
    for receipt in seeded.scalars(sa.select(WarehouseReceipt)):
        assert reconcile_receipt(seeded, receipt) == []


def test_programme_use_is_the_sum_of_its_facilities(seeded: Session) -> None:
    for programme in seeded.scalars(sa.select(Programme)):
        facilities = seeded.scalars(
            sa.select(Facility).where(Facility.programme_id == programme.id)
        ).all()
        total = sum((facility_position(seeded, f).exposure for f in facilities), start=0)
        assert programme_usage(seeded, programme).used == total
