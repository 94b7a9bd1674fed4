"""Ways into the network viewer (关系网络入口): a core enterprise's chain, a market, a
joint-guarantee group, a related-party group, a guarantee circle.

Each entry is an ego network with a preset centre, radius and edge types (the viewer
draws ``ego_network_view``, which checks access again and anonymises what the reader
may not see). An entry is offered only when the reader may open its centre: the
first visible party of the set, so a relationship manager sees the chains, groups and
circles that touch their book, centred on a firm of theirs. Bank staff only (the
network is the bank's view; a market administrator has their portal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.graph import data as d
from scf.graph.exposure import chain_exposure, market_exposure, related_party_groups
from scf.graph.network import Network
from scf.graph.policy import NetworkPolicy
from scf.platform.auth.access import Actor, require_bank_staff, visible_party_ids
from scf.platform.models import Party
from scf.platform.services.network.book import bank_net_capital, network_as_of, network_policy
from scf.platform.services.network.queries import guarantee_circles_view

# Edge types of each entry view: what the picture is about.
CHAIN_TYPES = (d.SUPPLIES_TO, d.DISTRIBUTES_FOR, d.BUYBACK_FOR, d.GUARANTEES)
MARKET_TYPES = (d.ADMINISTERS, d.MEMBER_OF_MARKET, d.GUARANTEES)
GROUP_TYPES = (d.MEMBER_OF_GROUP, d.GUARANTEES)
RELATED_TYPES = (d.CONTROLS, d.HOLDS_SHARES, d.LEGAL_REPRESENTATIVE_OF, d.SPOUSE_OF)
CIRCLE_TYPES = (d.GUARANTEES,)


@dataclass(frozen=True)
class NetworkEntry:
    """One way into the viewer: centre on ``reference`` with ``radius`` and ``types``."""

    kind: str  # chain | market | joint_guarantee_group | related_party_group | circle
    title: str
    reference: str  # USCC, or a person's customer number
    radius: int
    types: tuple[str, ...]
    members: int
    exposure: Decimal | None  # None: withheld (a member the reader may not see)
    flagged: bool = False  # a breach: group over its limit, circle with a §7 breach

    @property
    def types_arg(self) -> str:
        return ",".join(self.types)


@dataclass(frozen=True)
class NetworkEntries:
    as_of: dt.date
    chains: tuple[NetworkEntry, ...]
    markets: tuple[NetworkEntry, ...]
    joint_guarantee_groups: tuple[NetworkEntry, ...]
    related_party_groups: tuple[NetworkEntry, ...]
    circles: tuple[NetworkEntry, ...]


def _references(session: Session, party_ids: Iterable[int]) -> dict[int, str]:
    """The code the viewer is opened with: USCC, or the customer number of a person."""
    ids = set(party_ids)
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Party.id, Party.uscc, Party.customer_number).where(Party.id.in_(ids))
    )
    return {pid: uscc or number for pid, uscc, number in rows if uscc or number}


@dataclass(frozen=True)
class _Candidate:
    """An entry before its centre's code is known."""

    centre: int  # the party the viewer opens on
    title: str
    members: int
    exposure: Decimal | None
    flagged: bool = False


def _first_visible(members: Iterable[int], visible: frozenset[int] | None) -> int | None:
    return next((m for m in members if visible is None or m in visible), None)


def _complete(members: Iterable[int], visible: frozenset[int] | None) -> bool:
    return visible is None or all(m in visible for m in members)


def _offer(
    members: list[int],
    visible: frozenset[int] | None,
    title: str | Callable[[int], str],
    exposure: Decimal,
    flagged: bool = False,
) -> list[_Candidate]:
    """A set is offered centred on its first visible member, if any; its exposure is
    withheld when a member is hidden from the reader. ``title`` may be a function of the
    centre, for a set named after a member: never after one the reader may not see."""
    centre = _first_visible(members, visible)
    if centre is None:
        return []
    shown = exposure if _complete(members, visible) else None
    named = title(centre) if callable(title) else title
    return [_Candidate(centre, named, len(members), shown, flagged)]


