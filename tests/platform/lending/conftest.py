from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from scf.platform.demo.lending_world import World, build_world


@pytest.fixture()
def world(db_session: Session) -> World:
    return build_world(db_session)
