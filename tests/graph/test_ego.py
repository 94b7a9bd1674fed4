"""Ego networks: radius, edge-kind filters, hidden stubs, truncation, circle flags."""

from __future__ import annotations

import pytest

from scf.graph import data as d
from scf.graph.ego import edge_in_circle, ego_network, in_circle
from scf.graph.network import party_node
from tests.graph.factories import Book


def star() -> Book:
    """1 supplies core 2; 3 supplies core 2; 4 guarantees 1; 5 guarantees 4; 1 and 6
    guarantee each other (a circle)."""
    book = Book()
    book.party(2, core=True)
    for p in (1, 3, 4, 5, 6):
        book.party(p)
    book.edge(d.SUPPLIES_TO, 1, 2)  # edge 1
    book.edge(d.SUPPLIES_TO, 3, 2)  # edge 2
    book.guarantee(4, 1, "10")  # edge 3
    book.guarantee(5, 4, "10")  # edge 4
    book.guarantee(1, 6, "10")  # edge 5
    book.guarantee(6, 1, "10")  # edge 6
    return book


def test_radius_one_and_two_follow_edges_both_ways() -> None:
    network = star().network()
    one = ego_network(network, party_node(1), 1)
    assert set(one.nodes) == {"p:1", "p:2", "p:4", "p:6"}
    assert [e[2] for e in one.edges] == [1, 3, 5, 6]
    two = ego_network(network, party_node(1), 2)
    assert set(two.nodes) == {"p:1", "p:2", "p:3", "p:4", "p:5", "p:6"}
    assert two.depth["p:5"] == 2 and two.depth["p:3"] == 2


def test_edge_kind_filter() -> None:
    ego = ego_network(star().network(), party_node(1), 2, kinds={d.GUARANTEES})
    assert set(ego.nodes) == {"p:1", "p:4", "p:5", "p:6"}
    assert [e[2] for e in ego.edges] == [3, 4, 5, 6]  # the supplies_to edges are filtered out


def test_hidden_node_is_a_stub_that_is_not_expanded() -> None:
    # 4 is hidden: shown (as a stub) but 5 behind it is not reached.
    ego = ego_network(star().network(), party_node(1), 2, visible=lambda n: n != "p:4")
    assert "p:4" in ego.hidden
    assert "p:5" not in ego.nodes


def test_max_nodes_truncates() -> None:
    ego = ego_network(star().network(), party_node(1), 2, max_nodes=3)
    assert len(ego.nodes) == 3 and ego.truncated


def test_unknown_centre_raises() -> None:
    with pytest.raises(KeyError):
        ego_network(star().network(), "p:99", 1)


def test_circle_flags() -> None:
    network = star().network()
    assert in_circle(network, "p:1") and in_circle(network, "p:6")
    assert not in_circle(network, "p:4") and not in_circle(network, "m:1")
    assert edge_in_circle(network, 5) and edge_in_circle(network, 6)
    assert not edge_in_circle(network, 3) and not edge_in_circle(network, 1)
