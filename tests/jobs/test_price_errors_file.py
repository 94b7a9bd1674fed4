"""The price job's errors file is opened in Excel by an operator: a dropped file named
like a formula must not become one there (issue #12, finding 4)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from tests.jobs.conftest import Runner
from tests.jobs.network import Network


def test_a_file_named_like_a_formula_is_text_in_its_errors_file(
    net: Network, runner: Runner
) -> None:
    net.commodity("steel_rebar")
    folder: Path = runner.settings.instance_path / "prices"
    folder.mkdir(parents=True)
    name = "=HYPERLINK(1).csv"
    (folder / name).write_text(
        "commodity,price_date,price\nsteel_rebar,2026-11-19,-5\n", encoding="utf-8"
    )
    assert runner.run("price_import", dt.date(2026, 11, 20)).status == "succeeded"
    errors = folder / "rejected" / f"{name}.errors.csv"
    rows = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["row", "field", "message"]
    assert rows[1][:2] == [f"'{name}:2", "price"]
