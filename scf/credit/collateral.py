"""Collateral named for a drawdown, and warehouse receipts over their life
[003 §六(四)] [003 §七(四)2] [DOMAIN §6].

A drawdown names the receivables or warehouse receipts it pledges: each must exist and
belong to the borrower; a receipt must be free (issued, not pledged), its goods of an
acceptable kind and priced recently (``goods.price_current``). A receipt is issued only
by a warehouse supervisor, and cancelled only while nothing has left it and it is not
pledged. The platform gathers the facts; these rules decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scf.credit.explain import RuleResult, rule
from scf.credit.goods import confirmed_warehouse_goods_ok, goods_acceptable, price_current
from scf.credit.kinds import PartyKind, ReceiptStatus
from scf.credit.policy import Policy

RECEIVABLES = "[003 §六(四)]"
RECEIPTS = "[003 §七(四)2]"


@dataclass(frozen=True)
class NamedCollateral:
    """Collateral a drawdown names by its code: each must be on the books
    (``<kind>_exists``) and the borrower's (``<kind>_belongs_to_borrower``)."""

    kind: str  # receivable / receipt
    clause: str
    on_the_books: str
    not_found: str
    owned: str

    def exists(self, missing: Sequence[str]) -> RuleResult:
        """Every one named is on the books; ``missing`` lists the rest."""
        rid = f"{self.kind}_exists"
        return rule(
            rid, self.clause, not missing, ",".join(missing), self.on_the_books, self.not_found
        )

    def belongs_to_borrower(self, owner: object, borrower: object) -> RuleResult:
        """The borrower pledges only what it owns (a receivable: what is owed to it)."""
        rid = f"{self.kind}_belongs_to_borrower"
        return rule(rid, self.clause, owner == borrower, owner, borrower, self.owned)


RECEIVABLE = NamedCollateral(
    "receivable",
    RECEIVABLES,
    "已登记的应收账款",
    "未找到应收账款 (receivable not found)",
    "应收账款须为借款人所有 (the borrower is the creditor)",
)
RECEIPT = NamedCollateral(
    "receipt",
    RECEIPTS,
    "已登记的仓单",
    "未找到仓单 (warehouse receipt not found)",
    "仓单须为借款人所有 (the borrower owns the receipt)",
)


def receipt_not_pledged(status: str, pledged_loan: int | None) -> RuleResult:
    """Goods secure one loan at a time: only an issued receipt pledged to nothing may be
    pledged [003 §七(四)2]."""
    return rule(
        "receipt_not_pledged",
        RECEIPTS,
        status == ReceiptStatus.ISSUED and pledged_loan is None,
        status,
        ReceiptStatus.ISSUED.value,
        "已质押、已拆分、已出库或已注销的仓单不能再质押 (a pledged receipt cannot be pledged again)",
    )


def receipt_rules(
    *,
    owner: object,
    borrower: object,
    status: str,
    pledged_loan: int | None,
    price_date: date | None,
    category: str,
    confirmed_warehouse: bool,
    as_of: date,
    policy: Policy,
) -> list[RuleResult]:
    """Every rule on one receipt a drawdown pledges: the borrower's, free, priced recently,
    acceptable goods [003 §七(四)2] [DOMAIN §6], and 保兑仓 goods for 保兑仓 [003 §六(九)]."""
    checks = [
        RECEIPT.belongs_to_borrower(owner, borrower),
        receipt_not_pledged(status, pledged_loan),
        price_current(price_date, as_of, policy),
        goods_acceptable(category, policy),
    ]
    if confirmed_warehouse:
        checks.append(confirmed_warehouse_goods_ok(category, policy))
    return checks


def issued_by_supervisor(issuer_kind: str | None) -> RuleResult:
    """Only a warehouse supervisor, who holds and watches the goods, issues a receipt the
    bank lends against [003 §七(四)2]. ``issuer_kind`` is None when no party was found."""
    return rule(
        "issued_by_supervisor",
        RECEIPTS,
        issuer_kind == PartyKind.WAREHOUSE_SUPERVISOR,
        issuer_kind,
        PartyKind.WAREHOUSE_SUPERVISOR.value,
        "仓单须由仓储监管机构出具 (issued by a warehouse supervisor)",
    )


def price_known(price_date: date | None) -> RuleResult:
    """Goods leaving a pledged receipt are valued at market, so a price must exist
    [DOMAIN §6] (any price: the release is recorded at it, stale or not)."""
    return rule(
        "price_known",
        "[DOMAIN §6]",
        price_date is not None,
        None if price_date is None else price_date.isoformat(),
        "有市场价格",
        "质押仓单出库须按市价计值 (a pledged release is valued at market price)",
    )


def receipt_cancellable(status: str, released: Decimal) -> RuleResult:
    """A receipt is cancelled (注销) only while it is free and nothing has left it: goods
    released or pledged must stay traceable to it [003 §七(四)2]."""
    return rule(
        "receipt_cancellable",
        RECEIPTS,
        status == ReceiptStatus.ISSUED and released == 0,
        f"{status}, released {released}",
        "issued, released 0",
        "仅未质押且未出库的仓单可注销 (only an unpledged receipt with nothing released)",
    )
