"""The operators' commands: what the administration pages do, from the command line.

Each test works on its own fresh SQLite database (the commands commit)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from scf.platform.cli import main
from scf.platform.db import create_db_engine
from scf.platform.migrate import upgrade

PASSWORD = "a-long-enough-password\n"


def run(url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"SCF_DATABASE_URL": url}, input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def url(tmp_path: Path) -> str:
    """A database with a market M001, a branch, an administrator and a relationship manager."""
    url = f"sqlite:///{tmp_path / 'admin.sqlite3'}"
    engine = create_db_engine(url)
    upgrade(engine)
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO markets (code, name, kind, stage, created_at, updated_at) VALUES "
                "('M001', '钢材市场', 'professional_market', 'mature', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO parties (kind, uscc, name, created_at, updated_at) VALUES "
                "('enterprise', '91130281NDYJKPEW24', '唐山康川矿业有限公司', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    assert run(url, "branches", "create", "唐山分行")[0] == 0
    assert (
        run(url, "users", "create", "--username", "boss", "--role", "admin", stdin=PASSWORD)[0] == 0
    )
    code, _, err = run(
        url,
        "users",
        "create",
        "--username",
        "rm1",
        "--role",
        "relationship_manager",
        "--branch",
        "唐山分行",
        stdin=PASSWORD,
    )
    assert code == 0, err
    return url


def users_json(url: str) -> dict[str, dict[str, object]]:
    code, out, err = run(url, "users", "list", "--json")
    assert code == 0, err
    return {row["username"]: row for row in json.loads(out)}


def test_users_list(url: str) -> None:
    listed = users_json(url)
    assert listed["rm1"] == {
        "username": "rm1",
        "display_name": "rm1",
        "role": "relationship_manager",
        "market": None,
        "branch": "唐山分行",
        "active": True,
    }
    code, out, _ = run(url, "users", "list")
    assert code == 0 and "共 2 个用户" in out and "password" not in out


def test_set_role_to_market_administrator_with_market(url: str) -> None:
    code, _, err = run(url, "users", "set-role", "rm1", "--role", "market_administrator")
    assert code == 1 and "market" in err and "Traceback" not in err
    code, _, err = run(
        url, "users", "set-role", "rm1", "--role", "market_administrator", "--market", "M001"
    )
    assert code == 0, err
    assert users_json(url)["rm1"]["market"] == "M001"


def test_deactivate_activate_and_reset_password_from_stdin(url: str) -> None:
    assert run(url, "users", "deactivate", "rm1")[0] == 0
    assert users_json(url)["rm1"]["active"] is False
    assert run(url, "users", "activate", "rm1")[0] == 0
    engine = create_db_engine(url)
    with engine.connect() as c:
        old = c.scalar(sa.text("SELECT password_hash FROM users WHERE username = 'rm1'"))
    code, _, err = run(url, "users", "reset-password", "rm1", stdin="another-long-password\n")
    assert code == 0, err
    with engine.connect() as c:
        new = c.scalar(sa.text("SELECT password_hash FROM users WHERE username = 'rm1'"))
        actions = c.scalars(sa.text("SELECT action FROM audit_log ORDER BY id")).all()
    engine.dispose()
    assert new != old and new.startswith("$argon2id$")
    assert actions[-3:] == ["user.deactivate", "user.activate", "user.reset_password"]


def test_short_password_on_stdin_is_refused(url: str) -> None:
    code, _, err = run(url, "users", "reset-password", "rm1", stdin="short\n")
    assert code == 1 and "password" in err


def test_the_last_administrator_cannot_be_deactivated(url: str) -> None:
    code, _, err = run(url, "users", "deactivate", "boss")
    assert code == 1 and "last active administrator" in err


def test_branches_and_party_assignment(url: str) -> None:
    assert run(url, "branches", "create", "保定分行")[0] == 0
    assert run(url, "branches", "rename", "保定分行", "保定中心支行")[0] == 0
    code, out, _ = run(url, "branches", "list", "--json")
    assert {b["name"] for b in json.loads(out)} == {"唐山分行", "保定中心支行"}
    code, _, err = run(url, "parties", "assign", "--uscc", "91130281NDYJKPEW24", "--rm", "rm1")
    assert code == 0, err
    code, _, err = run(
        url, "parties", "assign", "--uscc", "91130281NDYJKPEW24", "--branch", "唐山分行"
    )
    assert code == 0, err
    engine = create_db_engine(url)
    with engine.connect() as c:
        after = c.scalar(
            sa.text("SELECT after FROM audit_log WHERE action = 'party.assign' ORDER BY id DESC")
        )
    engine.dispose()
    # The second command kept the manager given by the first (an option left out is kept).
    assert json.loads(after) == {
        "uscc": "91130281NDYJKPEW24",
        "relationship_manager": "rm1",
        "branch": "唐山分行",
    }
    code, _, err = run(url, "parties", "assign", "--uscc", "91130281NDYJKPEW24", "--rm", "boss")
    assert code == 1 and "relationship_manager" in err
