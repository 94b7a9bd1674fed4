"""A small network to onboard into, and onboarding files written the way users write them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.credit.uscc import make
from scf.platform.auth.access import Actor
from scf.platform.models import Branch, Market, Party, Programme, Relationship, User
from scf.platform.models.enums import (
    MarketKind,
    MarketStage,
    PartyKind,
    ProgrammeKind,
    RelationshipKind,
    Role,
)
from scf.platform.services.onboarding.limits import FileLimits

AS_OF = dt.date(2026, 11, 20)
SYSTEM = Actor.system("test")
LIMITS = FileLimits(max_bytes=20 * 1024 * 1024, max_rows=50_000)
COUNTED = ("parties", "financial_snapshots", "relationships", "audit_log", "onboarding_batches")


def code(serial: int, kind: str = "91") -> str:
    """A valid unified social credit code: ``kind`` 91 enterprise, 92 individual business."""
    return make(f"{kind}130283{serial:09d}")


CORE_USCC = code(1)
ADMIN_USCC = code(2)


@dataclass
class Network:
    core: Party
    programme: Programme
    market: Market
    other_market: Market
    administrator: Party
    branch: Branch
    rm: User
    rm_elsewhere: User
    market_admin: User
    other_market_admin: User
    risk: User

    def actor(self, user: User) -> Actor:
        return Actor.of(user)


def build_network(session: Session) -> Network:
    """A core enterprise with its programme (tested to 2027), two markets, one with a
    programme and an administrator, and one user per role."""
    branch = Branch(name="唐山分行")
    elsewhere = Branch(name="邯郸分行")
    session.add_all([branch, elsewhere])
    session.flush()
    market = Market(
        code="M901",
        name="测试钢材市场",
        kind=MarketKind.PROFESSIONAL_MARKET,
        stage=MarketStage.MATURE,
    )
    other = Market(
        code="M902", name="测试家居城", kind=MarketKind.MALL, stage=MarketStage.FAST_GROWING
    )
    session.add_all([market, other])
    session.flush()

    def user(name: str, role: Role, **extra: Any) -> User:
        found = User(
            username=name,
            display_name=name,
            password_hash=f"$dummy${name}-0123456789abcdef",
            role=role,
            **extra,
        )
        session.add(found)
        return found

    rm = user("t_rm", Role.RELATIONSHIP_MANAGER, branch_id=branch.id)
    rm_elsewhere = user("t_rm_hd", Role.RELATIONSHIP_MANAGER, branch_id=elsewhere.id)
    market_admin = user("t_mkt", Role.MARKET_ADMINISTRATOR, market_id=market.id)
    other_admin = user("t_mkt2", Role.MARKET_ADMINISTRATOR, market_id=other.id)
    risk = user("t_risk", Role.RISK_OFFICER)
    session.flush()
    core = Party(
        kind=PartyKind.ENTERPRISE,
        uscc=CORE_USCC,
        name="测试钢铁集团有限公司",
        industry="manufacturing",
        established_on=dt.date(1998, 6, 8),
        branch_id=branch.id,
        relationship_manager_id=rm.id,
    )
    administrator = Party(
        kind=PartyKind.ENTERPRISE,
        uscc=ADMIN_USCC,
        name="测试市场管理有限公司",
        industry="leasing_business_services",
        branch_id=branch.id,
    )
    session.add_all([core, administrator])
    session.flush()
    programme = Programme(
        code="PG901",
        kind=ProgrammeKind.CORE,
        core_party_id=core.id,
        name="测试钢铁1+N",
        cap=Decimal("100000000.00"),
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2027, 12, 31),
    )
    market_programme = Programme(
        code="PG903",
        kind=ProgrammeKind.MARKET,
        market_id=market.id,
        name="测试钢材市场商户贷",
        cap=Decimal("50000000.00"),
        valid_from=dt.date(2025, 1, 1),
    )
    session.add_all(
        [
            programme,
            market_programme,
            Relationship(
                kind=RelationshipKind.ADMINISTERS,
                source_party_id=administrator.id,
                target_market_id=market.id,
                valid_from=dt.date(2008, 4, 18),
            ),
        ]
    )
    session.flush()
    return Network(
        core,
        programme,
        market,
        other,
        administrator,
        branch,
        rm,
        rm_elsewhere,
        market_admin,
        other_admin,
        risk,
    )


def counts(session: Session) -> dict[str, int]:
    return {t: session.scalar(sa.text(f"SELECT count(*) FROM {t}")) or 0 for t in COUNTED}


# -- files ------------------------------------------------------------------------------
# Supplier A, worked by hand against the rules [DOMAIN §2-§4] (as of 2026-11-20):
#   size (2011, industry): 80 employees < 300 → not medium; ≥ 20 and revenue 3000万 ≥ 300万 → small
#   admission: est. 2015 (≥ 3 y), profits 1.0m and 0.8m, debt 9m/20m = 45% ≤ 60%, no bad
#   credit, rating BBB ≥ CCC (programme floor) → eligible; no key-support factor → normal
#   R = min(30,000,000 × 35% = 10,500,000, (20,000,000 − 9,000,000) × 70% = 7,700,000)
#       − 500,000 exposure = 7,200,000.00; granted = min(R, requested 1,000,000) = 1,000,000.00
SUPPLIER_A = {
    "uscc": code(101),
    "name": "唐山甲机械制造有限公司",
    "relation": "供应商",
    "industry": "制造业",
    "employees": "80",
    "revenue_12m": "30,000,000",
    "revenue_prior_year": "25000000",
    "total_assets": "20000000",
    "total_liabilities": "9000000",
    "existing_exposure": "500000",
    "net_profit_last_year": "1000000",
    "net_profit_prior_year": "800000",
    "established_on": "2015-03-01",
    "cooperation_since": "2020-01-01",
    "rating": "BBB",
    "bad_credit_3y": "否",
    "controller_bad_credit_1y": "否",
    "requested_amount": "1000000",
}
# Dealer B (wholesale): 15 employees < 20 → not medium; ≥ 5 and 5000万 ≥ 1000万 → small.
#   debt 6.5m/10m = 65% ≤ 70% (trade) → eligible
#   R = min(50,000,000 × 20% = 10,000,000, 3,500,000 × 100% = 3,500,000) − 0 = 3,500,000.00
DEALER_B = SUPPLIER_A | {
    "uscc": code(102),
    "name": "唐山乙钢材贸易有限公司",
    "relation": "经销商",
    "industry": "wholesale",
    "employees": "15",
    "revenue_12m": "50000000",
    "total_assets": "10000000",
    "total_liabilities": "6500000",
    "existing_exposure": "",
    "requested_amount": "",
}
# Supplier C (manufacturing): debt 6.1m/10m = 61% > 60% → ineligible [003 §五(一)1(4)]
#   R = min(20,000,000 × 35% = 7,000,000, 3,900,000 × 70% = 2,730,000) − 0 = 2,730,000.00
SUPPLIER_C = SUPPLIER_A | {
    "uscc": code(103),
    "name": "唐山丙铸造有限公司",
    "revenue_12m": "20000000",
    "total_assets": "10000000",
    "total_liabilities": "6100000",
    "existing_exposure": "0",
    "requested_amount": "",
}
# Merchant E, an individual business (92…): operator 46, household net assets 800,000 ≥
#   500,000, 5 years in trade, 3 at the premises; residence and home are not in the template
#   → refer, naming them; R = household net assets − exposure = 800,000.00 [003 §八(二)]
MERCHANT_E = {
    "uscc": code(201, "92"),
    "name": "石家庄市长安区丁记钢材经营部",
    "industry": "批发业",
    "revenue_12m": "3000000",
    "total_assets": "1200000",
    "total_liabilities": "300000",
    "established_on": "2016/5/1",
    "cooperation_since": "2019-03-01",
    "controller_bad_credit_1y": "否",
    "operator_birth_date": "1980-05-01",
    "household_net_assets": "800000",
    "years_in_trade": "5",
    "years_at_premises": "3",
}
KEYS = list(SUPPLIER_A) + [
    "operator_birth_date",
    "household_net_assets",
    "years_in_trade",
    "years_at_premises",
]


def table(
    rows: list[dict[str, str]], keys: list[str] | None = None, titles: list[str] | None = None
) -> list[list[str]]:
    """Header row (``titles``, default the keys) and the rows' values in ``keys`` order."""
    keys = keys or KEYS
    return [titles or keys] + [[row.get(k, "") for k in keys] for row in rows]


def csv_file(
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    keys: list[str] | None = None,
    titles: list[str] | None = None,
) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table(rows, keys, titles))
    return out.getvalue().encode(encoding)


def xlsx_file(cells: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in cells:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def line(batch: Any, number: int) -> dict[str, Any]:
    return next(item for item in batch.report if item["row"] == number)


def load(
    session: Session,
    data: bytes,
    *,
    filename: str = "suppliers.csv",
    actor: Actor = SYSTEM,
    market: str | int | None = None,
    **options: Any,
) -> Any:
    """Load a file as of 2026-11-20, for the test core enterprise unless a market is given."""
    from scf.platform.services.onboarding.batches import onboard

    target: dict[str, Any] = {"market": market} if market is not None else {"core": CORE_USCC}
    return onboard(
        session,
        actor,
        filename=filename,
        data=data,
        as_of=AS_OF,
        **target,
        limits=LIMITS,
        **options,
    )
