"""Loading a file: firms created, assessed by the engine, and loaded again without change."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.models import AuditEntry, FinancialSnapshot, Party, Relationship
from scf.platform.models.enums import PartyKind, RelationshipKind
from scf.platform.services.onboarding.batches import onboard
from tests.platform.onboarding.support import (
    AS_OF,
    CORE_USCC,
    DEALER_B,
    LIMITS,
    MERCHANT_E,
    SUPPLIER_A,
    SUPPLIER_C,
    SYSTEM,
    Network,
    counts,
    csv_file,
    line,
    load,
)


def party(session: Session, uscc: str) -> Party:
    found = session.scalar(sa.select(Party).where(Party.uscc == uscc))
    assert found is not None
    return found


def test_a_supplier_file_creates_firms_and_reports_the_engines_answer(
    db_session: Session, network: Network
) -> None:
    batch = load(db_session, csv_file([SUPPLIER_A, DEALER_B, SUPPLIER_C]))
    assert batch.status == "loaded"
    a, b, c = line(batch, 2), line(batch, 3), line(batch, 4)
    # Hand-worked in support.py: A small/eligible/normal, R 7,200,000, granted 1,000,000.
    assert (a["status"], a["size_class"], a["decision"], a["tier"]) == (
        "created",
        "small",
        "eligible",
        "normal",
    )
    assert (a["reference_limit"], a["requested_amount"], a["granted_amount"]) == (
        "7200000.00",
        "1000000.00",
        "1000000.00",
    )
    assert (b["size_class"], b["decision"], b["reference_limit"]) == (
        "small",
        "eligible",
        "3500000.00",
    )
    assert b["granted_amount"] is None  # nothing requested
    assert (c["decision"], c["reference_limit"]) == ("ineligible", "2730000.00")
    assert any("[003 §五(一)1(4)]" in r and "61%" in r for r in c["reasons"]), c["reasons"]
    assert a["reasons"] == [] and a["errors"] == []
    assert batch.counts == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "not_loaded": 0,
        "eligible": 2,
        "refer": 0,
        "ineligible": 1,
    }


def test_created_firm_has_party_snapshot_and_edge_to_the_core(
    db_session: Session, network: Network
) -> None:
    load(db_session, csv_file([SUPPLIER_A, DEALER_B]))
    a = party(db_session, SUPPLIER_A["uscc"])
    assert (a.kind, a.industry, a.established_on) == (
        PartyKind.ENTERPRISE,
        "manufacturing",
        dt.date(2015, 3, 1),
    )
    # A system load gives a new firm to the core enterprise's branch and manager.
    assert (a.branch_id, a.relationship_manager_id) == (network.branch.id, network.rm.id)
    snapshot = db_session.scalar(
        sa.select(FinancialSnapshot).where(FinancialSnapshot.party_id == a.id)
    )
    assert snapshot is not None
    assert (snapshot.as_of, snapshot.revenue_12m, snapshot.existing_exposure) == (
        AS_OF,
        Decimal("30000000.00"),
        Decimal("500000.00"),
    )
    edges = {
        (e.kind, e.target_party_id, e.valid_from)
        for e in db_session.scalars(
            sa.select(Relationship).where(
                Relationship.source_party_id.in_([a.id, party(db_session, DEALER_B["uscc"]).id])
            )
        )
    }
    assert edges == {
        (RelationshipKind.SUPPLIES_TO, network.core.id, dt.date(2020, 1, 1)),
        (RelationshipKind.DISTRIBUTES_FOR, network.core.id, dt.date(2020, 1, 1)),
    }
    b = db_session.scalar(
        sa.select(FinancialSnapshot).where(
            FinancialSnapshot.party_id == party(db_session, DEALER_B["uscc"]).id
        )
    )
    assert b is not None and b.existing_exposure == Decimal("0.00")  # empty cell: default 0


def test_the_same_file_twice_changes_nothing(db_session: Session, network: Network) -> None:
    data = csv_file([SUPPLIER_A, DEALER_B, SUPPLIER_C])
    load(db_session, data)
    before = counts(db_session)
    again = load(db_session, data)
    after = counts(db_session)
    assert [item["status"] for item in again.report] == ["unchanged"] * 3
    assert after == before | {"onboarding_batches": before["onboarding_batches"] + 1}
    # ...and the second report still carries every firm's assessment.
    assert line(again, 2)["reference_limit"] == "7200000.00"


def test_a_corrected_file_records_a_new_dated_snapshot_and_audits_what_changed(
    db_session: Session, network: Network
) -> None:
    load(db_session, csv_file([SUPPLIER_A, DEALER_B]))
    corrected = SUPPLIER_A | {"revenue_12m": "32000000", "name": "唐山甲机械制造股份有限公司"}
    batch = load(db_session, csv_file([corrected, DEALER_B]), filename="corrected.csv")
    assert [item["status"] for item in batch.report] == ["updated", "unchanged"]
    assert line(batch, 2)["changed"] == ["party", "snapshot"]
    a = party(db_session, SUPPLIER_A["uscc"])
    assert a.name == "唐山甲机械制造股份有限公司"
    # Same as-of date: the day's snapshot is corrected in place, not duplicated.
    snapshots = db_session.scalars(
        sa.select(FinancialSnapshot).where(FinancialSnapshot.party_id == a.id)
    ).all()
    assert [(s.as_of, s.revenue_12m) for s in snapshots] == [(AS_OF, Decimal("32000000.00"))]
    entry = db_session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == "onboarding.updated", AuditEntry.entity_id == str(a.id)
        )
    )
    assert entry is not None
    assert entry.before == {
        "party": {"name": "唐山甲机械制造有限公司"},
        "snapshot": {"as_of": "2026-11-20", "revenue_12m": "30000000.00"},
    }
    assert entry.after["snapshot"]["revenue_12m"] == "32000000.00"
    assert entry.context["file"] == "corrected.csv"
    assert entry.context["sha256"] == batch.checksum and len(batch.checksum) == 64
    assert entry.context["row"] == 2


def test_new_figures_at_a_later_date_add_a_snapshot_and_keep_the_old_one(
    db_session: Session, network: Network
) -> None:
    first = dt.date(2026, 6, 30)
    onboard(
        db_session,
        SYSTEM,
        filename="h1.csv",
        data=csv_file([SUPPLIER_A]),
        as_of=first,
        core=CORE_USCC,
        limits=LIMITS,
    )
    load(db_session, csv_file([SUPPLIER_A | {"total_liabilities": "9500000"}]))
    a = party(db_session, SUPPLIER_A["uscc"])
    dated = db_session.execute(
        sa.select(FinancialSnapshot.as_of, FinancialSnapshot.total_liabilities)
        .where(FinancialSnapshot.party_id == a.id)
        .order_by(FinancialSnapshot.as_of)
    ).all()
    assert [tuple(d) for d in dated] == [
        (first, Decimal("9000000.00")),
        (AS_OF, Decimal("9500000.00")),
    ]


def test_figures_the_template_does_not_carry_are_kept(
    db_session: Session, network: Network
) -> None:
    """A risk officer's prohibited flag survives a supplier file: the firm stays prohibited."""
    load(db_session, csv_file([SUPPLIER_A]))
    a = party(db_session, SUPPLIER_A["uscc"])
    snapshot = db_session.scalar(
        sa.select(FinancialSnapshot).where(FinancialSnapshot.party_id == a.id)
    )
    assert snapshot is not None
    snapshot.prohibited_flags = ["safety_quality_environment_incident"]
    snapshot.as_of = dt.date(2026, 10, 31)
    db_session.flush()
    batch = load(db_session, csv_file([SUPPLIER_A | {"employees": "85"}]))
    newest = db_session.scalar(
        sa.select(FinancialSnapshot).where(
            FinancialSnapshot.party_id == a.id, FinancialSnapshot.as_of == AS_OF
        )
    )
    assert newest is not None and newest.prohibited_flags == ["safety_quality_environment_incident"]
    assert newest.employees == 85
    assert line(batch, 2)["errors"] == []
    assert (line(batch, 2)["decision"], line(batch, 2)["tier"]) == ("ineligible", "prohibited")


