"""Seed files for who exists and how they are linked: markets, users, parties, their
financial snapshots, and the relationships between them (the network)."""

from __future__ import annotations

from typing import Any

from scf.platform.auth.passwords import hash_password
from scf.platform.demo.seed_rows import Row
from scf.platform.demo.seed_tables import SeedTables, id_of
from scf.platform.models import FinancialSnapshot, Market, Party, Relationship, User
from scf.platform.models.enums import MarketKind, MarketStage, PartyKind, RelationshipKind, Role
from scf.platform.services.admin.users import get_or_create_branch

# Demo only: every seeded user gets this password, printed by `scf demo`.
DEMO_PASSWORD = "scf-demo-2026"

SNAPSHOT_COLUMNS: dict[str, tuple[str, ...]] = {
    "integer": ("employees", "years_in_trade", "years_at_premises"),
    "decimal": (
        "revenue_12m",
        "revenue_prior_year",
        "total_assets",
        "total_liabilities",
        "net_profit_last_year",
        "net_profit_prior_year",
        "taxable_revenue_last_year",
        "existing_exposure",
        "household_net_assets",
    ),
    "text": ("rating",),
    "boolean": ("bad_credit_3y", "controller_bad_credit_1y", "local_residence", "fixed_home"),
    "flags": ("prohibited_flags", "tier_factors", "cautious_factors"),
    "date": ("operator_birth_date",),
}


class PartyFiles(SeedTables):
    def load_markets(self) -> None:
        for row in self.rows("markets"):
            self.markets[row.req("key")] = self.get_or_create(
                Market,
                {"code": row.req("key")},
                lambda row=row: Market(
                    code=row.req("key"),
                    name=row.req("name"),
                    kind=row.enum("kind", MarketKind),
                    stage=row.enum("stage", MarketStage),
                    opened_on=row.date("opened_on"),
                    **row.typed(text=("commodity", "province", "city")),
                ),
            )

    def load_users(self) -> None:
        password_hash: str | None = None
        for row in self.rows("users"):
            market = self.optional(row, "market_key", self.markets)
            if password_hash is None:  # hashing is slow on purpose: once for all users
                password_hash = hash_password(DEMO_PASSWORD)
            hashed = password_hash
            self.users[row.req("username")] = self.get_or_create(
                User,
                {"username": row.req("username")},
                lambda row=row, market=market, hashed=hashed: User(
                    username=row.req("username"),
                    display_name=row.text("display_name") or row.req("username"),
                    password_hash=hashed,
                    role=row.enum("role", Role),
                    branch_id=self._branch_id(row),
                    market_id=id_of(market),
                    approval_level=row.text("approval_level"),
                ),
            )

    def load_parties(self) -> None:
        for row in self.rows("parties"):
            rm = self.optional(row, "rm", self.users)
            self.parties[row.req("key")] = self.get_or_create(
                Party,
                {"customer_number": row.req("key")},
                lambda row=row, rm=rm: Party(
                    customer_number=row.req("key"),
                    kind=row.enum("kind", PartyKind),
                    name=row.req("name"),
                    branch_id=self._branch_id(row),
                    relationship_manager_id=id_of(rm),
                    **row.typed(
                        text=("uscc", "id_number", "industry", "province", "city"),
                        date=("established_on", "birth_date"),
                    ),
                ),
            )

    def _branch_id(self, row: Row) -> int | None:
        branch = row.text("branch")
        return get_or_create_branch(self.session, branch).id if branch else None

    def load_snapshots(self) -> None:
        for row in self.rows("snapshots"):
            party = self.party(row, "party_key")
            as_of = row.date("as_of")
            self.get_or_create(
                FinancialSnapshot,
                {"party_id": party.id, "as_of": as_of},
                lambda row=row, party=party, as_of=as_of: FinancialSnapshot(
                    party_id=party.id, as_of=as_of, source="seed", **row.typed(**SNAPSHOT_COLUMNS)
                ),
            )

    def load_relationships(self) -> None:
        for row in self.rows("relationships"):
            kind = row.enum("kind", RelationshipKind)
            source = self.party(row, "source_key")
            target = self._target(row)
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
                    loan_id=id_of(loan),
                    **row.typed(decimal=("amount", "percentage"), date=("valid_to",)),
                ),
            )

    def _target(self, row: Row) -> dict[str, Any]:
        """A relationship's ``target_key`` is a party (P…), a market (M…) or a group (G…)."""
        key = row.req("target_key")
        target: dict[str, Any] = {
            "target_party_id": None,
            "target_market_id": None,
            "target_group_id": None,
        }
        if key in self.parties:
            target["target_party_id"] = self.parties[key].id
        elif key in self.markets:
            target["target_market_id"] = self.markets[key].id
        elif key in self.groups:
            target["target_group_id"] = self.groups[key].id
        else:
            raise row.fail("target_key", f"未知目标 (unknown target) “{key}”")
        return target
