"""The command line: listing the demo network, and one clear line for every bad setting."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from scf.credit.uscc import is_valid
from scf.platform.cli import main
from scf.platform.db import create_db_engine
from scf.platform.migrate import upgrade


def run(url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(main, list(args), env={"SCF_DATABASE_URL": url}, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_parties_list_json_gives_code_name_roles_and_market(seeded_url: str) -> None:
    code, out, _ = run(seeded_url, "parties", "list", "--role", "merchant", "--json")
    assert code == 0
    merchants = json.loads(out)
    assert len(merchants) >= 200  # two markets of at least 100 merchants each
    assert all(is_valid(m["uscc"]) and "merchant" in m["roles"] for m in merchants)
    assert {m["market_id"] for m in merchants} == {1, 2}


def test_core_enterprise_has_the_suppliers_and_dealers_of_its_programme(seeded_url: str) -> None:
    code, out, _ = run(seeded_url, "parties", "list", "--role", "supplier", "--json")
    assert code == 0 and len(json.loads(out)) >= 200
    code, out, _ = run(seeded_url, "parties", "list", "--role", "dealer", "--json")
    assert code == 0 and len(json.loads(out)) >= 50
    code, out, _ = run(seeded_url, "parties", "list", "--role", "core_enterprise", "--q", "钢铁")
    assert code == 0 and "冀东恒泰钢铁集团有限公司" in out


def test_markets_list_names_stage_and_administrator(seeded_url: str) -> None:
    code, out, _ = run(seeded_url, "markets", "list", "--json")
    assert code == 0
    markets = {m["id"]: m for m in json.loads(out)}
    assert markets[1]["stage"] == "mature"
    assert markets[2]["stage"] == "fast_growing"
    assert all(m["administrator"]["uscc"] for m in markets.values())


def test_seed_twice_changes_nothing(seeded_url: str) -> None:
    engine = create_db_engine(seeded_url)
    tables = ["parties", "relationships", "loans", "instalments", "repayments", "audit_log"]
    with engine.connect() as c:
        before = {t: c.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in tables}
    code, out, _ = run(seeded_url, "seed")
    with engine.connect() as c:
        after = {t: c.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in tables}
    engine.dispose()
    assert code == 0 and "nothing changed" in out
    assert after == before


def test_malformed_database_url_is_one_clear_line() -> None:
    code, _, err = run("postgres//nohost", "parties", "list")
    assert code == 1
    assert "SCF_DATABASE_URL" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_unreachable_database_is_one_clear_line() -> None:
    code, _, err = run("postgresql+psycopg://nobody@127.0.0.1:1/none", "parties", "list")
    assert code == 1
    assert "无法连接数据库" in err and "Traceback" not in err


def test_seed_against_a_newer_schema_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    engine = create_db_engine(url)
    upgrade(engine)
    with engine.begin() as c:
        c.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    code, _, err = run(url, "seed")
    assert code == 1
    assert "比本程序新" in err and "Traceback" not in err


def test_an_empty_database_asks_for_upgrade(tmp_path: Path) -> None:
    code, _, err = run(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "parties", "list")
    assert code == 1 and "scf db upgrade" in err


def test_users_create_reads_the_password_from_stdin(seeded_url: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'users.sqlite3'}"
    engine = create_db_engine(url)
    upgrade(engine)
    code, out, err = run(
        url,
        "users",
        "create",
        "--username",
        "risk2",
        "--role",
        "risk_officer",
        stdin="a-long-enough-password\n",
    )
    assert code == 0, err
    with engine.connect() as c:
        stored = c.scalar(sa.text("SELECT password_hash FROM users WHERE username='risk2'"))
    engine.dispose()
    assert stored.startswith("$argon2id$")
    assert "a-long-enough-password" not in stored


def test_market_administrator_without_market_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'users2.sqlite3'}"
    upgrade(create_db_engine(url))
    code, _, err = run(
        url,
        "users",
        "create",
        "--username",
        "m",
        "--role",
        "market_administrator",
        stdin="a-long-enough-password\n",
    )
    assert code == 1 and "--market" in err
