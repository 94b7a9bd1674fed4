"""Assessing parties from the database: the seed's planted cases get the rule that decides them."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_DOWN, Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.db import Database
from scf.platform.demo.seed_loader import DEFAULT_DATA_DIR, SEED_AS_OF
from scf.platform.errors import NotFound, ValidationFailed
from scf.platform.models import Party
from scf.platform.models.enums import PartyKind, Role
from scf.platform.services.parties.assessment import assess_party

SYSTEM = Actor.system("test")


def seed_uscc(key: str) -> str:
    with (DEFAULT_DATA_DIR / "parties.csv").open(encoding="utf-8") as handle:
        return next(row["uscc"] for row in csv.DictReader(handle) if row["key"] == key)


@pytest.fixture()
def seeded(seeded_url: str) -> Iterator[Session]:
    database = Database(seeded_url)
    with database.session() as session:
        yield session
    database.engine.dispose()


# (seed key, decision, the rule that decides it, its result) — seed/README.md "Planted cases".
PLANTED = [
    ("P0022", "refer", "established_at_least_3_years", "refer"),
    ("P0046", "ineligible", "profitable_last_2_years", "fail"),
    ("P0070", "refer", None, None),
    ("P0094", "refer", "controller_no_bad_credit_1y", "refer"),
    ("P0118", "ineligible", "debt_ratio_within_limit", "fail"),
    ("P0142", "ineligible", "no_bad_credit_3y", "fail"),
    ("P0166", "ineligible", "not_prohibited", "fail"),
    ("P0190", "ineligible", "not_prohibited", "fail"),
    ("P0864", "ineligible", "not_prohibited", "fail"),
    ("P0614", "ineligible", "operator_age_18_to_65", "fail"),
    ("P0638", "ineligible", "household_net_assets_at_least_minimum", "fail"),
    ("P0710", "refer", "local_residence_and_fixed_home", "refer"),
    # the network's checks count in the decision (scf.graph.rules)
    ("P0308", "ineligible", "no_mutual_guarantee_between_small_firms", "fail"),
    ("P1010", "refer", "guarantee_circle_size_within_limit", "refer"),
    ("P0492", "refer", "no_guarantee_triangle", "refer"),
]


@pytest.mark.parametrize(("key", "decision", "rule_id", "result"), PLANTED)
def test_planted_case_is_decided_by_its_rule(
    seeded: Session, key: str, decision: str, rule_id: str | None, result: str | None
) -> None:
    answer = assess_party(seeded, SYSTEM, seed_uscc(key), SEED_AS_OF).assessment
    assert answer.decision == decision
    if rule_id is not None:
        assert {r.id: r.result for r in answer.rules}[rule_id] == result


def test_missing_figures_refer_and_name_the_field(seeded: Session) -> None:
    answer = assess_party(seeded, SYSTEM, seed_uscc("P0070"), SEED_AS_OF).assessment
    assert answer.decision == "refer"
    assert answer.missing, "a refer for missing figures names them"


def test_prohibited_flag_puts_the_firm_in_the_prohibited_tier(seeded: Session) -> None:
    answer = assess_party(seeded, SYSTEM, seed_uscc("P0166"), SEED_AS_OF).assessment
    assert answer.tier == "prohibited"


def test_decision_uses_the_snapshot_of_its_date(seeded: Session) -> None:
    """P0002's snapshots are dated 2025-12-31 and 2026-09-30: on 2026-06-30 the first counts."""
    uscc = seed_uscc("P0002")
    early = assess_party(seeded, SYSTEM, uscc, dt.date(2026, 6, 30))
    late = assess_party(seeded, SYSTEM, uscc, SEED_AS_OF)
    assert early.snapshot_as_of == dt.date(2025, 12, 31)
    assert late.snapshot_as_of == dt.date(2026, 9, 30)
    assert (
        early.assessment.reference_limit.inputs["X"] != late.assessment.reference_limit.inputs["X"]
    )


def test_before_any_snapshot_the_decision_is_refer_naming_the_figures(seeded: Session) -> None:
    answer = assess_party(seeded, SYSTEM, seed_uscc("P0002"), dt.date(2025, 6, 30))
    assert answer.snapshot_as_of is None
    assert answer.assessment.decision == "refer"
    assert {"revenue_12m", "total_assets", "rating"} <= set(answer.assessment.missing)


def test_supplier_of_a_programme_gets_the_programme_rating_floor(seeded: Session) -> None:
    answer = assess_party(seeded, SYSTEM, seed_uscc("P0006"), SEED_AS_OF).assessment
    floor = {r.id: r for r in answer.rules}["rating_at_or_above_floor"]
    assert floor.threshold == "≥ CCC"


def test_reference_limit_is_recomputable_from_its_inputs(seeded: Session) -> None:
    limit = assess_party(seeded, SYSTEM, seed_uscc("P0006"), SEED_AS_OF).assessment.reference_limit
    x, y, q, a, b = (limit.inputs[k] for k in ("X", "Y", "Q", "a", "b"))
    # R = min(X × a, Y × b) − Q, each product floored to the fen, never below 0 [003 §八]
    by_revenue = (x * a).quantize(Decimal("0.01"), ROUND_DOWN)
    by_equity = (y * b).quantize(Decimal("0.01"), ROUND_DOWN)
    expected = max(min(by_revenue, by_equity) - q, Decimal(0))
    assert limit.amount == expected


def test_a_future_date_is_refused_naming_as_of(seeded: Session) -> None:
    with pytest.raises(ValidationFailed) as refused:
        assess_party(
            seeded, SYSTEM, seed_uscc("P0006"), dt.date(2027, 1, 1), today=dt.date(2026, 11, 25)
        )
    assert "as_of" in refused.value.errors


def test_a_guarantee_company_is_not_assessed_as_a_borrower(seeded: Session) -> None:
    company = seeded.scalar(
        sa.select(Party).where(Party.kind == PartyKind.GUARANTEE_COMPANY).limit(1)
    )
    assert company is not None and company.uscc is not None
    with pytest.raises(ValidationFailed):
        assess_party(seeded, SYSTEM, company.uscc, SEED_AS_OF)


def test_a_market_administrator_cannot_assess_a_firm_outside_their_market(
    seeded: Session,
) -> None:
    steel_admin = Actor("mkt_steel", role=Role.MARKET_ADMINISTRATOR, market_id=1)
    with pytest.raises(NotFound):
        assess_party(seeded, steel_admin, seed_uscc("P0006"), SEED_AS_OF)


def test_every_seeded_firm_can_be_assessed(seeded: Session) -> None:
    """No seeded snapshot carries a flag, rating or figure the policy refuses: every
    enterprise and individual business of seed/data/parties.csv (398 + 154) gets a decision."""
    from scf.platform.services.parties.assessment import ASSESSABLE, assess_loaded_party

    with (DEFAULT_DATA_DIR / "parties.csv").open(encoding="utf-8") as handle:
        kinds = [row["kind"] for row in csv.DictReader(handle)]
    firms = kinds.count("enterprise") + kinds.count("individual_business")
    assert firms == 398 + 154
    parties = seeded.scalars(sa.select(Party).where(Party.kind.in_(list(ASSESSABLE)))).all()
    decisions = [assess_loaded_party(seeded, p, SEED_AS_OF).assessment.decision for p in parties]
    assert len(decisions) == firms
    assert set(decisions) <= {"eligible", "refer", "ineligible"}
