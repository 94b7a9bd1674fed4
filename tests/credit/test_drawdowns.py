"""Drawing and disbursing: one ``facility_active`` rule at request and at disbursal, the
term limit, and the method and rate a drawdown takes [003 §八] [003 §十(一)]."""

from datetime import date
from decimal import Decimal

import pytest

from scf.credit.availability import Candidate, availability
from scf.credit.drawdowns import (
    disbursal_rules,
    disbursed_on_or_after_request,
    drawdown_term_rule,
    drawdown_terms,
    facility_active,
    facility_status_on,
)
from scf.credit.policy import Policy
from scf.credit.pricing import rate_within_bounds

D = Decimal
END = date(2026, 12, 31)


@pytest.mark.parametrize(
    ("status", "on", "expected"),
    [
        ("active", END, "active"),  # the end date itself is still in force
        ("active", date(2027, 1, 1), "expired"),  # the day after, expired
        ("frozen", END, "frozen"),
        ("frozen", date(2027, 1, 1), "expired"),  # a frozen facility ends too
        ("closed", date(2027, 1, 1), "closed"),  # a closed one stays closed
        ("proposed", date(2027, 1, 1), "proposed"),  # never granted: nothing expires
        ("expired", END, "expired"),
    ],
)
def test_the_status_on_a_date_reads_expiry_from_the_calendar(
    status: str, on: date, expected: str
) -> None:
    assert facility_status_on(status, END, on) == expected


@pytest.mark.parametrize(
    ("status", "on", "ok", "observed"),
    [
        ("active", END, True, "active"),
        ("active", date(2027, 1, 1), False, "expired"),
        ("frozen", date(2026, 6, 1), False, "frozen"),
        ("closed", date(2026, 6, 1), False, "closed"),
    ],
)
def test_facility_active_clause_003_8(status: str, on: date, ok: bool, observed: str) -> None:
    result = facility_active(status, END, on)
    assert (result.ok, result.observed, result.threshold) == (ok, observed, "active")
    assert (result.id, result.clause) == ("facility_active", "[003 §八]")


def test_request_and_disbursal_ask_the_same_facility_active_rule() -> None:
    after_end = date(2027, 1, 4)
    at_request = facility_active("active", END, after_end)
    at_disbursal = disbursal_rules(
        amount=D("1000"),
        facility_status="active",
        facility_end=END,
        requested_on=date(2026, 12, 30),
        on=after_end,
        maturity=date(2027, 6, 30),
        available=availability([Candidate("facility_remaining", D("1000"), "", "")]),
    )[0]
    assert at_request == at_disbursal
    assert at_disbursal.result == "fail"


@pytest.mark.parametrize(
    ("on", "ok"),
    [
        (date(2026, 3, 1), True),  # on the day requested
        (date(2026, 2, 28), False),  # before the request
        (date(2026, 8, 31), True),  # the day before maturity
        (date(2026, 9, 1), False),  # on maturity: nothing left to lend for
    ],
)
def test_disbursed_between_request_and_maturity_clause_003_10_1(on: date, ok: bool) -> None:
    result = disbursed_on_or_after_request(date(2026, 3, 1), on, date(2026, 9, 1))
    assert result.ok is ok
    assert result.threshold == "2026-03-01 ≤ 放款日 < 2026-09-01"


@pytest.mark.parametrize(
    ("maturity", "kinds", "ok", "threshold"),
    [
        (date(2027, 3, 1), set(), True, "≤ 12个月"),  # exactly 12 months
        (date(2027, 3, 2), set(), False, "≤ 12个月"),  # a day more is a 13th month
        (date(2029, 3, 1), {"deposit"}, True, "≤ 36个月"),  # deposits only: three years
        (date(2029, 3, 2), {"deposit", "bond"}, False, "≤ 36个月"),
        (date(2027, 3, 2), {"deposit", "real_estate"}, False, "≤ 12个月"),  # not only deposits
    ],
)
def test_the_term_limit_reads_the_facility_collateral_clause_003_10_1(
    policy: Policy, maturity: date, kinds: set[str], ok: bool, threshold: str
) -> None:
    result = drawdown_term_rule(date(2026, 3, 1), maturity, kinds, policy)
    assert (result.id, result.ok, result.threshold) == ("term_within_limit", ok, threshold)


@pytest.mark.parametrize(
    ("rate", "ok"),
    [
        (D("0"), False),
        (D("0.000001"), True),
        (D("0.0815"), True),
        (D("0.999999"), True),
        (D("1"), False),
        (D("8.15"), False),
    ],
)
def test_a_rate_is_a_ratio_strictly_between_0_and_1(rate: Decimal, ok: bool) -> None:
    assert rate_within_bounds(rate) is ok


@pytest.mark.parametrize(
    ("facility", "given", "method", "rate", "errors"),
    [
        (("equal_principal", D("0.0815")), (None, None), "equal_principal", D("0.0815"), set()),
        (
            ("equal_principal", D("0.0815")),
            ("equal_principal", D("0.09")),
            "equal_principal",
            D("0.09"),
            set(),
        ),
        (
            ("bullet", D("0.0815")),
            ("equal_principal", None),
            "equal_principal",
            D("0.0815"),
            {"repayment_method"},
        ),
        ((None, None), ("bullet", D("0.07")), "bullet", D("0.07"), set()),
        ((None, None), (None, None), None, None, {"repayment_method", "rate_annual"}),
        (("bullet", D("0.0815")), (None, D("1")), "bullet", D("1"), {"rate_annual"}),
    ],
)
def test_a_drawdown_takes_the_facility_method_and_rate_unless_it_names_its_own(
    facility: tuple[str | None, Decimal | None],
    given: tuple[str | None, Decimal | None],
    method: str | None,
    rate: Decimal | None,
    errors: set[str],
) -> None:
    terms = drawdown_terms(
        facility_method=facility[0], facility_rate=facility[1], method=given[0], rate=given[1]
    )
    assert (terms.method, terms.rate, set(terms.errors)) == (method, rate, errors)


def test_a_method_other_than_the_facility_names_the_one_fixed() -> None:
    terms = drawdown_terms(
        facility_method="bullet", facility_rate=D("0.08"), method="equal_principal", rate=None
    )
    assert terms.errors == {
        "repayment_method": "额度核定的还款方式为 bullet (the facility fixes bullet)"
    }
