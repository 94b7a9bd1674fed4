"""Loading the demo network from ``seed/data/*.csv`` (written by ``seed/generate.py``).

Idempotent: every row is looked up by its natural key (customer number, code,
username, number, date) and only created when absent, so a second run changes
nothing. The whole load is one transaction: a bad row names its file, line and
column and nothing is written.

The files are read by area over one set of tables keyed as the files key them:
``seed_rows`` reads and types a row, ``seed_tables`` keeps what was found or created,
``seed_parties`` (markets, users, parties, snapshots, relationships), ``seed_lending``
(groups, programmes, facilities, loans) and ``seed_collateral`` (receivables, prices,
receipts, items, insurance) each load their files.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from sqlalchemy.orm import Session

import scf
from scf.platform.auth.access import Actor
from scf.platform.demo.seed_collateral import CollateralFiles
from scf.platform.demo.seed_lending import LendingFiles
from scf.platform.demo.seed_parties import DEMO_PASSWORD, PartyFiles
from scf.platform.errors import ConfigurationError
from scf.platform.services import audit
from scf.platform.services.unit_of_work import use_case

__all__ = ["DEFAULT_DATA_DIR", "DEMO_PASSWORD", "SEED_AS_OF", "SeedLoader", "load_seed"]

DEFAULT_DATA_DIR = Path(scf.__file__).resolve().parent.parent / "seed" / "data"
# The date the demo dataset describes (seed/builder.py SEED_AS_OF): overdue days count to it.
SEED_AS_OF = dt.date(2026, 11, 20)


class SeedLoader(PartyFiles, LendingFiles, CollateralFiles):
    """The seed files in dependency order; each area's files are read by its own class
    (``seed_parties``, ``seed_lending``, ``seed_collateral``) over the shared tables."""

    def run(self) -> Counter[str]:
        self.load_markets()
        self.load_users()
        self.load_parties()
        self.load_snapshots()
        self.load_groups_and_programmes()
        self.load_facilities_and_loans()
        self.load_relationships()
        self.load_collateral()
        from scf.platform.demo.loan_history import schedule_seeded_loans

        schedule_seeded_loans(self.session, self.new_loans, self.created, SEED_AS_OF)
        return self.created


@use_case
def load_seed(session: Session, data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, int]:
    """Load the demo network in one unit of work; return the rows created per table."""
    if not data_dir.is_dir():
        raise ConfigurationError(f"演示数据目录不存在 (seed folder not found): {data_dir}")
    created = SeedLoader(session, data_dir).run()
    if created:
        audit.record(
            session,
            Actor.system("seed"),
            "seed.load",
            "seed",
            None,
            after=dict(created),
            context={"data_dir": str(data_dir)},
        )
    return dict(created)
