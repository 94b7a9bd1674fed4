"""Writing valid rows: parties by USCC, dated snapshots, the edge to the anchor, the audit log.

Set-based where it matters: existing parties, their latest snapshots and their edges
to the anchor are read in a few bounded IN-queries for the whole file, new rows are
inserted in batches by one flush, and nothing is queried per row.

Idempotent: a row is compared with what the database already says and only what
differs is written, so the same file twice writes nothing the second time — no
second snapshot, no audit entry. Figures change by a *new* snapshot dated ``as_of``
(decisions stay reproducible); a snapshot already dated ``as_of`` is corrected in
place. An empty optional cell means "not stated": the firm's last known value stays,
and so do the snapshot fields the template does not carry (prohibited flags, tier
factors…), which a risk officer may have recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor, visible_among
from scf.platform.models import FinancialSnapshot, Party, Relationship
from scf.platform.models.enums import PartyKind, RelationshipKind, Role
from scf.platform.models.types import utcnow
from scf.platform.services import audit
from scf.platform.services.onboarding.anchor import Anchor
from scf.platform.services.parties.assessment import ASSESSABLE, chunked, latest_snapshots

# Snapshot figures a file states, and those it never touches (kept from the last snapshot).
FILE_FIGURES = (
    "employees",
    "revenue_12m",
    "revenue_prior_year",
    "total_assets",
    "total_liabilities",
    "existing_exposure",
    "net_profit_last_year",
    "net_profit_prior_year",
    "rating",
    "bad_credit_3y",
    "controller_bad_credit_1y",
    "operator_birth_date",
    "household_net_assets",
    "years_in_trade",
    "years_at_premises",
)
KEPT_FIGURES = (
    "taxable_revenue_last_year",
    "prohibited_flags",
    "tier_factors",
    "cautious_factors",
    "local_residence",
    "fixed_home",
    "industry_data",
)
NEW_FIRM_DEFAULTS: dict[str, Any] = {
    "existing_exposure": Decimal("0.00"),
    "prohibited_flags": [],
    "tier_factors": [],
    "cautious_factors": [],
    "industry_data": {},
}
PARTY_FIELDS = ("name", "kind", "industry", "established_on")
EDGE_KINDS = {
    "supplier": RelationshipKind.SUPPLIES_TO,
    "dealer": RelationshipKind.DISTRIBUTES_FOR,
    "merchant": RelationshipKind.MEMBER_OF_MARKET,
}


@dataclass(frozen=True)
class FileLoad:
    """One file being loaded: by whom, for what, as of when, and the audit context every
    change carries (file name, SHA-256, batch id)."""

    session: Session
    actor: Actor
    anchor: Anchor
    as_of: dt.date
    context: dict[str, Any]


@dataclass
class Written:
    """What loading one row did: whether it created the firm and, per part (party,
    snapshot, relationship), each changed field's (before, after)."""

    created: bool
    party: Party
    diffs: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    # The firm's latest snapshot on or before as_of once written (for the assessment).
    snapshot: FinancialSnapshot | None = None

    @property
    def status(self) -> str:
        """created, updated (something differed) or unchanged."""
        if self.created:
            return "created"
        return "updated" if self.diffs else "unchanged"

    def audit_values(self, side: int) -> dict[str, dict[str, Any]]:
        return {part: {k: v[side] for k, v in diff.items()} for part, diff in self.diffs.items()}

    def change(self, number: int, context: dict[str, Any]) -> audit.Change:
        """The audit entry for row ``number``."""
        return audit.Change(
            f"onboarding.{self.status}",
            "party",
            self.party.id,
            before=None if self.created else self.audit_values(0),
            after=self.audit_values(1),
            context={**context, "row": number, "uscc": self.party.uscc},
        )


@dataclass
class Pending:
    """What the comparison decided to write, written in bulk once every row is compared."""

    snapshots: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    moved_edges: list[dict[str, Any]] = field(default_factory=list)

    def write(self, session: Session) -> None:
        if self.snapshots:
            session.execute(sa.insert(FinancialSnapshot), self.snapshots)
        if self.edges:
            session.execute(sa.insert(Relationship), self.edges)
        if self.moved_edges:
            session.execute(sa.update(Relationship), self.moved_edges)  # by primary key


