"""Plausible business dates: the window the policy sets (calendar.yaml, assumed bank
settings): nothing before 1990-01-01, nothing received in the future, a drawdown's value
date at most 30 days back. Boundaries included."""

from __future__ import annotations

import datetime as dt

import pytest

from scf.credit.business_dates import drawdown_value_date_problem, past_date_problem
from scf.credit.policy import load_policy

TODAY = dt.date(2026, 12, 5)
POLICY = load_policy(TODAY)


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        (dt.date(1, 1, 1), True),  # the 0001-01-01 price of the probe
        (dt.date(1989, 12, 31), True),
        (dt.date(1990, 1, 1), False),  # "not before" includes the day itself
        (TODAY, False),
        (TODAY + dt.timedelta(days=1), True),
        (dt.date(9999, 12, 31), True),  # the 9999-12-31 repayment of the probe
    ],
)
def test_a_date_of_something_that_happened_lies_between_1990_and_today(
    value: dt.date, refused: bool
) -> None:
    assert (past_date_problem(value, today=TODAY, policy=POLICY) is not None) is refused


@pytest.mark.parametrize(
    ("days_back", "refused"),
    [(0, False), (30, False), (31, True), (183, True)],  # six months back: the probe's case
)
def test_a_drawdown_value_date_lies_at_most_30_days_back(days_back: int, refused: bool) -> None:
    value = TODAY - dt.timedelta(days=days_back)
    assert (drawdown_value_date_problem(value, today=TODAY, policy=POLICY) is not None) is refused


def test_the_window_is_policy_marked_as_a_bank_setting() -> None:
    param = POLICY.param("dates.drawdown.backdating_days_max")
    assert param.assumed and "bank setting" in param.reference
