"""What the seed loader has found or created so far, by the keys the CSV files use.

The files refer to one another by key (``P0001``, ``M001``, ``L0012``); a later file
may only name what an earlier one loaded, and an unknown key is an error on its row.
Every row is looked up by its natural key first and created only when absent, which
is what makes a second load change nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.demo.seed_rows import Row, read_rows
from scf.platform.models import (
    Base,
    CollateralItem,
    Facility,
    JointGuaranteeGroup,
    Loan,
    Market,
    Party,
    Programme,
    User,
    WarehouseReceipt,
)

M = TypeVar("M", bound=Base)


class SeedTables:
    """The session, the data folder, the rows created per table and the keys seen."""

    def __init__(self, session: Session, data_dir: Path) -> None:
        self.session = session
        self.dir = data_dir
        self.created: Counter[str] = Counter()
        self.parties: dict[str, Party] = {}
        self.markets: dict[str, Market] = {}
        self.groups: dict[str, JointGuaranteeGroup] = {}
        self.programmes: dict[str, Programme] = {}
        self.facilities: dict[str, Facility] = {}
        self.loans: dict[str, Loan] = {}
        self.receipts: dict[str, WarehouseReceipt] = {}
        self.collateral: dict[str, CollateralItem] = {}
        self.users: dict[str, User] = {}
        # Loans created by this load, with (instalments, instalments paid): their
        # schedules and repayment history are written once every file is in.
        self.new_loans: list[tuple[Loan, int, int]] = []

    def rows(self, name: str) -> Iterator[Row]:
        return read_rows(self.dir, name)

    def get_or_create(self, model: type[M], where: dict[str, Any], build: Callable[[], M]) -> M:
        """The row matching ``where``, or a new one from ``build`` (called only then)."""
        found = self.session.scalar(sa.select(model).filter_by(**where))
        if found is not None:
            return found
        obj = build()
        self.session.add(obj)
        self.session.flush()
        self.created[model.__tablename__] += 1
        return obj

    def party(self, row: Row, column: str) -> Party:
        key = row.req(column)
        if key not in self.parties:
            raise row.fail(column, f"未知主体 (unknown party key) “{key}”")
        return self.parties[key]

    def optional(self, row: Row, column: str, table: dict[str, M]) -> M | None:
        key = row.text(column)
        if key is None:
            return None
        if key not in table:
            raise row.fail(column, f"未知引用 (unknown key) “{key}”")
        return table[key]


def id_of(obj: Base | None) -> int | None:
    """The id of an optional reference (``None`` when the cell was empty)."""
    return None if obj is None else obj.id  # type: ignore[attr-defined]