def existing_parties(session: Session, usccs: list[str]) -> dict[str, Party]:
    found: dict[str, Party] = {}
    for start in range(0, len(usccs), 1000):
        chunk = usccs[start : start + 1000]
        for party in session.scalars(sa.select(Party).where(Party.uscc.in_(chunk))):
            found[party.uscc or ""] = party
    return found


def refusals(load: FileLoad, existing: dict[str, Party]) -> dict[str, str]:
    """Rows the database refuses, by USCC: the anchor itself, a party the actor may not
    see (another branch's or market's: one wording whatever it is, which tells neither
    that the bank knows the code nor as what), a visible party that is not a firm."""
    refused: dict[str, str] = {}
    core = load.anchor.core
    if core is not None and core.uscc in existing:
        refused[core.uscc or ""] = (
            "这是核心企业本身，不能作为其供应商或经销商导入 (this is the core enterprise itself)"
        )
    visible = visible_among(load.session, load.actor, [p.id for p in existing.values()])
    for uscc, party in existing.items():
        if uscc in refused:
            continue
        if party.id not in visible:
            refused[uscc] = (
                "该代码不能由您导入，请联系客户经理或风险经理 "
                "(this code cannot be loaded by you; ask the bank)"
            )
        elif party.kind not in ASSESSABLE:
            refused[uscc] = (
                f"该代码已登记为{party.kind.value}，不是企业或个体工商户 "
                f"(this code belongs to a {party.kind.value}, not a firm)"
            )
    return refused


def upsert(
    load: FileLoad, rows: list[tuple[int, dict[str, Any]]], existing: dict[str, Party]
) -> dict[int, Written]:
    """Create or update each valid row's firm, snapshot and edge; audit every change.

    New rows go in as plain executemany INSERTs (no RETURNING: psycopg then pipelines
    one parsed statement instead of parsing thousands of placeholders); the new
    parties are read back by code in bounded IN-queries.
    """
    session = load.session
    known_ids = [p.id for p in existing.values()]
    snapshots = latest_snapshots(session, known_ids, load.as_of)
    edges = _current_edges(session, known_ids, load.anchor, load.as_of)
    now = utcnow()
    created = _insert_new_parties(load, rows, existing, now)
    results: dict[int, Written] = {}
    pending = Pending()
    changes: list[audit.Change] = []
    for number, row in rows:
        written = _party(row, existing, created)
        party = written.party
        _snapshot(snapshots.get(party.id), row, load, written, pending)
        _edge(load.anchor, edges.get(party.id, []), row, written, pending, now)
        results[number] = written
        if written.diffs:
            changes.append(written.change(number, load.context))
    pending.write(session)
    audit.record_many(session, load.actor, changes)
    session.flush()  # the in-place corrections (changed names, same-day snapshots)
    return results


def _insert_new_parties(
    load: FileLoad,
    rows: list[tuple[int, dict[str, Any]]],
    existing: dict[str, Party],
    now: dt.datetime,
) -> dict[str, Party]:
    """Insert the firms the database does not know yet; read them back by code."""
    branch_id, manager_id = _owner(load.actor, load.anchor)
    new_parties = [
        {
            "uscc": row["uscc"],
            "branch_id": branch_id,
            "relationship_manager_id": manager_id,
            "created_at": now,
            "updated_at": now,
            **_party_values(row),
        }
        for _, row in rows
        if row["uscc"] not in existing
    ]
    if new_parties:
        load.session.execute(sa.insert(Party), new_parties)
    return existing_parties(load.session, [p["uscc"] for p in new_parties])


def _party(row: dict[str, Any], existing: dict[str, Party], created: dict[str, Party]) -> Written:
    """A created firm with all its values, or a known one corrected where the row differs."""
    values = _party_values(row)
    party = existing.get(row["uscc"])
    if party is None:
        return Written(
            True, created[row["uscc"]], {"party": {k: (None, v) for k, v in values.items()}}
        )
    diff = _diff(party, values)
    for name, (_, new) in diff.items():
        setattr(party, name, new)
    return Written(False, party, {"party": diff} if diff else {})


