"""Receivable pledge (账易贷) and factoring (保理) [003 §六(四), §六(八)] [DOMAIN §5].

A receivable supports lending only when it is real, owed by an approved buyer, confirmed
by that buyer, not overdue, not pledged before, and paid into the bank's collection
account. The same receivable (debtor + invoice number) offered twice — by one supplier
or by two — is fraud, so double pledges are searched across all suppliers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scf.credit.dates import add_months, add_years
from scf.credit.explain import RuleResult, rule
from scf.credit.money import ZERO, floor_fen, quantize_fen
from scf.credit.policy import Policy


@dataclass(frozen=True)
class Receivable:
    id: str
    supplier: str
    debtor: str
    invoice_no: str
    amount: Decimal
    due_on: date
    genuine_trade: bool
    debtor_approved: bool  # a core enterprise of a programme
    confirmed_by_debtor: bool  # 确权
    collections_to_bank_account: bool  # 回款专户
    previously_pledged: bool = False
    issued_on: date | None = None


@dataclass(frozen=True)
class ReceivableCheck:
    receivable: Receivable
    eligible: bool
    rules: tuple[RuleResult, ...]


@dataclass(frozen=True)
class DoublePledge:
    debtor: str
    invoice_no: str
    receivable_ids: tuple[str, ...]
    suppliers: tuple[str, ...]


def double_pledge_key(r: Receivable) -> tuple[str, str]:
    """Debtor and invoice number, normalised so spacing and case cannot hide a duplicate."""
    return (r.debtor.strip().upper(), r.invoice_no.replace(" ", "").upper())


def find_double_pledges(receivables: Iterable[Receivable]) -> tuple[DoublePledge, ...]:
    """Every receivable offered more than once, whoever offered it [003 §六(四)]."""
    groups: dict[tuple[str, str], list[Receivable]] = defaultdict(list)
    for r in receivables:
        groups[double_pledge_key(r)].append(r)
    return tuple(
        DoublePledge(
            debtor=key[0],
            invoice_no=key[1],
            receivable_ids=tuple(r.id for r in rs),
            suppliers=tuple(sorted({r.supplier for r in rs})),
        )
        for key, rs in sorted(groups.items())
        if len(rs) > 1
    )


def check_receivable(
    r: Receivable, as_of: date, *, double_pledged: bool = False
) -> ReceivableCheck:
    """Eligibility of one receivable with a reason per condition [003 §六(四)]."""
    clause = "[003 §六(四)]"
    rules = (
        rule(
            "genuine_trade",
            clause,
            r.genuine_trade,
            r.genuine_trade,
            True,
            "应收账款真实，具有合法贸易背景",
        ),
        rule(
            "debtor_is_approved_buyer",
            clause,
            r.debtor_approved,
            r.debtor,
            "approved core enterprise",
            "债务人为认可的核心企业买方",
        ),
        rule(
            "confirmed_by_debtor",
            clause,
            r.confirmed_by_debtor,
            r.confirmed_by_debtor,
            True,
            "债务人已确权 (confirmed by the debtor)",
        ),
        rule(
            "not_overdue",
            clause,
            r.due_on >= as_of,
            r.due_on.isoformat(),
            f"≥ {as_of.isoformat()}",
            "应收账款未逾期 (not overdue)",
        ),
        rule(
            "not_pledged_before",
            clause,
            not (r.previously_pledged or double_pledged),
            "重复质押" if double_pledged else r.previously_pledged,
            False,
            "未曾质押或转让 (not pledged or assigned before)",
        ),
        rule(
            "collections_to_bank_account",
            clause,
            r.collections_to_bank_account,
            r.collections_to_bank_account,
            True,
            "回款进入我行回款专户",
        ),
    )
    return ReceivableCheck(r, all(x.ok for x in rules), rules)


def advance_rate(tier: str, policy: Policy, requested: Decimal | None = None) -> Decimal:
    """质押率: 70% in general, key-supported up to 80%, never above 80% [003 §六(四)].

    ``requested`` lets a credit officer choose a lower rate; it is never raised.
    """
    key = "key_supported" if tier == "key_supported" else "general"
    rate = min(
        policy.decimal(f"receivable.advance_rate.{key}"),
        policy.decimal("receivable.advance_rate.ceiling"),
    )
    if requested is not None:
        rate = min(rate, max(requested, ZERO))
    return rate


@dataclass(frozen=True)
class ReceivableLimit:
    eligible_total: Decimal
    advance_rate: Decimal
    by_receivables: Decimal
    amount: Decimal
    binding: str
    checks: tuple[ReceivableCheck, ...]
    double_pledges: tuple[DoublePledge, ...]


def receivable_limit(
    receivables: Sequence[Receivable],
    *,
    tier: str,
    as_of: date,
    policy: Policy,
    reference_limit: Decimal,
    programme_remaining: Decimal | None = None,
    all_pledged: Iterable[Receivable] = (),
) -> ReceivableLimit:
    """Σ eligible × advance rate, capped by the reference limit (§4) and the core
    enterprise programme's remaining cap [DOMAIN §5]. ``all_pledged`` is every receivable
    on the books (any supplier), searched with these for double pledges."""
    pool = {r.id: r for r in [*all_pledged, *receivables]}  # the same record is not a double
    doubles = find_double_pledges(pool.values())
    doubled = {(d.debtor, d.invoice_no) for d in doubles}
    checks = tuple(
        check_receivable(r, as_of, double_pledged=double_pledge_key(r) in doubled)
        for r in receivables
    )
    eligible = sum((c.receivable.amount for c in checks if c.eligible), ZERO)
    rate = advance_rate(tier, policy)
    by_receivables = floor_fen(eligible * rate)
    caps = {"receivables_x_rate": by_receivables, "reference_limit": max(reference_limit, ZERO)}
    if programme_remaining is not None:
        caps["programme_remaining"] = max(programme_remaining, ZERO)
    binding = min(caps, key=lambda k: caps[k])
    return ReceivableLimit(
        eligible, rate, by_receivables, quantize_fen(caps[binding]), binding, checks, doubles
    )


def factoring_rules(
    *,
    relationship_since: date | None,
    invoice_date: date,
    financing_start: date,
    financing_maturity: date,
    contract_payment_date: date,
    policy: Policy,
) -> tuple[RuleResult, ...]:
    """Factoring extras [003 §六(八)]: relationship ≥ 1 year and aging ≤ 12 months are
    in principle (refer); term 30 days–1 year and maturity = payment date are required."""
    clause = "[003 §六(八)]"
    years = int(policy.decimal("factoring.relationship_years_min"))
    months = int(policy.decimal("factoring.aging_months_max"))
    min_days = int(policy.decimal("factoring.term_days_min"))
    max_months = int(policy.decimal("factoring.term_months_max"))
    term_days = (financing_maturity - financing_start).days
    relationship_ok = (
        relationship_since is not None and add_years(relationship_since, years) <= financing_start
    )
    return (
        rule(
            "factoring_relationship_long_enough",
            clause,
            relationship_ok,
            None if relationship_since is None else relationship_since.isoformat(),
            f"≥ {years}年",
            "买卖双方原则上有一年以上稳定合作关系",
            in_principle=True,
        ),
        rule(
            "factoring_aging_within_limit",
            clause,
            add_months(invoice_date, months) >= financing_start,
            invoice_date.isoformat(),
            f"≤ {months}个月",
            "账龄原则上不超过12个月",
            in_principle=True,
        ),
        rule(
            "factoring_term_within_range",
            clause,
            term_days >= min_days and financing_maturity <= add_months(financing_start, max_months),
            f"{term_days}天",
            f"{min_days}天–{max_months}个月",
            "保理融资期限不少于30日，不超过一年",
        ),
        rule(
            "factoring_maturity_is_payment_date",
            clause,
            financing_maturity == contract_payment_date,
            financing_maturity.isoformat(),
            contract_payment_date.isoformat(),
            "保理融资到期日为对应交易合同的付款日",
        ),
    )