def test_an_empty_optional_cell_keeps_the_last_known_value(
    db_session: Session, network: Network
) -> None:
    load(db_session, csv_file([SUPPLIER_A]))
    batch = load(db_session, csv_file([SUPPLIER_A | {"rating": "", "requested_amount": ""}]))
    assert line(batch, 2)["status"] == "unchanged"
    snapshot = db_session.scalar(
        sa.select(FinancialSnapshot).where(
            FinancialSnapshot.party_id == party(db_session, SUPPLIER_A["uscc"]).id
        )
    )
    assert snapshot is not None and snapshot.rating == "BBB"


def test_the_edge_is_created_once_and_a_corrected_start_moves_it(
    db_session: Session, network: Network
) -> None:
    load(db_session, csv_file([SUPPLIER_A]))
    batch = load(db_session, csv_file([SUPPLIER_A | {"cooperation_since": "2019-07-01"}]))
    a = party(db_session, SUPPLIER_A["uscc"])
    edges = db_session.scalars(
        sa.select(Relationship).where(Relationship.source_party_id == a.id)
    ).all()
    assert [(e.kind, e.valid_from) for e in edges] == [
        (RelationshipKind.SUPPLIES_TO, dt.date(2019, 7, 1))
    ]
    assert line(batch, 2)["changed"] == ["relationship"]


def test_a_market_file_makes_merchants_members_of_the_market(
    db_session: Session, network: Network
) -> None:
    batch = load(
        db_session, csv_file([MERCHANT_E]), filename="merchants.csv", market=network.market.code
    )
    e = line(batch, 2)
    assert (e["status"], e["relation"], e["size_class"], e["decision"]) == (
        "created",
        "merchant",
        None,  # individual businesses are not size-classified
        "refer",
    )
    assert e["reference_limit"] == "800000.00"
    assert any("local_residence" in r for r in e["reasons"]), e["reasons"]
    merchant = party(db_session, MERCHANT_E["uscc"])
    assert merchant.kind is PartyKind.INDIVIDUAL_BUSINESS  # from the code's "92"
    edge = db_session.scalar(
        sa.select(Relationship).where(Relationship.source_party_id == merchant.id)
    )
    assert edge is not None
    assert (edge.kind, edge.target_market_id, edge.valid_from) == (
        RelationshipKind.MEMBER_OF_MARKET,
        network.market.id,
        dt.date(2019, 3, 1),
    )
    # Market by id works as well as by code; the batch remembers the market's programme.
    assert batch.market_id == network.market.id and batch.programme_id is not None


def test_the_batch_records_file_actor_and_counts(db_session: Session, network: Network) -> None:
    data = csv_file([SUPPLIER_A])
    batch = load(db_session, data, filename="供应商名单.csv")
    assert batch.filename == "供应商名单.csv"
    assert batch.checksum == hashlib.sha256(data).hexdigest()
    assert (batch.actor, batch.core_party_id, batch.programme_id) == (
        "test",
        network.core.id,
        network.programme.id,
    )
    assert batch.finished_at is not None and not batch.dry_run
