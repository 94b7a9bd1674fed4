"""Repayments: interest first, then principal, oldest first; prepayment reshapes the schedule.

Worked loan: 120,000 at 7.2% a year, drawn 2026-01-15, equal principal over 3 months,
interest actual days / 360 [DOMAIN §11]:
  1  2026-02-15  31 days  interest 120,000 × 0.072 × 31 / 360 = 744.00  principal 40,000
  2  2026-03-15  28 days  interest  80,000 × 0.072 × 28 / 360 = 448.00  principal 40,000
  3  2026-04-15  31 days  interest  40,000 × 0.072 × 31 / 360 = 248.00  principal 40,000
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scf.credit.policy import Policy, load_policy
from scf.credit.repayments import (
    Line,
    RepaymentError,
    allocate,
    payoff,
    prepayment_mode,
    repayment_within_payoff,
)
from scf.credit.schedules import build_schedule

D = Decimal
RATE = D("0.072")
DRAWN = date(2026, 1, 15)


def schedule(policy: Policy, method: str = "equal_principal", periods: int = 3) -> list[Line]:
    built = build_schedule(D("120000"), RATE, DRAWN, periods, method=method, policy=policy)
    return [Line(i.number, i.due_date, i.principal, i.interest) for i in built.instalments]


def test_the_worked_schedule(policy: Policy) -> None:
    lines = schedule(policy)
    assert [(x.interest_due, x.principal_due) for x in lines] == [
        (D("744.00"), D("40000.00")),
        (D("448.00"), D("40000.00")),
        (D("248.00"), D("40000.00")),
    ]


def test_an_instalment_paid_on_its_due_date(policy: Policy) -> None:
    result = allocate(
        schedule(policy),
        D("40744"),
        on=date(2026, 2, 15),
        rate=RATE,
        method="equal_principal",
        mode="regenerate",
        policy=policy,
    )
    assert (result.interest_part, result.principal_part, result.prepaid_principal) == (
        D("744.00"),
        D("40000.00"),
        D("0"),
    )
    assert result.lines[0].principal_paid == D("40000.00")
    assert result.lines[1:] == tuple(schedule(policy)[1:]), "nothing else changes"


def test_a_short_payment_late_goes_to_interest_first(policy: Policy) -> None:
    # 1,000 on 2026-02-20 against line 1: interest 744 first, then principal 256
    result = allocate(
        schedule(policy),
        D("1000"),
        on=date(2026, 2, 20),
        rate=RATE,
        method="equal_principal",
        mode="regenerate",
        policy=policy,
    )
    assert (result.interest_part, result.principal_part) == (D("744.00"), D("256.00"))
    assert result.lines[0].principal_unpaid == D("39744.00")


def test_all_due_interest_before_any_due_principal(policy: Policy) -> None:
    # nothing paid by 2026-03-20: lines 1 and 2 due. 2,000 pays interest 744 + 448 = 1,192
    # first, then principal of line 1: 808
    result = allocate(
        schedule(policy),
        D("2000"),
        on=date(2026, 3, 20),
        rate=RATE,
        method="equal_principal",
        mode="regenerate",
        policy=policy,
    )
    assert result.interest_part == D("1192.00")
    assert result.lines[0].principal_paid == D("808.00")
    assert result.lines[1].principal_paid == D("0")


def paid_first_line(policy: Policy) -> list[Line]:
    lines = schedule(policy)
    lines[0] = replace(lines[0], principal_paid=D("40000.00"), interest_paid=D("744.00"))
    return lines


def test_payoff_includes_interest_earned_so_far(policy: Policy) -> None:
    # on 2026-03-01 line 2's period (02-15 → 03-15, 28 days) is half gone: the balance
    # 80,000 would still earn 80,000 × 0.072 × 14 / 360 = 224.00 of its 448.00, so 224.00
    # is earned; payoff = 224.00 + 80,000 = 80,224.00
    owed = payoff(paid_first_line(policy), on=date(2026, 3, 1), rate=RATE, policy=policy)
    assert (owed.accrued_interest, owed.future_principal, owed.total) == (
        D("224.00"),
        D("80000.00"),
        D("80224.00"),
    )


def test_prepayment_regenerates_the_remaining_instalments(policy: Policy) -> None:
    # 20,224 on 2026-03-01: accrued interest 224 first, then 20,000 prepaid. Balance 60,000
    # re-spread over lines 2 and 3: 30,000 each. Line 2 interest falls by what 20,000 would
    # have earned to 03-15: 224 − 60,000 × 0.072 × 14 / 360 (= 168) = 56 → 448 − 56 = 392.
    # Line 3: 30,000 × 0.072 × 31 / 360 = 186.00.
    result = allocate(
        paid_first_line(policy),
        D("20224"),
        on=date(2026, 3, 1),
        rate=RATE,
        method="equal_principal",
        mode="regenerate",
        policy=policy,
    )
    assert (result.interest_part, result.prepaid_principal, result.mode) == (
        D("224.00"),
        D("20000.00"),
        "regenerate",
    )
    two, three = result.lines[1], result.lines[2]
    assert (two.principal_due, two.principal_paid, two.interest_due, two.interest_paid) == (
        D("50000.00"),
        D("20000.00"),
        D("392.00"),
        D("224.00"),
    )
    assert (three.principal_due, three.interest_due) == (D("30000.00"), D("186.00"))
    assert sum(x.principal_due for x in result.lines) == D("120000.00")


def test_prepayment_shortens_by_taking_the_last_instalments(policy: Policy) -> None:
    # same 20,000 prepaid, product keeps its instalments: line 3 falls to 20,000 and its
    # interest to 20,000 × 0.072 × 31 / 360 = 124.00; line 2 still owes 40,000 at 03-15
    result = allocate(
        paid_first_line(policy),
        D("20224"),
        on=date(2026, 3, 1),
        rate=RATE,
        method="equal_principal",
        mode="shorten",
        policy=policy,
    )
    two, three = result.lines[1], result.lines[2]
    assert (two.principal_unpaid, two.interest_due) == (D("40000.00"), D("392.00"))
    assert (three.principal_due, three.interest_due) == (D("20000.00"), D("124.00"))


def test_paying_off_closes_the_loan_and_ends_the_schedule(policy: Policy) -> None:
    result = allocate(
        paid_first_line(policy),
        D("80224"),
        on=date(2026, 3, 1),
        rate=RATE,
        method="equal_principal",
        mode="regenerate",
        policy=policy,
    )
    assert result.closes_loan
    assert len(result.lines) == 2, "line 3 has nothing left and is dropped"
    assert result.lines[1].interest_due == D("224.00")
    assert all(x.principal_unpaid == 0 and x.interest_unpaid == 0 for x in result.lines)


def test_one_fen_above_the_payoff_is_refused(policy: Policy) -> None:
    with pytest.raises(RepaymentError, match="80,224.00"):
        allocate(
            paid_first_line(policy),
            D("80224.01"),
            on=date(2026, 3, 1),
            rate=RATE,
            method="equal_principal",
            mode="regenerate",
            policy=policy,
        )
    owed = payoff(paid_first_line(policy), on=date(2026, 3, 1), rate=RATE, policy=policy)
    assert not repayment_within_payoff(D("80224.01"), owed).ok


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_zero_or_negative_is_refused(policy: Policy, amount: str) -> None:
    with pytest.raises(RepaymentError, match="positive"):
        allocate(
            schedule(policy),
            D(amount),
            on=date(2026, 2, 15),
            rate=RATE,
            method="equal_principal",
            mode="regenerate",
            policy=policy,
        )


def test_products_say_whether_to_regenerate(policy: Policy) -> None:
    assert prepayment_mode("credit", policy) == "regenerate"
    assert prepayment_mode("receivable_pledge", policy) == "shorten"


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(["bullet", "equal_principal", "equal_instalment"]),
    mode=st.sampled_from(["regenerate", "shorten"]),
    payments=st.lists(
        st.tuples(st.integers(1, 200), st.integers(1, 60000)), min_size=1, max_size=6
    ),
)
def test_the_books_always_balance(method: str, mode: str, payments: list[tuple[int, int]]) -> None:
    """Whatever is paid, whenever: Σ principal due = the loan; paid never exceeds due;
    Σ principal paid = Σ principal parts; and the payoff falls by each principal part."""
    policy = load_policy(DRAWN)
    lines: tuple[Line, ...] = tuple(schedule(policy, method, 6))
    principal_parts = D("0")
    day = DRAWN
    for offset, amount in payments:
        day = day + timedelta(days=offset)
        owed = payoff(lines, on=day, rate=RATE, policy=policy)
        if owed.total == 0:
            break
        paid = min(D(amount), owed.total)
        result = allocate(lines, paid, on=day, rate=RATE, method=method, mode=mode, policy=policy)
        lines = result.lines
        principal_parts += result.principal_part
        assert sum((x.principal_due for x in lines), D(0)) == D("120000")
        assert all(
            0 <= x.principal_paid <= x.principal_due and 0 <= x.interest_paid <= x.interest_due
            for x in lines
        )
        assert sum((x.principal_paid for x in lines), D(0)) == principal_parts
        after = payoff(lines, on=day, rate=RATE, policy=policy)
        assert after.due_principal + after.future_principal == D("120000") - principal_parts


def test_the_last_instalment_is_due_on_maturity(policy: Policy) -> None:
    # drawn 2026-07-28, maturity 2026-11-19: monthly periods fall on the 28th, so the 4th
    # (2026-11-28) is after maturity; it is due on 11-19 with interest for 10-28 → 11-19,
    # 22 days: 2,135,000 × 0.06398 = 136,597.30; × 22 / 360 = 8,347.6128 → 8,347.61
    from scf.credit.repayments import end_on_maturity

    built = build_schedule(
        D("2135000"), D("0.06398"), date(2026, 7, 28), 4, method="bullet", policy=policy
    )
    fixed = end_on_maturity(built, date(2026, 11, 19), policy)
    assert [i.due_date for i in fixed.instalments][-2:] == [date(2026, 10, 28), date(2026, 11, 19)]
    last = fixed.instalments[-1]
    assert (last.days, last.principal, last.interest) == (22, D("2135000"), D("8347.61"))
    assert fixed.instalments[:3] == built.instalments[:3]


def test_instalments_after_maturity_are_merged_into_one_on_maturity(policy: Policy) -> None:
    # 6 monthly periods from 2026-01-15 but maturity 2026-05-20: 02-15 … 05-15 stay (before
    # maturity); the 06-15 line moves to 05-20 with 5 days of interest
    from scf.credit.repayments import end_on_maturity

    built = build_schedule(
        D("60000"),
        RATE,
        DRAWN,
        6,
        method="instalment_principal",
        instalment_count=2,
        policy=policy,
    )
    fixed = end_on_maturity(built, date(2026, 5, 20), policy)
    assert [i.due_date for i in fixed.instalments] == [
        date(2026, 2, 15),
        date(2026, 3, 15),
        date(2026, 4, 15),
        date(2026, 5, 15),
        date(2026, 5, 20),
    ]
    assert sum(i.principal for i in fixed.instalments) == D("60000")
    # the 3rd line repaid 30,000; 30,000 left: 30,000 × 0.072 × 5 / 360 = 30.00
    assert fixed.instalments[-1].interest == D("30.00")


def test_a_schedule_already_ending_on_maturity_is_unchanged(policy: Policy) -> None:
    from scf.credit.repayments import end_on_maturity

    built = build_schedule(D("1000"), RATE, DRAWN, 3, method="bullet", policy=policy)
    assert end_on_maturity(built, date(2026, 4, 15), policy) is built
