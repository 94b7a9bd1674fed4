"""Outstanding principal (贷款余额): principal drawn less principal repaid, never stored.

One definition, written three ways for the three ways it is asked: for one loan in
Python (pages, repayments), for many loans grouped in SQL (the network, the jobs), and
correlated to the loan of the row at hand (limit accounting's sums).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from scf.credit.money import ZERO
from scf.platform.models import Loan, Repayment
from scf.platform.models.types import Money


def money_sum(expression: sa.ColumnElement[Decimal]) -> sa.ColumnElement[Decimal]:
    """A money sum typed as ``Money`` so SQLite's scaled integers come back as yuan."""
    return sa.type_coerce(sa.func.coalesce(sa.func.sum(expression), 0), Money())


def outstanding_principal(loan: Loan) -> Decimal:
    """Principal drawn less principal repaid: derived, never stored twice."""
    return loan.principal - sum((r.principal_part for r in loan.repayments), ZERO)


def repaid_principal_by_loan(as_of: dt.date | None = None) -> sa.Select[tuple[int, Decimal]]:
    """(loan id, principal repaid) for every loan with a repayment, counting only those
    paid on or before ``as_of`` when given (the network as of a past date)."""
    query = sa.select(
        Repayment.loan_id,
        sa.type_coerce(sa.func.sum(Repayment.principal_part), Money()).label("repaid"),
    ).group_by(Repayment.loan_id)
    if as_of is not None:
        query = query.where(Repayment.paid_on <= as_of)
    return query


def outstanding_principal_column() -> tuple[sa.ColumnElement[Decimal], sa.Subquery]:
    """The balance as a column over ``Loan`` outer-joined to the returned subquery on
    ``loan_id``: for set-based statements over many loans."""
    repaid = repaid_principal_by_loan().subquery()
    balance = sa.type_coerce(Loan.principal - sa.func.coalesce(repaid.c.repaid, 0), Money())
    return balance, repaid


def repaid_principal_of_row_loan() -> sa.ScalarSelect[Decimal]:
    """Principal repaid on the ``Loan`` of the enclosing query's row (a correlated
    subquery, for sums over loans grouped by facility or programme)."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(Repayment.principal_part), 0))
        .where(Repayment.loan_id == Loan.id)
        .scalar_subquery()
    )