def network_entries(session: Session, actor: Actor, as_of: dt.date) -> NetworkEntries:
    """Every way into the viewer the reader may open on ``as_of``, by kind."""
    require_bank_staff(actor)
    network = network_as_of(session, as_of)
    policy = network_policy(as_of)
    visible = visible_party_ids(session, actor)
    chains = _chains(network, visible)
    markets = _markets(network, policy, visible)
    groups = _joint_guarantee_groups(network, visible)
    related = _related_party_groups(network, policy, visible)
    circles = _circles(session, actor, as_of, network)
    every = (*chains, *markets, *groups, *related, *circles)
    references = _references(session, (c.centre for c in every))

    def entries(
        candidates: list[_Candidate], kind: str, radius: int, types: tuple[str, ...]
    ) -> tuple[NetworkEntry, ...]:
        return tuple(
            NetworkEntry(
                kind=kind,
                title=c.title,
                reference=references[c.centre],
                radius=radius,
                types=types,
                members=c.members,
                exposure=c.exposure,
                flagged=c.flagged,
            )
            for c in candidates
            if c.centre in references
        )

    return NetworkEntries(
        as_of=as_of,
        chains=entries(chains, "chain", 1, CHAIN_TYPES),
        markets=entries(markets, "market", 2, MARKET_TYPES),
        joint_guarantee_groups=entries(groups, "joint_guarantee_group", 2, GROUP_TYPES),
        related_party_groups=entries(related, "related_party_group", 3, RELATED_TYPES),
        circles=entries(circles, "circle", 2, CIRCLE_TYPES),
    )


def _chains(network: Network, visible: frozenset[int] | None) -> list[_Candidate]:
    """A core enterprise's chain is the core's: offered to whoever may see the core."""
    out = []
    for party_id in sorted(p for p, facts in network.parties.items() if facts.is_core):
        if visible is None or party_id in visible:
            chain = chain_exposure(network, party_id)
            title = network.parties[party_id].name
            out.append(_Candidate(party_id, title, len(chain.loan_ids), chain.total))
    return out


def _markets(
    network: Network, policy: NetworkPolicy, visible: frozenset[int] | None
) -> list[_Candidate]:
    out = []
    for market_id, market in sorted(network.markets.items()):
        admins = sorted(set(network.administrators.get(market_id, [])))
        merchants = sorted(set(network.market_members.get(market_id, [])))
        total = market_exposure(network, market_id, policy).total
        out += _offer(admins + merchants, visible, market.name, total)
    return out


def _joint_guarantee_groups(network: Network, visible: frozenset[int] | None) -> list[_Candidate]:
    out = []
    for group_id, group in sorted(network.groups.items()):
        members = sorted(set(network.group_members.get(group_id, [])))
        exposure = sum(
            (loan.outstanding for loan in network.loans_by_group.get(group_id, [])), Decimal("0")
        )
        out += _offer(members, visible, f"{group.name} ({group.code})", exposure)
    return out


def _related_party_groups(
    network: Network, policy: NetworkPolicy, visible: frozenset[int] | None
) -> list[_Candidate]:
    """Related-party groups of two or more, flagged over the 15% limit (net capital is
    read only when there is such a group), each titled with the firm it opens on."""
    out: list[_Candidate] = []
    capital: Decimal | None = None

    def name(centre: int) -> str:
        return network.parties[centre].name

    for group in related_party_groups(network, policy):
        if len(group.members) < 2:
            continue
        capital = capital if capital is not None else bank_net_capital()
        flagged = group.exposure > capital * policy.related_party_group_max
        out += _offer(list(group.members), visible, name, group.exposure, flagged)
    return out


def _circles(session: Session, actor: Actor, as_of: dt.date, network: Network) -> list[_Candidate]:
    """Guarantee circles with a member the reader may see (anonymised as in the circles
    view), named after their first three visible members."""
    out = []
    for circle in guarantee_circles_view(session, actor, as_of):
        shown = [m for m in circle["members"] if not m["hidden"]]
        ids = _party_ids_by_code(network, [m["uscc"] for m in shown])
        if not ids:
            continue
        title = "、".join(m["name"] for m in shown[:3]) + ("…" if circle["size"] > 3 else "")
        flagged = bool(circle["breaches"])
        out.append(_Candidate(ids[0], title, circle["size"], circle["exposure"], flagged))
    return out


def _party_ids_by_code(network: Network, codes: list[str | None]) -> list[int]:
    by_code = {p.uscc: p.id for p in network.parties.values() if p.uscc}
    return [by_code[c] for c in codes if c in by_code]
