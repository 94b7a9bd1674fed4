"""Loading the demo network from ``seed/data/*.csv`` (written by ``seed/generate.py``).

Idempotent: every row is looked up by its natural key (customer number, code,
username, number, date) and only created when absent, so a second run changes
nothing. The whole load is one transaction: a bad row names its file, line and
column and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

import scf
from scf.credit.money import MoneyError, to_decimal
from scf.platform.auth.access import Actor
from scf.platform.auth.passwords import hash_password
from scf.platform.errors import ConfigurationError, ValidationFailed
from scf.platform.models import (
    Base,
    CollateralItem,
    Commodity,
    CommodityPrice,
    Facility,
    FinancialSnapshot,
    InsurancePolicy,
    JointGuaranteeGroup,
    Loan,
    Market,
    Party,
    Programme,
    Receivable,
    Relationship,
    User,
    WarehouseReceipt,
)
from scf.platform.models.enums import (
    CollateralKind,
    FacilityStatus,
    LoanStatus,
    MarketKind,
    MarketStage,
    PartyKind,
    Product,
    ProgrammeKind,
    ReceiptStatus,
    RelationshipKind,
    RepaymentMethod,
    Role,
)
from scf.platform.services import audit
from scf.platform.services.admin.users import get_or_create_branch
from scf.platform.services.unit_of_work import use_case

DEFAULT_DATA_DIR = Path(scf.__file__).resolve().parent.parent / "seed" / "data"
# The date the demo dataset describes (seed/generate.py SEED_AS_OF): overdue days count to it.
SEED_AS_OF = dt.date(2026, 11, 20)
# Demo only: every seeded user gets this password, printed by `scf demo`.
DEMO_PASSWORD = "scf-demo-2026"

M = TypeVar("M", bound=Base)


class Row:
    """One CSV row with typed getters whose errors name file, line and column."""

    def __init__(self, file: str, line: int, data: dict[str, str]) -> None:
        self.file, self.line, self.data = file, line, data

    def fail(self, column: str, reason: str) -> ValidationFailed:
        where = f"{self.file} 第{self.line}行 (line {self.line}) {column}"
        return ValidationFailed(
            f"{where}: {reason}", errors={f"{self.file}:{self.line}": [f"{column}: {reason}"]}
        )

    def text(self, column: str) -> str | None:
        value = (self.data.get(column) or "").strip()
        return value or None

    def req(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            raise self.fail(column, "必填 (required)")
        return value

    def decimal(self, column: str) -> Decimal | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return to_decimal(value, field=column)
        except MoneyError as error:
            raise self.fail(column, str(error)) from None

    def date(self, column: str) -> dt.date | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.fail(column, f"日期格式应为YYYY-MM-DD (bad date) “{value}”") from None

    def integer(self, column: str) -> int | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise self.fail(column, f"应为整数 (not an integer) “{value}”") from None

    def boolean(self, column: str) -> bool | None:
        value = self.text(column)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in {"true", "yes", "1", "是"}:
            return True
        if lowered in {"false", "no", "0", "否"}:
            return False
        raise self.fail(column, f"应为true/false (not a boolean) “{value}”")

    def flags(self, column: str) -> list[str]:
        value = self.text(column)
        return [] if value is None else [f for f in value.split(";") if f]

    def enum(self, column: str, enum_cls: Any) -> Any:
        value = self.req(column)
        try:
            return enum_cls(value)
        except ValueError:
            raise self.fail(column, f"未知取值 (unknown value) “{value}”") from None


class SeedLoader:
    def __init__(self, session: Session, data_dir: Path) -> None:
        self.session = session
        self.dir = data_dir
        self.created: Counter[str] = Counter()
        self.parties: dict[str, Party] = {}
        self.markets: dict[str, Market] = {}
        self.groups: dict[str, JointGuaranteeGroup] = {}
        self.programmes: dict[str, Programme] = {}
        self.facilities: dict[str, Facility] = {}
        self.loans: dict[str, Loan] = {}
        self.receipts: dict[str, WarehouseReceipt] = {}
        self.collateral: dict[str, CollateralItem] = {}
        self.users: dict[str, User] = {}
        self.new_loans: list[tuple[Loan, int, int]] = []

    def rows(self, name: str) -> Iterator[Row]:
        path = self.dir / f"{name}.csv"
        if not path.exists():
            raise ConfigurationError(f"缺少演示数据文件 (missing seed file): {path}")
        with path.open(encoding="utf-8", newline="") as handle:
            for line, data in enumerate(csv.DictReader(handle), start=2):
                yield Row(path.name, line, data)

    def get_or_create(self, model: type[M], where: dict[str, Any], build: Callable[[], M]) -> M:
        found = self.session.scalar(sa.select(model).filter_by(**where))
        if found is not None:
            return found
        obj = build()
        self.session.add(obj)
        self.session.flush()
        self.created[model.__tablename__] += 1
        return obj

    def party(self, row: Row, column: str) -> Party:
        key = row.req(column)
        if key not in self.parties:
            raise row.fail(column, f"未知主体 (unknown party key) “{key}”")
        return self.parties[key]

    def optional(self, row: Row, column: str, table: dict[str, M]) -> M | None:
        key = row.text(column)
        if key is None:
            return None
        if key not in table:
            raise row.fail(column, f"未知引用 (unknown key) “{key}”")
        return table[key]

    # -- files, in dependency order -------------------------------------------------
    def load_markets(self) -> None:
        for row in self.rows("markets"):
            self.markets[row.req("key")] = self.get_or_create(
                Market,
                {"code": row.req("key")},
                lambda row=row: Market(
                    code=row.req("key"),
                    name=row.req("name"),
                    kind=row.enum("kind", MarketKind),
                    commodity=row.text("commodity"),
                    stage=row.enum("stage", MarketStage),
                    opened_on=row.date("opened_on"),
                    province=row.text("province"),
                    city=row.text("city"),
                ),
            )

    def load_users(self) -> None:
        password_hash: str | None = None
        for row in self.rows("users"):
            branch = row.text("branch")
            market = self.optional(row, "market_key", self.markets)
            if password_hash is None:
                password_hash = hash_password(DEMO_PASSWORD)
            hashed = password_hash
            self.users[row.req("username")] = self.get_or_create(
                User,
                {"username": row.req("username")},
                lambda row=row, branch=branch, market=market, hashed=hashed: User(
                    username=row.req("username"),
                    display_name=row.text("display_name") or row.req("username"),
                    password_hash=hashed,
                    role=row.enum("role", Role),
                    branch_id=get_or_create_branch(self.session, branch).id if branch else None,
                    market_id=market.id if market else None,
                    approval_level=row.text("approval_level"),
                ),
            )

    def load_parties(self) -> None:
        for row in self.rows("parties"):
            branch = row.text("branch")
            rm = self.optional(row, "rm", self.users)
            self.parties[row.req("key")] = self.get_or_create(
                Party,
                {"customer_number": row.req("key")},
                lambda row=row, branch=branch, rm=rm: Party(
                    customer_number=row.req("key"),
                    kind=row.enum("kind", PartyKind),
                    uscc=row.text("uscc"),
                    id_number=row.text("id_number"),
                    name=row.req("name"),
                    industry=row.text("industry"),
                    province=row.text("province"),
                    city=row.text("city"),
                    established_on=row.date("established_on"),
                    birth_date=row.date("birth_date"),
                    branch_id=get_or_create_branch(self.session, branch).id if branch else None,
                    relationship_manager_id=rm.id if rm else None,
                ),
            )

    def load_snapshots(self) -> None:
        for row in self.rows("snapshots"):
            party = self.party(row, "party_key")
            as_of = row.date("as_of")
            self.get_or_create(
                FinancialSnapshot,
                {"party_id": party.id, "as_of": as_of},
                lambda row=row, party=party, as_of=as_of: FinancialSnapshot(
                    party_id=party.id,
                    as_of=as_of,
                    employees=row.integer("employees"),
                    revenue_12m=row.decimal("revenue_12m"),
                    revenue_prior_year=row.decimal("revenue_prior_year"),
                    total_assets=row.decimal("total_assets"),
                    total_liabilities=row.decimal("total_liabilities"),
                    net_profit_last_year=row.decimal("net_profit_last_year"),
                    net_profit_prior_year=row.decimal("net_profit_prior_year"),
                    taxable_revenue_last_year=row.decimal("taxable_revenue_last_year"),
                    existing_exposure=row.decimal("existing_exposure"),
                    rating=row.text("rating"),
                    bad_credit_3y=row.boolean("bad_credit_3y"),
                    controller_bad_credit_1y=row.boolean("controller_bad_credit_1y"),
                    prohibited_flags=row.flags("prohibited_flags"),
                    tier_factors=row.flags("tier_factors"),
                    cautious_factors=row.flags("cautious_factors"),
                    household_net_assets=row.decimal("household_net_assets"),
                    operator_birth_date=row.date("operator_birth_date"),
                    years_in_trade=row.integer("years_in_trade"),
                    years_at_premises=row.integer("years_at_premises"),
                    local_residence=row.boolean("local_residence"),
                    fixed_home=row.boolean("fixed_home"),
                    source="seed",
                ),
            )

    def load_groups_and_programmes(self) -> None:
        for row in self.rows("groups"):
            market = self.optional(row, "market_key", self.markets)
            self.groups[row.req("key")] = self.get_or_create(
                JointGuaranteeGroup,
                {"code": row.req("key")},
                lambda row=row, market=market: JointGuaranteeGroup(
                    code=row.req("key"),
                    name=row.req("name"),
                    market_id=market.id if market else None,
                    formed_on=row.date("formed_on"),
                    margin_pool=row.decimal("margin_pool") or Decimal("0"),
                    total_limit=row.decimal("total_limit"),
                ),
            )
        for row in self.rows("programmes"):
            core = self.parties.get(row.text("core_key") or "")
            market = self.optional(row, "market_key", self.markets)
            self.programmes[row.req("key")] = self.get_or_create(
                Programme,
                {"code": row.req("key")},
                lambda row=row, core=core, market=market: Programme(
                    code=row.req("key"),
                    kind=row.enum("kind", ProgrammeKind),
                    core_party_id=core.id if core else None,
                    market_id=market.id if market else None,
                    name=row.req("name"),
                    cap=row.decimal("cap"),
                    valid_from=row.date("valid_from"),
                    valid_to=row.date("valid_to"),
                ),
            )

    def load_facilities_and_loans(self) -> None:
        for row in self.rows("facilities"):
            party = self.party(row, "party_key")
            programme = self.optional(row, "programme_key", self.programmes)
            group = self.optional(row, "group_key", self.groups)
            self.facilities[row.req("key")] = self.get_or_create(
                Facility,
                {"code": row.req("key")},
                lambda row=row, party=party, programme=programme, group=group: Facility(
                    code=row.req("key"),
                    party_id=party.id,
                    programme_id=programme.id if programme else None,
                    group_id=group.id if group else None,
                    product=row.enum("product", Product),
                    limit_amount=row.decimal("limit_amount"),
                    start_date=row.date("start_date"),
                    end_date=row.date("end_date"),
                    revolving=bool(row.boolean("revolving")),
                    status=row.enum("status", FacilityStatus),
                    review_date=row.date("review_date"),
                ),
            )
        for row in self.rows("loans"):
            facility = self.optional(row, "facility_key", self.facilities)
            party = self.party(row, "party_key")
            before = self.created["loans"]
            loan = self.get_or_create(
                Loan,
                {"code": row.req("key")},
                lambda row=row, facility=facility, party=party: Loan(
                    code=row.req("key"),
                    facility_id=facility.id if facility else None,
                    party_id=party.id,
                    product=row.enum("product", Product),
                    principal=row.decimal("principal"),
                    rate_annual=row.decimal("rate_annual"),
                    drawn_on=row.date("drawn_on"),
                    maturity_date=row.date("maturity_date"),
                    repayment_method=row.enum("repayment_method", RepaymentMethod),
                    status=LoanStatus.ACTIVE,
                ),
            )
            self.loans[row.req("key")] = loan
            if self.created["loans"] > before:
                self.new_loans.append(
                    (loan, row.integer("instalments") or 1, row.integer("paid_instalments") or 0)
                )

    def load_relationships(self) -> None:
        for row in self.rows("relationships"):
            kind = row.enum("kind", RelationshipKind)
            source = self.party(row, "source_key")
            target_key = row.req("target_key")
            target: dict[str, Any] = {
                "target_party_id": None,
                "target_market_id": None,
                "target_group_id": None,
            }
            if target_key in self.parties:
                target["target_party_id"] = self.parties[target_key].id
            elif target_key in self.markets:
                target["target_market_id"] = self.markets[target_key].id
            elif target_key in self.groups:
                target["target_group_id"] = self.groups[target_key].id
            else:
                raise row.fail("target_key", f"未知目标 (unknown target) “{target_key}”")
            loan = self.optional(row, "loan_key", self.loans)
            where = {
                "kind": kind,
                "source_party_id": source.id,
                "valid_from": row.date("valid_from"),
                **target,
            }
            self.get_or_create(
                Relationship,
                where,
                lambda row=row, where=where, loan=loan: Relationship(
                    **where,
                    amount=row.decimal("amount"),
                    percentage=row.decimal("percentage"),
                    valid_to=row.date("valid_to"),
                    loan_id=loan.id if loan else None,
                ),
            )

    def load_collateral(self) -> None:
        for row in self.rows("receivables"):
            creditor, debtor = self.party(row, "creditor_key"), self.party(row, "debtor_key")
            loan = self.optional(row, "pledged_loan_key", self.loans)
            self.get_or_create(
                Receivable,
                {"code": row.req("key")},
                lambda row=row, creditor=creditor, debtor=debtor, loan=loan: Receivable(
                    code=row.req("key"),
                    creditor_party_id=creditor.id,
                    debtor_party_id=debtor.id,
                    invoice_number=row.req("invoice_number"),
                    amount=row.decimal("amount"),
                    issued_on=row.date("issued_on"),
                    due_on=row.date("due_on"),
                    confirmed=bool(row.boolean("confirmed")),
                    confirmed_on=row.date("confirmed_on"),
                    collection_account=row.text("collection_account") not in (None, "false"),
                    pledged_loan_id=loan.id if loan else None,
                    pledged_on=loan.drawn_on if loan else None,
                ),
            )
        for row in self.rows("commodities"):
            self.get_or_create(
                Commodity,
                {"code": row.req("code")},
                lambda row=row: Commodity(
                    code=row.req("code"),
                    name=row.req("name"),
                    unit=row.req("unit"),
                    category=row.req("category"),
                ),
            )
        self.load_prices()
        for row in self.rows("warehouse_receipts"):
            owner = self.party(row, "owner_key")
            supervisor = self.parties.get(row.text("supervisor_key") or "")
            loan = self.optional(row, "pledged_loan_key", self.loans)
            self.receipts[row.req("number")] = self.get_or_create(
                WarehouseReceipt,
                {"number": row.req("number")},
                lambda row=row, owner=owner, supervisor=supervisor, loan=loan: WarehouseReceipt(
                    number=row.req("number"),
                    owner_party_id=owner.id,
                    supervisor_party_id=supervisor.id if supervisor else None,
                    warehouse=row.req("warehouse"),
                    commodity_code=row.req("commodity"),
                    quantity=row.decimal("quantity"),
                    unit=row.req("unit"),
                    issued_on=row.date("issued_on"),
                    status=ReceiptStatus.PLEDGED if loan else ReceiptStatus.ISSUED,
                    pledged_loan_id=loan.id if loan else None,
                ),
            )
        for row in self.rows("collateral"):
            owner = self.party(row, "owner_key")
            facility = self.optional(row, "pledged_facility_key", self.facilities)
            self.collateral[row.req("key")] = self.get_or_create(
                CollateralItem,
                {"code": row.req("key")},
                lambda row=row, owner=owner, facility=facility: CollateralItem(
                    code=row.req("key"),
                    kind=row.enum("kind", CollateralKind),
                    owner_party_id=owner.id,
                    description=row.req("description"),
                    appraised_value=row.decimal("appraised_value"),
                    valued_on=row.date("valued_on"),
                    real_estate_use=row.text("real_estate_use"),
                    purchase_date=row.date("purchase_date"),
                    newness=row.decimal("newness"),
                    unit_value=row.decimal("unit_value"),
                    general_purpose=row.boolean("general_purpose"),
                    listed=row.boolean("listed"),
                    maturity_value=row.decimal("maturity_value"),
                    pledged_facility_id=facility.id if facility else None,
                ),
            )
        for row in self.rows("insurance"):
            receipt = self.receipts.get(row.text("receipt_number") or "")
            item = self.optional(row, "collateral_key", self.collateral)
            self.get_or_create(
                InsurancePolicy,
                {"policy_number": row.req("policy_number")},
                lambda row=row, receipt=receipt, item=item: InsurancePolicy(
                    policy_number=row.req("policy_number"),
                    receipt_id=receipt.id if receipt else None,
                    collateral_item_id=item.id if item else None,
                    insurer=row.req("insurer"),
                    insured_amount=row.decimal("insured_amount"),
                    bank_first_beneficiary=bool(row.boolean("bank_first_beneficiary")),
                    starts_on=row.date("starts_on"),
                    ends_on=row.date("ends_on"),
                ),
            )

    def load_prices(self) -> None:
        """Prices are many; load the missing ones with one lookup per commodity."""
        existing = set(
            self.session.execute(
                sa.select(CommodityPrice.commodity_code, CommodityPrice.price_date)
            )
        )
        for row in self.rows("prices"):
            key = (row.req("commodity"), row.date("price_date"))
            if key in existing:
                continue
            self.session.add(
                CommodityPrice(
                    commodity_code=key[0],
                    price_date=key[1],
                    price=row.decimal("price"),
                    source="seed",
                )
            )
            existing.add(key)
            self.created["commodity_prices"] += 1
        self.session.flush()

    def run(self) -> Counter[str]:
        self.load_markets()
        self.load_users()
        self.load_parties()
        self.load_snapshots()
        self.load_groups_and_programmes()
        self.load_facilities_and_loans()
        self.load_relationships()
        self.load_collateral()
        from scf.platform.demo.loan_history import schedule_seeded_loans

        schedule_seeded_loans(self.session, self.new_loans, self.created, SEED_AS_OF)
        return self.created


@use_case
def load_seed(session: Session, data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, int]:
    """Load the demo network in one unit of work; return the rows created per table."""
    if not data_dir.is_dir():
        raise ConfigurationError(f"演示数据目录不存在 (seed folder not found): {data_dir}")
    created = SeedLoader(session, data_dir).run()
    if created:
        audit.record(
            session,
            Actor.system("seed"),
            "seed.load",
            "seed",
            None,
            after=dict(created),
            context={"data_dir": str(data_dir)},
        )
    return dict(created)
