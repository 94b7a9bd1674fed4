"""Fixtures for API tests on the demo network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_test_app


@pytest.fixture()
def seeded_client(seeded_url: str, tmp_path: Path) -> Iterator[FlaskClient]:
    """A client on the seeded database (shared by the session: tests must only read)."""
    app: Flask = make_test_app(seeded_url, tmp_path)
    yield app.test_client()
    app.extensions["scf_db"].engine.dispose()
