"""Fixtures for onboarding: the small network inside each test's rolled-back transaction."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.platform.onboarding.support import Network, build_network


@pytest.fixture()
def network(db_session: Session) -> Network:
    return build_network(db_session)
