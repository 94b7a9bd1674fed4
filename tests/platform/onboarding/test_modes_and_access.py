"""All or nothing, accept-valid, dry run, a crash mid-load; who may load what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.errors import Forbidden, NotFound, ValidationFailed
from scf.platform.models import Party
from scf.platform.services.onboarding import batches as service
from tests.platform.onboarding.support import (
    CORE_USCC,
    DEALER_B,
    MERCHANT_E,
    SUPPLIER_A,
    SUPPLIER_C,
    Network,
    code,
    counts,
    csv_file,
    line,
    load,
)

BROKEN = SUPPLIER_C | {"uscc": code(104), "established_on": "2015-02-30"}


def test_one_bad_row_refuses_the_whole_file_and_writes_no_firm(
    db_session: Session, network: Network
) -> None:
    before = counts(db_session)
    batch = load(db_session, csv_file([SUPPLIER_A, BROKEN, DEALER_B]))
    assert batch.status == "rejected"
    assert [item["status"] for item in batch.report] == ["not_loaded", "rejected", "not_loaded"]
    assert line(batch, 3)["errors"] == [
        "第3行 M列 成立日期 (established_on): “2015-02-30”不是有效日期，应为 YYYY-MM-DD "
        "(not a valid date; use YYYY-MM-DD)"
    ]
    # Only the batch record (with its report) is kept.
    assert counts(db_session) == before | {"onboarding_batches": before["onboarding_batches"] + 1}


def test_accept_valid_loads_the_good_rows_and_reports_the_bad(
    db_session: Session, network: Network
) -> None:
    batch = load(db_session, csv_file([SUPPLIER_A, BROKEN, DEALER_B]), accept_valid=True)
    assert batch.status == "partially_loaded" and batch.accept_valid
    assert [item["status"] for item in batch.report] == ["created", "rejected", "created"]
    loaded = set(
        db_session.scalars(
            sa.select(Party.uscc).where(
                Party.uscc.in_([SUPPLIER_A["uscc"], BROKEN["uscc"], DEALER_B["uscc"]])
            )
        )
    )
    assert loaded == {SUPPLIER_A["uscc"], DEALER_B["uscc"]}


def test_a_code_twice_in_a_file_is_an_error_on_both_rows(
    db_session: Session, network: Network
) -> None:
    twice = DEALER_B | {"uscc": SUPPLIER_A["uscc"].lower()}  # same code, typed in lower case
    batch = load(db_session, csv_file([SUPPLIER_A, DEALER_B, twice]), accept_valid=True)
    assert line(batch, 2)["errors"] == [
        "第2行 A列 统一社会信用代码 (uscc): 与第4行重复 (duplicate code in the file)"
    ]
    assert line(batch, 4)["errors"] == [
        "第4行 A列 统一社会信用代码 (uscc): 与第2行重复 (duplicate code in the file)"
    ]
    assert [item["status"] for item in batch.report] == ["rejected", "created", "rejected"]


def test_a_duplicate_of_an_invalid_row_still_stops_the_valid_one(
    db_session: Session, network: Network
) -> None:
    """Row 3 repeats row 2's code and has a bad date: accepting valid rows must not load
    row 2 as if it were the only one."""
    twice = SUPPLIER_A | {"established_on": "someday"}
    batch = load(db_session, csv_file([SUPPLIER_A, twice]), accept_valid=True)
    assert [item["status"] for item in batch.report] == ["rejected", "rejected"]
    assert "与第3行重复" in line(batch, 2)["errors"][0]
    assert any("与第2行重复" in e for e in line(batch, 3)["errors"])


def test_dry_run_assesses_everything_and_writes_only_the_batch(
    db_session: Session, network: Network
) -> None:
    before = counts(db_session)
    batch = load(db_session, csv_file([SUPPLIER_A, DEALER_B]), dry_run=True)
    assert batch.dry_run and batch.status == "loaded"
    assert [item["status"] for item in batch.report] == ["created", "created"]
    assert line(batch, 2)["reference_limit"] == "7200000.00"
    assert counts(db_session) == before | {"onboarding_batches": before["onboarding_batches"] + 1}


def test_a_failure_mid_load_leaves_nothing_behind(
    db_session: Session, network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The use case writes parties and snapshots, then the assessment breaks: its unit of
    work rolls everything back, because nothing was committed on the way."""
    before = counts(db_session)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("injected failure after the upsert")

    monkeypatch.setattr(service, "assess_loaded_parties", broken)
    with pytest.raises(RuntimeError):
        load(db_session, csv_file([SUPPLIER_A, DEALER_B]))
    assert counts(db_session) == before


# -- access ---------------------------------------------------------------------------
def test_a_market_administrator_loads_merchants_into_their_own_market(
    db_session: Session, network: Network
) -> None:
    actor = network.actor(network.market_admin)
    batch = load(db_session, csv_file([MERCHANT_E]), actor=actor, market=network.market.id)
    assert line(batch, 2)["status"] == "created"
    with pytest.raises(NotFound):
        load(db_session, csv_file([MERCHANT_E]), actor=actor, market=network.other_market.id)
    with pytest.raises(Forbidden, match="市场管理方只能导入本市场"):
        load(db_session, csv_file([SUPPLIER_A]), actor=actor)


def test_a_market_administrator_cannot_rewrite_a_firm_outside_their_market(
    db_session: Session, network: Network
) -> None:
    load(db_session, csv_file([SUPPLIER_A]))  # the bank's supplier
    as_merchant = SUPPLIER_A | {"relation": ""}
    batch = load(
        db_session,
        csv_file([as_merchant]),
        actor=network.actor(network.market_admin),
        market=network.market.id,
    )
    assert batch.status == "rejected"
    assert "cannot be loaded by you" in line(batch, 2)["errors"][0]


def test_a_relationship_manager_loads_for_a_core_enterprise_they_see(
    db_session: Session, network: Network
) -> None:
    batch = load(db_session, csv_file([SUPPLIER_A]), actor=network.actor(network.rm))
    created = db_session.scalar(sa.select(Party).where(Party.uscc == SUPPLIER_A["uscc"]))
    assert created is not None and created.relationship_manager_id == network.rm.id
    assert batch.actor == "t_rm"
    with pytest.raises(NotFound):
        load(db_session, csv_file([DEALER_B]), actor=network.actor(network.rm_elsewhere))


def test_the_core_enterprise_in_its_own_file_is_refused(
    db_session: Session, network: Network
) -> None:
    batch = load(db_session, csv_file([SUPPLIER_A | {"uscc": CORE_USCC}]))
    assert "核心企业本身" in line(batch, 2)["errors"][0]


def test_a_core_enterprise_without_a_programme_in_force_is_refused(
    db_session: Session, network: Network
) -> None:
    network.programme.valid_to = network.programme.valid_from
    db_session.flush()
    with pytest.raises(ValidationFailed, match="没有有效的核心企业融资方案"):
        load(db_session, csv_file([SUPPLIER_A]))


def test_a_merchant_in_a_core_file_and_a_dealer_in_a_market_file_are_row_errors(
    db_session: Session, network: Network
) -> None:
    batch = load(db_session, csv_file([SUPPLIER_A | {"relation": "商户"}]))
    assert line(batch, 2)["errors"] == [
        "第2行 C列 与核心企业关系 (relation): 核心企业文件只能是 供应商 supplier 或 经销商 dealer "
        "(merchant is for market files)"
    ]
    batch = load(db_session, csv_file([MERCHANT_E | {"relation": "dealer"}]), market="M901")
    assert "商圈文件只能导入商户" in line(batch, 2)["errors"][0]
