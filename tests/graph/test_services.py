"""Network services on a small book in the test database (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from scf.platform.models import AuditEntry, Relationship, Repayment
from scf.platform.services.network import book as network_service
from scf.platform.services.network.ego import ego_network_view
from scf.platform.services.network.exposure import (
    administrator_capacity_usage,
    guarantors_and_group_members_of,
    network_rules_for,
    related_party_concentration_breaches,
    related_party_group_for,
)
from scf.platform.services.network.queries import exposure_report, guarantee_circles_view
from scf.platform.services.network.relationships import create_relationship, delete_relationship
from tests.graph.db_book import AS_OF, DbBook, build

SYSTEM = Actor.system("test")


@pytest.fixture()
def book(db_session: Session) -> DbBook:
    return build(db_session)


def test_cache_is_reused_and_rebuilt_after_a_write_and_restored_after_a_rollback(
    book: DbBook,
) -> None:
    session = book.session
    first = network_service.network_as_of(session, AS_OF)
    assert network_service.network_as_of(session, AS_OF) is first  # cached
    loan = first.loans[book.loans["GL1"].id]
    assert loan.outstanding == Decimal("600000.00")  # 1,000,000 − 400,000 repaid

    savepoint = session.begin_nested()
    session.add(
        Repayment(
            loan_id=loan.id,
            paid_on=AS_OF,
            amount=Decimal("100000"),
            principal_part=Decimal("100000"),
            interest_part=Decimal("0"),
        )
    )
    session.flush()
    changed = network_service.network_as_of(session, AS_OF)
    assert changed is not first
    assert changed.loans[loan.id].outstanding == Decimal("500000.00")
    savepoint.rollback()
    # The rolled-back write left no change row: the first network is valid again.
    assert network_service.network_as_of(session, AS_OF) is first


def test_a_new_relationship_invalidates_the_cache(book: DbBook) -> None:
    before = network_service.network_as_of(book.session, AS_OF)
    assert before.guarantee_components == ()
    create_relationship(
        book.session,
        SYSTEM,
        kind="guarantees",
        source=book.uscc(1),
        target=book.uscc(2),
        amount=Decimal("300000"),
        loan="GL2",
        valid_from=AS_OF,
    )
    after = network_service.network_as_of(book.session, AS_OF)
    # 2 guaranteed 1 already: now a mutual pair.
    assert after.guarantee_components == (frozenset({book.parties[1].id, book.parties[2].id}),)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": "guarantees", "source": "NO-SUCH", "target": 2, "amount": "1"}, "source"),
        ({"kind": "guarantees", "source": 1, "target": 1, "amount": "1"}, "target"),
        ({"kind": "guarantees", "source": 1, "target": 2}, "amount"),
        ({"kind": "guarantees", "source": 1, "target": 2, "amount": "-5"}, "amount"),
        ({"kind": "holds_shares", "source": 5, "target": 4, "percentage": "1.2"}, "percentage"),
        ({"kind": "holds_shares", "source": 5, "target": 4}, "percentage"),
        ({"kind": "guarantees", "source": 4, "target": 2, "amount": "1", "loan": "GL1"}, "loan"),
        ({"kind": "member_of_market", "source": 3, "target_market": "NOPE"}, "target_market"),
        ({"kind": "legal_representative_of", "source": 3, "target": 4}, "source"),
    ],
)
def test_bad_relationships_are_refused_naming_the_field(
    book: DbBook, fields: dict[str, object], error_field: str
) -> None:
    args = dict(fields)
    for key in ("source", "target"):
        if isinstance(args.get(key), int):
            args[key] = book.uscc(args[key])  # type: ignore[arg-type]
    for key in ("amount", "percentage"):
        if key in args:
            args[key] = Decimal(str(args[key]))
    with pytest.raises(ValidationFailed) as refused:
        create_relationship(book.session, SYSTEM, **args)  # type: ignore[arg-type]
    assert error_field in refused.value.errors


def test_shareholdings_may_not_add_up_above_100_percent(book: DbBook) -> None:
    create_relationship(
        book.session,
        SYSTEM,
        kind="holds_shares",
        source=book.uscc(5),
        target=book.uscc(4),
        percentage=Decimal("0.70"),
        valid_from=AS_OF,
    )
    create_relationship(  # 0.70 + 0.30 = exactly 100%: accepted
        book.session,
        SYSTEM,
        kind="holds_shares",
        source=book.uscc(3),
        target=book.uscc(4),
        percentage=Decimal("0.30"),
        valid_from=AS_OF,
    )
    with pytest.raises(ValidationFailed) as refused:
        create_relationship(
            book.session,
            SYSTEM,
            kind="holds_shares",
            source=book.uscc(6),
            target=book.uscc(4),
            percentage=Decimal("0.000001"),
            valid_from=AS_OF,
        )
    assert "percentage" in refused.value.errors


def test_duplicate_relationship_is_a_conflict(book: DbBook) -> None:
    args = {"kind": "controls", "source": book.uscc(5), "target": book.uscc(3), "valid_from": AS_OF}
    create_relationship(book.session, SYSTEM, **args)  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        create_relationship(book.session, SYSTEM, **args)  # type: ignore[arg-type]


def test_writers_and_visibility(book: DbBook) -> None:
    with pytest.raises(Forbidden):
        create_relationship(
            book.session,
            book.actor("mkt"),
            kind="controls",
            source=book.uscc(1),
            target=book.uscc(2),
        )
    # rm_a cannot see firm 4 (branch B): reported as unknown, like a code that does not exist.
    with pytest.raises(ValidationFailed) as refused:
        create_relationship(
            book.session,
            book.actor("rm_a"),
            kind="controls",
            source=book.uscc(4),
            target=book.uscc(1),
        )
    assert "source" in refused.value.errors


def test_delete_and_end_are_audited(book: DbBook) -> None:
    rel = create_relationship(
        book.session,
        SYSTEM,
        kind="controls",
        source=book.uscc(5),
        target=book.uscc(3),
        valid_from=AS_OF,
    )
    delete_relationship(book.session, SYSTEM, rel.id, ended_on=AS_OF)
    assert rel.valid_to == AS_OF
    delete_relationship(book.session, SYSTEM, rel.id)
    assert book.session.get(Relationship, rel.id) is None
    actions = book.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.entity_id == str(rel.id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["relationship.create", "relationship.end", "relationship.delete"]
    with pytest.raises(NotFound):
        delete_relationship(book.session, SYSTEM, rel.id)


def test_related_party_group_headroom_for_drawdowns(book: DbBook) -> None:
    # Person 5 controls firm 4: group {4, 5}, exposure 0. Firm 1: alone, 600,000.
    # Net capital 5,000,000: own limit 10% = 500,000 (breached by 100,000, headroom 0);
    # group limit 15% = 750,000, headroom 150,000. Headroom = lower = 0.
    view = related_party_group_for(
        book.session, book.parties[1].id, AS_OF, net_capital=Decimal("5000000")
    )
    assert [m.party_id for m in view.members] == [book.parties[1].id]
    assert (view.exposure, view.limit_amount, view.group_headroom) == (
        Decimal("600000.00"),
        Decimal("750000.00"),
        Decimal("150000.00"),
    )
    assert (view.customer_headroom, view.headroom, view.breached) == (
        Decimal("0"),
        Decimal("0"),
        True,
    )
    grouped = related_party_group_for(
        book.session, book.parties[4].id, AS_OF, net_capital=Decimal("5000000")
    )
    assert {m.party_id for m in grouped.members} == {book.parties[4].id, book.parties[5].id}
    breaches = related_party_concentration_breaches(
        book.session, AS_OF, net_capital=Decimal("5000000")
    )
    assert [(b.scope, b.party_ids) for b in breaches] == [
        ("single_customer", (book.parties[1].id,))
    ]


def test_guarantors_and_group_members_of_a_borrower(book: DbBook) -> None:
    ids = book.parties
    neighbours = guarantors_and_group_members_of(book.session, ids[1].id, AS_OF)
    # Firm 4 on loan GL1 (stands behind 600,000 of its 1,000,000), firm 2 generally
    # for 200,000; group G1's other member is firm 2.
    assert [(g.guarantor_id, g.loan_id, g.guaranteed_balance) for g in neighbours.guarantors] == [
        (ids[4].id, book.loans["GL1"].id, Decimal("600000.00")),
        (ids[2].id, None, Decimal("200000.00")),
    ]
    assert [(m.party_id) for m in neighbours.group_members] == [ids[2].id]
    assert neighbours.party_ids == tuple(sorted({ids[2].id, ids[4].id}))


def test_administrator_capacity_usage(book: DbBook) -> None:
    (usage,) = administrator_capacity_usage(book.session, AS_OF)
    # Firm 6: net assets 9,000,000 − 4,000,000 = 5,000,000; capacity 2 × = 10,000,000; no guarantees.
    assert (usage.party_id, usage.used, usage.capacity, usage.breached) == (
        book.parties[6].id,
        Decimal("0"),
        Decimal("10000000.00"),
        False,
    )


def test_network_rules_for_a_guarantor(book: DbBook) -> None:
    # Firm 4 guarantees 600,000; capacity 1 × (3,000,000 − 2,000,000) = 1,000,000.
    rules = {r.id: r for r in network_rules_for(book.session, book.parties[4].id, AS_OF)}
    assert rules["guarantor_within_capacity"].result == "pass"
    over = {
        r.id: r
        for r in network_rules_for(
            book.session, book.parties[4].id, AS_OF, additional_guarantee=Decimal("400000.01")
        )
    }
    assert over["guarantor_within_capacity"].result == "fail"
    assert over["guarantor_within_capacity"].observed == "1000000.01"


def test_ego_network_anonymises_parties_outside_the_book(book: DbBook) -> None:
    rm = book.actor("rm_a")
    ego = ego_network_view(book.session, rm, book.uscc(1), AS_OF, radius=2)
    hidden = [n for n in ego["nodes"] if n["hidden"]]
    shown = {n["id"] for n in ego["nodes"] if not n["hidden"]}
    # Firm 4 (branch B) guarantees firm 1: a stub, with no name and no figures; person 5
    # behind it is not reached. Firm 6 (administrator, branch B) is also a stub.
    assert len(hidden) == 2 and all(set(n) == {"id", "hidden", "type", "depth"} for n in hidden)
    assert "图测试自然人5" not in str(ego) and "图测试企业4" not in str(ego)
    assert f"p:{book.parties[1].id}" in shown and f"p:{book.parties[2].id}" in shown
    to_hidden = [e for e in ego["edges"] if e["source"] in {n["id"] for n in hidden}]
    assert to_hidden and all(e["amount"] is None for e in to_hidden)
    centre = next(n for n in ego["nodes"] if n["id"] == f"p:{book.parties[1].id}")
    assert centre["exposure"] == Decimal("600000.00")
    assert centre["delinquency_class"] == "normal"
    everything = ego_network_view(book.session, SYSTEM, book.uscc(1), AS_OF, radius=2)
    assert not any(n["hidden"] for n in everything["nodes"])
    assert "图测试自然人5" in str(everything)


def test_market_administrator_sees_their_market_only(book: DbBook) -> None:
    mkt = book.actor("mkt")
    report = exposure_report(book.session, mkt, book.uscc(1), AS_OF)
    assert report["own"]["exposure"] == Decimal("600000.00")
    with pytest.raises(NotFound):
        exposure_report(book.session, mkt, book.uscc(4), AS_OF)
    with pytest.raises(NotFound):
        ego_network_view(book.session, mkt, book.uscc(3), AS_OF)


def test_ego_network_rejects_bad_radius_and_types(book: DbBook) -> None:
    with pytest.raises(ValidationFailed):
        ego_network_view(book.session, SYSTEM, book.uscc(1), AS_OF, radius=4)
    with pytest.raises(ValidationFailed) as refused:
        ego_network_view(book.session, SYSTEM, book.uscc(1), AS_OF, kinds=["friends_with"])
    assert refused.value.errors == {"types": ["friends_with"]}


def test_circle_with_a_member_outside_the_book_is_anonymised(book: DbBook) -> None:
    # Firm 1 (branch A) and firm 4 (branch B) now guarantee each other: rm_a sees the
    # circle, firm 4 as x1, and neither its amount nor the circle's totals.
    create_relationship(
        book.session,
        SYSTEM,
        kind="guarantees",
        source=book.uscc(1),
        target=book.uscc(4),
        amount=Decimal("50000"),
        valid_from=AS_OF,
    )
    (circle,) = guarantee_circles_view(book.session, book.actor("rm_a"), AS_OF)
    assert [m["hidden"] for m in circle["members"]] == [False, True]
    assert circle["mutual_pairs"] == [[book.uscc(1), "x1"]]
    assert all(link["amount"] is None for link in circle["links"])
    assert circle["exposure"] is None and circle["guaranteed_amount"] is None
    assert "图测试企业4" not in str(circle)
    (full,) = guarantee_circles_view(book.session, SYSTEM, AS_OF)
    # 1,000,000 (4 -> 1 on GL1) + 50,000 (1 -> 4); exposure: firm 1's 600,000
    assert full["guaranteed_amount"] == Decimal("1050000.00")
    assert full["exposure"] == Decimal("600000.00")
    # a market administrator is shown no circle reaching outside their market (issue 12)
    assert guarantee_circles_view(book.session, book.actor("mkt"), AS_OF) == []


def test_openapi_documents_the_network_endpoints(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/relationships",
        "/api/v1/relationships/{relationship_id}",
        "/api/v1/network/{uscc}",
        "/api/v1/exposure/{uscc}",
        "/api/v1/guarantee-circles",
        "/api/v1/stress",
    ):
        assert path in spec["paths"]
