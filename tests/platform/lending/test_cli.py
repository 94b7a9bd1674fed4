"""``scf lending …`` on the demo network and on an empty database."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scf.platform.cli import main
from scf.platform.db import create_db_engine
from scf.platform.migrate import upgrade


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"SCF_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def test_the_demo_book_reconciles(seeded_url: str) -> None:
    code, out, _ = run(seeded_url, "lending", "reconcile", "--json")
    assert code == 0 and json.loads(out) == {"problems": []}


def test_frozen_facilities_of_the_demo(seeded_url: str) -> None:
    # seed/README.md: facilities of overdue borrowers may be frozen (L0244 100d, L0223 300d)
    code, out, _ = run(seeded_url, "lending", "facilities", "--status", "frozen", "--json")
    assert code == 0
    assert sorted(f["code"] for f in json.loads(out)) == ["F0223", "F0244"]


def test_one_facility_lists_each_candidate(seeded_url: str) -> None:
    code, out, _ = run(seeded_url, "lending", "facility", "1", "--as-of", "2026-11-20", "--json")
    assert code == 0
    data = json.loads(out)
    names = [c["name"] for c in data["availability"]["candidates"]]
    assert names == [
        "facility_remaining",
        "collateral_headroom",
        "programme_remaining",
        "group_headroom",
        "customer_headroom",
    ]
    # F0001: limit 2,300,000 − L0001 1,541,000 outstanding = 759,000
    assert data["availability"]["candidates"][0]["amount"] == "759000.00"


def test_unknown_level_is_one_clear_line(seeded_url: str) -> None:
    code, _, err = run(seeded_url, "lending", "authority", "risk", "emperor")
    assert code == 1 and "level" in err and "Traceback" not in err


def test_refresh_on_an_empty_book(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    engine = create_db_engine(url)
    upgrade(engine)
    engine.dispose()
    code, out, _ = run(url, "lending", "refresh", "--as-of", "2026-11-20")
    assert code == 0 and "0 笔贷款" in out
