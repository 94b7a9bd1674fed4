"""The demo loader refuses a bad seed file by file, line and column, and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.demo.seed_loader import DEFAULT_DATA_DIR, load_seed
from scf.platform.errors import ConfigurationError, ValidationFailed
from scf.platform.models import Market


def seed_copy(tmp_path: Path, **edits: tuple[str, str]) -> Path:
    """The committed seed folder, with ``file=(old, new)`` replaced once in that file."""
    folder = tmp_path / "seed"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    for name, (old, new) in edits.items():
        path = folder / f"{name}.csv"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_a_bad_date_names_file_line_and_column_and_nothing_is_written(
    db_session: Session, tmp_path: Path
) -> None:
    # markets.csv line 2 is M001, opened 2008-04-18 (the first market, the first file read)
    folder = seed_copy(tmp_path, markets=("2008-04-18", "2008-13-18"))
    with pytest.raises(ValidationFailed) as refused:
        load_seed(db_session, folder)
    assert str(refused.value).startswith("markets.csv 第2行 (line 2) opened_on: ")
    assert refused.value.errors == {
        "markets.csv:2": ["opened_on: 日期格式应为YYYY-MM-DD (bad date) “2008-13-18”"]
    }
    assert db_session.scalar(sa.select(sa.func.count(Market.id))) == 0


def test_an_unknown_party_key_is_refused_on_its_row(db_session: Session, tmp_path: Path) -> None:
    folder = seed_copy(tmp_path, snapshots=("P0002,2025-12-31", "P9999,2025-12-31"))
    with pytest.raises(ValidationFailed, match=r"snapshots.csv 第2行 \(line 2\) party_key: "):
        load_seed(db_session, folder)


def test_a_missing_file_is_a_configuration_error(db_session: Session, tmp_path: Path) -> None:
    folder = seed_copy(tmp_path)
    (folder / "loans.csv").unlink()
    with pytest.raises(ConfigurationError, match="missing seed file"):
        load_seed(db_session, folder)
