"""``scf jobs`` and ``scf alerts`` from the command line, against a database of their own,
including two real scheduler processes started against it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from scf.jobs.lease import SCHEDULER_LEASE, current_holder
from scf.platform.cli import main
from scf.platform.db import Database
from scf.platform.migrate import upgrade
from tests.conftest import database_url
from tests.jobs.network import Network


@pytest.fixture()
def url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database with one goods-pledge loan in a margin call (9,000/t on 2026-11-20)."""
    import datetime as dt

    from scf.platform.models.enums import Role

    url = database_url(backend, "jobs_cli", tmp_path)
    database = Database(url)
    upgrade(database.engine)
    with database.session() as session:
        net = Network(session)
        rm = net.user("rm_cli", Role.RELATIONSHIP_MANAGER)
        loan = net.loan(net.party("钢贸商丙", rm=rm), "600000")
        steel = net.commodity()
        net.receipt(loan, steel, "100")
        net.price(steel, dt.date(2026, 11, 20), "9000")
        session.commit()
    database.engine.dispose()
    yield url


def scf(url: str, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    env = {"SCF_DATABASE_URL": url, "SCF_INSTANCE_PATH": str(tmp_path / "instance")}
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_run_once_list_and_alerts(url: str, tmp_path: Path) -> None:
    code, out, err = scf(
        url, tmp_path, "jobs", "run-once", "mark_to_market", "--as-of", "2026-11-20", "--json"
    )
    assert code == 0, err
    outcome = json.loads(out)
    assert (outcome["status"], outcome["as_of"], outcome["counts"]["warning"]) == (
        "succeeded",
        "2026-11-20",
        1,
    )

    code, out, _ = scf(url, tmp_path, "jobs", "list", "--json")
    listing = json.loads(out)
    assert code == 0 and listing["scheduler"] is None
    jobs = {j["name"]: j for j in listing["jobs"]}
    assert jobs["mark_to_market"]["last_run"]["status"] == "succeeded"
    assert jobs["mark_to_market"]["schedule"] == "30 6 * * *"
    assert jobs["price_import"]["last_run"] is None and jobs["price_import"]["next_run"]

    code, out, _ = scf(url, tmp_path, "alerts", "list", "--status", "open", "--json")
    (alert,) = json.loads(out)
    assert (alert["rule"], alert["owner"], alert["figures"]["shortfall"]) == (
        "collateral_margin",
        "rm_cli",
        "60000.00",
    )
    code, out, _ = scf(
        url, tmp_path, "alerts", "acknowledge", str(alert["id"]), "--comment", "已电话通知"
    )
    assert code == 0 and "acknowledged" in out
    code, out, _ = scf(url, tmp_path, "alerts", "list", "--status", "open")
    assert code == 0 and "共 0 条预警" in out

    code, _, err = scf(url, tmp_path, "jobs", "run-once", "mark_to_market", "--as-of", "2026-11-19")
    assert code == 1 and "back-fill in date order" in err and "Traceback" not in err
    code, _, err = scf(url, tmp_path, "jobs", "run-once", "nope")
    assert code == 1 and "unknown job" in err


def test_two_scheduler_processes_against_one_database(url: str, tmp_path: Path) -> None:
    env = {**os.environ, "SCF_DATABASE_URL": url, "SCF_INSTANCE_PATH": str(tmp_path / "instance")}
    scf_bin = str(Path(sys.executable).with_name("scf"))
    first = subprocess.Popen(
        [scf_bin, "jobs", "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    database = Database(url)
    try:
        holder = None
        deadline = time.monotonic() + 60
        while holder is None and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.2)
            with database.session() as session:
                holder = current_holder(session, SCHEDULER_LEASE)
        assert holder is not None, first.communicate(timeout=5)
        second = subprocess.run(
            [scf_bin, "jobs", "run"], env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 1
        assert "another scheduler runs against this database" in second.stderr
        assert holder.holder in second.stderr and "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "scheduler stopped" in out
    with database.session() as session:
        assert current_holder(session, SCHEDULER_LEASE) is None
    database.engine.dispose()