def _party_values(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "kind": PartyKind(row["party_type"]),
        "industry": row["industry"],
        "established_on": row["established_on"],
    }


def _diff(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}


def _owner(actor: Actor, anchor: Anchor) -> tuple[int | None, int | None]:
    """A new firm belongs to the relationship manager loading it, else to the anchor's."""
    if actor.role is Role.RELATIONSHIP_MANAGER:
        return actor.branch_id, actor.user_id
    owner = anchor.core or anchor.administrator
    if owner is None:
        return actor.branch_id, None
    return owner.branch_id, owner.relationship_manager_id


def _snapshot(
    latest: FinancialSnapshot | None,
    row: dict[str, Any],
    load: FileLoad,
    written: Written,
    pending: Pending,
) -> None:
    """A new snapshot dated ``as_of`` when the figures differ from the latest one."""
    as_of, context = load.as_of, load.context
    before = {
        name: (NEW_FIRM_DEFAULTS.get(name) if latest is None else getattr(latest, name))
        for name in FILE_FIGURES + KEPT_FIGURES
    }
    merged = dict(before)
    merged.update({name: row[name] for name in FILE_FIGURES if name in row})
    diff = {k: (before[k], v) for k, v in merged.items() if before[k] != v}
    written.snapshot = latest
    if latest is not None and not diff:
        return
    if latest is not None and latest.as_of == as_of:
        for name, (_, new) in diff.items():
            setattr(latest, name, new)
    else:
        source = f"onboarding batch {context['batch_id']}: {context['file']}"[:200]
        values = {"party_id": written.party.id, "as_of": as_of, "source": source, **merged}
        pending.snapshots.append(values)
        written.snapshot = FinancialSnapshot(**values)  # transient: never added to the session
    written.diffs["snapshot"] = {"as_of": (None if latest is None else latest.as_of, as_of)} | diff


def _edge(
    anchor: Anchor,
    current: list[sa.Row[Any]],
    row: dict[str, Any],
    written: Written,
    pending: Pending,
    now: dt.datetime,
) -> None:
    """The edge to the anchor is created once; a corrected cooperation date moves its start."""
    kind = EDGE_KINDS[row["relation"]]
    since = row["cooperation_since"]
    edge = next((e for e in current if e.kind == kind), None)
    if edge is None:
        pending.edges.append(
            {
                "kind": kind,
                "source_party_id": written.party.id,
                "valid_from": since,
                "created_at": now,
                "updated_at": now,
                **anchor.edge_target(),
            }
        )
        written.diffs["relationship"] = {"kind": (None, kind.value), "valid_from": (None, since)}
    elif edge.valid_from != since:
        written.diffs["relationship"] = {
            "kind": (kind.value, kind.value),
            "valid_from": (edge.valid_from, since),
        }
        pending.moved_edges.append({"id": edge.id, "valid_from": since, "updated_at": now})


def _current_edges(
    session: Session, party_ids: list[int], anchor: Anchor, as_of: dt.date
) -> dict[int, list[sa.Row[Any]]]:
    """Edges (id, kind, start) from these parties to the anchor not ended before ``as_of``."""
    found: dict[int, list[sa.Row[Any]]] = {}
    target = anchor.edge_target()
    for chunk in chunked(party_ids):
        query = (
            sa.select(
                Relationship.id,
                Relationship.source_party_id,
                Relationship.kind,
                Relationship.valid_from,
            )
            .where(
                Relationship.source_party_id.in_(chunk),
                Relationship.kind.in_(list(EDGE_KINDS.values())),
                sa.or_(Relationship.valid_to.is_(None), Relationship.valid_to >= as_of),
            )
            .order_by(Relationship.valid_from, Relationship.id)
        )
        if target["target_party_id"] is not None:
            query = query.where(Relationship.target_party_id == target["target_party_id"])
        else:
            query = query.where(Relationship.target_market_id == target["target_market_id"])
        for edge in session.execute(query):
            found.setdefault(edge.source_party_id, []).append(edge)
    return found
