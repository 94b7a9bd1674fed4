"""Helpers for the login tests: a fresh database of one's own (concurrent logins need real
commits, not the rolled-back test transaction), an app on it, and a count of the password
hashes verified."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from scf.platform import create_app
from scf.platform.auth import passwords
from scf.platform.auth.access import Actor
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.migrate import upgrade
from scf.platform.services.admin.users import create_user
from tests.conftest import TEST_SECRET, database_url

VICTIM = "victim"
VICTIM_PASSWORD = "Correct-Horse-9"
WRONG = "Wrong-Guess-123"


@pytest.fixture()
def fresh(backend: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated database of this test's own, holding the user ``victim`` (committed)."""
    database = Database(database_url(backend, "login", tmp_path))
    upgrade(database.engine)
    with database.session() as session:
        create_user(
            session,
            Actor.system("test"),
            username=VICTIM,
            password=VICTIM_PASSWORD,
            role="risk_officer",
        )
    yield database
    database.engine.dispose()


def app_on(database: Database, tmp_path: Path, **overrides: object) -> Flask:
    """The application serving ``database``, with ``overrides`` of the settings."""
    settings = Settings.from_env(
        overrides={
            "database_url": database.engine.url.render_as_string(hide_password=False),
            "secret_key": TEST_SECRET,
            "instance_path": tmp_path / "instance",
            **overrides,
        }
    )
    app = create_app(settings, database=database)
    app.config.update(TESTING=True)
    return app


class CountingHasher:
    """Stands in for the Argon2 hasher and counts the hashes it verifies, by hash."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.verified: Counter[str] = Counter()

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified[password_hash] += 1
        return bool(self.real.verify(password_hash, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    @property
    def total(self) -> int:
        return sum(self.verified.values())


@pytest.fixture()
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counting)
    return counting
