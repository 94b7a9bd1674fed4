"""Seed files for what secures the loans: receivables, commodities and their daily prices,
warehouse receipts, other collateral items, and the insurance on receipts and items."""

from __future__ import annotations

import sqlalchemy as sa

from scf.platform.demo.seed_tables import SeedTables, id_of
from scf.platform.models import (
    CollateralItem,
    Commodity,
    CommodityPrice,
    InsurancePolicy,
    Receivable,
    WarehouseReceipt,
)
from scf.platform.models.enums import CollateralKind, ReceiptStatus


class CollateralFiles(SeedTables):
    def load_collateral(self) -> None:
        """In dependency order: insurance names receipts and items, receipts commodities."""
        self.load_receivables()
        self.load_commodities()
        self.load_prices()
        self.load_receipts()
        self.load_collateral_items()
        self.load_insurance()

    def load_receivables(self) -> None:
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
                    confirmed=bool(row.boolean("confirmed")),
                    collection_account=row.text("collection_account") not in (None, "false"),
                    pledged_loan_id=id_of(loan),
                    pledged_on=loan.drawn_on if loan else None,
                    **row.typed(decimal=("amount",), date=("issued_on", "due_on", "confirmed_on")),
                ),
            )

    def load_commodities(self) -> None:
        for row in self.rows("commodities"):
            self.get_or_create(
                Commodity,
                {"code": row.req("code")},
                lambda row=row: Commodity(
                    **{c: row.req(c) for c in ("code", "name", "unit", "category")}
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

    def load_receipts(self) -> None:
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
                    supervisor_party_id=id_of(supervisor),
                    warehouse=row.req("warehouse"),
                    commodity_code=row.req("commodity"),
                    quantity=row.decimal("quantity"),
                    unit=row.req("unit"),
                    issued_on=row.date("issued_on"),
                    status=ReceiptStatus.PLEDGED if loan else ReceiptStatus.ISSUED,
                    pledged_loan_id=id_of(loan),
                ),
            )

    def load_collateral_items(self) -> None:
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
                    pledged_facility_id=id_of(facility),
                    **row.typed(
                        decimal=("appraised_value", "newness", "unit_value", "maturity_value"),
                        date=("valued_on", "purchase_date"),
                        text=("real_estate_use",),
                        boolean=("general_purpose", "listed"),
                    ),
                ),
            )

    def load_insurance(self) -> None:
        for row in self.rows("insurance"):
            receipt = self.receipts.get(row.text("receipt_number") or "")
            item = self.optional(row, "collateral_key", self.collateral)
            self.get_or_create(
                InsurancePolicy,
                {"policy_number": row.req("policy_number")},
                lambda row=row, receipt=receipt, item=item: InsurancePolicy(
                    policy_number=row.req("policy_number"),
                    receipt_id=id_of(receipt),
                    collateral_item_id=id_of(item),
                    insurer=row.req("insurer"),
                    insured_amount=row.decimal("insured_amount"),
                    bank_first_beneficiary=bool(row.boolean("bank_first_beneficiary")),
                    starts_on=row.date("starts_on"),
                    ends_on=row.date("ends_on"),
                ),
            )
