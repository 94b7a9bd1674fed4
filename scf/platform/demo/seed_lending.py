"""Seed files for credit: joint-guarantee groups, programmes, facilities and loans.

A loan the load creates is remembered with its instalments and how many are paid, so
that its schedule and repayment history are written once every file is in.
"""

from __future__ import annotations

from decimal import Decimal

from scf.platform.demo.seed_tables import SeedTables, id_of
from scf.platform.models import Facility, JointGuaranteeGroup, Loan, Programme
from scf.platform.models.enums import (
    FacilityStatus,
    LoanStatus,
    Product,
    ProgrammeKind,
    RepaymentMethod,
)


class LendingFiles(SeedTables):
    def load_groups_and_programmes(self) -> None:
        for row in self.rows("groups"):
            market = self.optional(row, "market_key", self.markets)
            self.groups[row.req("key")] = self.get_or_create(
                JointGuaranteeGroup,
                {"code": row.req("key")},
                lambda row=row, market=market: JointGuaranteeGroup(
                    code=row.req("key"),
                    name=row.req("name"),
                    market_id=id_of(market),
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
                    core_party_id=id_of(core),
                    market_id=id_of(market),
                    name=row.req("name"),
                    **row.typed(decimal=("cap",), date=("valid_from", "valid_to")),
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
                    programme_id=id_of(programme),
                    group_id=id_of(group),
                    product=row.enum("product", Product),
                    revolving=bool(row.boolean("revolving")),
                    status=row.enum("status", FacilityStatus),
                    **row.typed(
                        decimal=("limit_amount",), date=("start_date", "end_date", "review_date")
                    ),
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
                    facility_id=id_of(facility),
                    party_id=party.id,
                    product=row.enum("product", Product),
                    repayment_method=row.enum("repayment_method", RepaymentMethod),
                    status=LoanStatus.ACTIVE,
                    **row.typed(
                        decimal=("principal", "rate_annual"), date=("drawn_on", "maturity_date")
                    ),
                ),
            )
            self.loans[row.req("key")] = loan
            if self.created["loans"] > before:
                self.new_loans.append(
                    (loan, row.integer("instalments") or 1, row.integer("paid_instalments") or 0)
                )
