"""Terms in months and days past due, the two counts the loan book reads its rules from
[003 §十(一)] [DOMAIN §11]."""

from datetime import date
from decimal import Decimal

import pytest

from scf.credit.dates import months_between
from scf.credit.delinquency import days_past_due
from scf.credit.repayments import Line

D = Decimal


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 15), date(2026, 1, 15), 1),  # the same day: at least one month
        (date(2026, 1, 15), date(2026, 2, 15), 1),  # exactly one month
        (date(2026, 1, 15), date(2026, 2, 16), 2),  # one day more counts as a month
        (date(2026, 1, 15), date(2027, 1, 15), 12),  # exactly a year: the 12-month limit
        (date(2026, 1, 15), date(2027, 1, 16), 13),  # a day past a year
        (date(2026, 1, 31), date(2026, 2, 28), 1),  # 31 Jan + 1 month is 28 Feb
        (date(2026, 11, 3), date(2027, 11, 4), 13),  # the drawdown refused as too long
    ],
)
def test_months_between_counts_a_part_month_as_a_month(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months


def _line(number: int, due: date, principal_paid: str = "0", interest_paid: str = "0") -> Line:
    return Line(number, due, D("40000"), D("720"), D(principal_paid), D(interest_paid))


SCHEDULE = (
    _line(1, date(2026, 12, 3), "40000", "720"),  # paid in full
    _line(2, date(2027, 1, 3), "40000", "700"),  # 20 of interest still unpaid
    _line(3, date(2027, 2, 3)),
)


@pytest.mark.parametrize(
    ("as_of", "days"),
    [
        (date(2026, 12, 3), 0),  # the paid line falls due: nothing past due
        (date(2027, 1, 3), 0),  # the due date itself is not yet past due
        (date(2027, 1, 4), 1),  # a day later, 20 of interest unpaid: 1 day
        (date(2027, 2, 4), 32),  # counted from the oldest unpaid line, not the latest
    ],
)
def test_days_past_due_count_from_the_oldest_line_not_fully_paid(as_of: date, days: int) -> None:
    assert days_past_due(SCHEDULE, as_of) == days


def test_a_schedule_paid_to_date_is_not_past_due() -> None:
    paid = (_line(1, date(2026, 12, 3), "40000", "720"), _line(2, date(2027, 1, 3)))
    assert days_past_due(paid, date(2027, 1, 2)) == 0
