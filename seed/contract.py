"""The seed files' contract with the loader: which files, their columns in order, and
the order of their rows (``seed/README.md`` says what each column holds)."""

from __future__ import annotations

_SPECS = {
    "parties": "key kind uscc id_number name industry province city established_on branch rm birth_date roles",
    "snapshots": (
        "party_key as_of employees revenue_12m revenue_prior_year total_assets total_liabilities "
        "net_profit_last_year net_profit_prior_year taxable_revenue_last_year existing_exposure rating "
        "bad_credit_3y controller_bad_credit_1y prohibited_flags tier_factors cautious_factors "
        "household_net_assets operator_birth_date years_in_trade years_at_premises local_residence fixed_home"
    ),
    "markets": "key name kind commodity stage opened_on province city administrator_key",
    "programmes": "key kind core_key market_key name cap valid_from valid_to",
    "groups": "key name market_key formed_on margin_pool total_limit",
    "relationships": "key kind source_key target_key amount percentage valid_from valid_to loan_key",
    "commodities": "code name unit category",
    "prices": "commodity price_date price",
    "receivables": (
        "key creditor_key debtor_key invoice_number amount issued_on due_on confirmed confirmed_on "
        "collection_account pledged_loan_key"
    ),
    "warehouse_receipts": "number owner_key supervisor_key warehouse commodity quantity unit issued_on pledged_loan_key",
    "collateral": (
        "key kind owner_key description appraised_value valued_on real_estate_use purchase_date newness "
        "unit_value general_purpose listed maturity_value pledged_facility_key"
    ),
    "insurance": "policy_number receipt_number collateral_key insurer insured_amount bank_first_beneficiary starts_on ends_on",
    "facilities": "key party_key programme_key group_key product limit_amount start_date end_date revolving status review_date",
    "loans": (
        "key facility_key party_key product principal rate_annual drawn_on maturity_date "
        "repayment_method instalments paid_instalments"
    ),
    "users": "username role display_name branch market_key approval_level",
}
COLUMNS: dict[str, list[str]] = {table: spec.split() for table, spec in _SPECS.items()}

SORT_KEYS: dict[str, tuple[str, ...]] = {
    "snapshots": ("party_key", "as_of"),
    "prices": ("commodity", "price_date"),
    "commodities": ("code",),
    "warehouse_receipts": ("number",),
    "insurance": ("policy_number",),
    "users": ("username",),
}
