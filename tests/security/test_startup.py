"""A server refuses to start when its database is unreachable or its schema is not the
code's (issue #12 finding 12): before, gunicorn came up and answered every request 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from scf.platform import create_app
from scf.platform.config import Settings
from scf.platform.errors import DatabaseUnavailable, SchemaMismatch


def settings_for(url: str, tmp_path: Path) -> Settings:
    return Settings.from_env(
        overrides={"database_url": url, "secret_key": "s" * 40, "instance_path": tmp_path}
    )


def test_a_server_on_an_unreachable_database_does_not_start(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(DatabaseUnavailable, match="cannot connect"):
        create_app(settings_for(url, tmp_path))


def test_a_server_on_an_unmigrated_database_does_not_start(tmp_path: Path) -> None:
    with pytest.raises(SchemaMismatch, match="scf db upgrade"):
        create_app(settings_for(f"sqlite:///{tmp_path}/empty.sqlite3", tmp_path))


def test_a_server_on_a_current_database_starts(migrated_url: str, tmp_path: Path) -> None:
    app = create_app(settings_for(migrated_url, tmp_path))
    assert app.extensions["scf_db"] is not None
    app.extensions["scf_db"].engine.dispose()


def test_commands_that_serve_nothing_and_the_demo_check_later(tmp_path: Path) -> None:
    """``scf db upgrade`` must open an empty database; ``scf demo`` migrates it itself."""
    url = f"sqlite:///{tmp_path}/empty.sqlite3"
    create_app(settings_for(url, tmp_path), serving=False)
    create_app(settings_for(url, tmp_path), demo=True)
