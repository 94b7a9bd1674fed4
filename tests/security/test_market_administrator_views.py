"""What a market administrator reads of the network is their market's own (issue 12,
finding 8), worked by hand on the small book of ``tests.graph.db_book``.

The book: market GM1 holds merchants 1 and 2 and its administrator 6 (``mkt`` sees
those three); firm 4 and person 5 are another branch's. Firm 4 guarantees firm 1's loan
GL1 (600,000 outstanding); firm 2 guarantees firm 1 for 200,000; group GG1 (firms 1, 2)
sits inside GM1. A relationship manager still sees firm 4 as an anonymised stub (a
guarantee leaving their book matters to them); a market administrator, nothing of it.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from scf.credit.uscc import make
from scf.platform.auth.access import Actor
from scf.platform.models import Party
from scf.platform.models.enums import PartyKind
from scf.platform.services.network.ego import ego_network_view
from scf.platform.services.network.queries import exposure_report, guarantee_circles_view
from scf.platform.services.network.relationships import create_relationship
from tests.graph.db_book import AS_OF, DbBook, build
from tests.platform.onboarding.support import MERCHANT_E, build_network, csv_file, line, load

SYSTEM = Actor.system("test")


@pytest.fixture()
def book(db_session: Session) -> DbBook:
    return build(db_session)


def _edge(book: DbBook, kind: str, source: int, target: int, **figures: Decimal) -> None:
    """Firm ``source`` to firm ``target`` from ``AS_OF``, recorded as the system."""
    create_relationship(
        book.session,
        SYSTEM,
        kind=kind,
        source=book.uscc(source),
        target=book.uscc(target),
        valid_from=AS_OF,
        **figures,
    )


def _node(book: DbBook, n: int) -> str:
    return f"p:{book.parties[n].id}"


def test_the_ego_network_of_a_merchant_leaves_out_what_is_outside_the_market(
    book: DbBook,
) -> None:
    ego = ego_network_view(book.session, book.actor("mkt"), book.uscc(1), AS_OF, radius=2)
    nodes = {n["id"] for n in ego["nodes"]}
    # firm 1, firm 2 (its guarantor, group mate, fellow merchant), the market, the group
    # and, two hops away, the administrator 6; firm 4 (a guarantor outside) not at all
    assert nodes == {
        _node(book, 1),
        _node(book, 2),
        _node(book, 6),
        f"m:{book.market.id}",
        f"g:{book.group.id}",
    }
    assert not any(n["hidden"] for n in ego["nodes"])
    assert {(e["kind"], e["amount"]) for e in ego["edges"] if e["kind"] == "guarantees"} == {
        ("guarantees", Decimal("200000.00"))
    }
    stubbed = ego_network_view(book.session, book.actor("rm_a"), book.uscc(1), AS_OF, radius=2)
    assert sum(n["hidden"] for n in stubbed["nodes"]) == 2  # firm 4 and firm 6 (branch B)


def test_the_exposure_of_a_merchant_keeps_its_own_figures_and_withholds_the_banks(
    book: DbBook,
) -> None:
    # firm 4 takes 20% of firm 1 (≥ 15%): the related-party group is {1, 4, 5}
    _edge(book, "holds_shares", 4, 1, percentage=Decimal("0.20"))
    report = exposure_report(book.session, book.actor("mkt"), book.uscc(1), AS_OF)
    assert report["own"] == {
        "exposure": Decimal("600000.00"),
        "loans": 1,
        "reserved": Decimal("0"),  # its own pending drawdowns: none
        "limit_amount": None,
        "headroom": None,
    }
    assert report["headroom"] is None
    group = report["related_party_group"]
    assert [m["uscc"] for m in group["members"]] == [book.uscc(1)]
    assert (group["exposure"], group["net_capital"], group["ratio"]) == (None, None, None)
    assert group["reserved"] is None
    assert (group["limit_amount"], group["headroom"], group["breached"]) == (None, None, None)
    # the joint-guarantee group is inside the market: 600,000 + 300,000
    (joint,) = report["joint_guarantee_groups"]
    assert joint["total"] == Decimal("900000.00") and len(joint["members"]) == 2
    everything = exposure_report(book.session, SYSTEM, book.uscc(1), AS_OF)
    assert len(everything["related_party_group"]["members"]) == 3
    assert everything["related_party_group"]["net_capital"] is not None


def test_the_administrators_exposure_shows_its_own_market(book: DbBook) -> None:
    report = exposure_report(book.session, book.actor("mkt"), book.uscc(6), AS_OF)
    (market,) = report["market"]
    # merchants 1 (600,000) and 2 (300,000); the administrator's own GL6 100,000
    assert (market["merchant_exposure"], market["administrator_exposure"]) == (
        Decimal("900000.00"),
        Decimal("100000.00"),
    )
    assert market["total"] == Decimal("1000000.00")


def test_a_guarantee_circle_reaching_outside_the_market_is_not_shown(book: DbBook) -> None:
    # firm 1 (inside) and firm 4 (outside) now guarantee each other: a circle of two
    _edge(book, "guarantees", 1, 4, amount=Decimal("50000"))
    assert guarantee_circles_view(book.session, book.actor("mkt"), AS_OF) == []
    (stubbed,) = guarantee_circles_view(book.session, book.actor("rm_a"), AS_OF)
    assert [m["hidden"] for m in stubbed["members"]] == [False, True]
    # firms 1 and 2 guarantee each other too: a circle wholly inside, shown whole
    _edge(book, "guarantees", 1, 2, amount=Decimal("70000"))
    circles = guarantee_circles_view(book.session, book.actor("mkt"), AS_OF)
    assert circles == []  # 1, 2 and 4 are now one circle, and 4 is outside


def test_a_circle_wholly_inside_the_market_is_shown_with_its_figures(book: DbBook) -> None:
    _edge(book, "guarantees", 1, 2, amount=Decimal("70000"))
    (circle,) = guarantee_circles_view(book.session, book.actor("mkt"), AS_OF)
    assert [m["uscc"] for m in circle["members"]] == [book.uscc(1), book.uscc(2)]
    # 200,000 (2 → 1) + 70,000 (1 → 2); exposure 600,000 + 300,000
    assert circle["guaranteed_amount"] == Decimal("270000.00")
    assert circle["exposure"] == Decimal("900000.00")


# ------------------------------------------------------------------ onboarding


def test_onboarding_refuses_an_outside_code_without_saying_it_is_registered(
    db_session: Session,
) -> None:
    """It told a market administrator the code "is registered outside what you may
    change" — and, for a non-firm, what kind of party it was."""
    network = build_network(db_session)
    supplier = MERCHANT_E | {"uscc": make("92130283000000777"), "name": "外部供应商"}
    guarantor = MERCHANT_E | {"uscc": make("92130283000000778"), "name": "外部担保公司"}
    db_session.add_all(
        [
            Party(kind=PartyKind.ENTERPRISE, uscc=supplier["uscc"], name="外部供应商"),
            Party(kind=PartyKind.GUARANTEE_COMPANY, uscc=guarantor["uscc"], name="外部担保公司"),
        ]
    )
    db_session.flush()
    batch = load(
        db_session,
        csv_file([supplier, guarantor]),
        actor=network.actor(network.market_admin),
        market=network.market.id,
    )
    # the same words for both rows, but for the row number
    refusals = [re.sub(r"^第\d+行", "", line(batch, n)["errors"][0]) for n in (2, 3)]
    assert refusals[0] == refusals[1]
    for word in ("registered", "登记", "guarantee_company", "外部"):
        assert word not in refusals[0]
