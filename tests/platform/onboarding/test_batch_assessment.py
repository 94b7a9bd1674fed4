"""The batch assessment gives, party by party, exactly what the single assessment gives."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scf.platform.db import Database
from scf.platform.demo.seed_loader import SEED_AS_OF
from scf.platform.errors import ValidationFailed
from scf.platform.models import Party
from scf.platform.models.enums import PartyKind
from scf.platform.services.parties.assessment import assess_loaded_parties, assess_loaded_party


@pytest.fixture()
def seeded(seeded_url: str) -> Iterator[Session]:
    database = Database(seeded_url)
    with database.session() as session:
        yield session
    database.engine.dispose()


def test_every_seeded_firm_gets_the_same_answer_in_a_batch(seeded: Session) -> None:
    """All 552 firms of the demo network (suppliers, dealers, merchants, planted cases)."""
    firms = seeded.scalars(
        sa.select(Party)
        .where(Party.kind.in_([PartyKind.ENTERPRISE, PartyKind.INDIVIDUAL_BUSINESS]))
        .order_by(Party.id)
    ).all()
    requested = Decimal("1000000")
    batch = assess_loaded_parties(seeded, [(p, requested) for p in firms], SEED_AS_OF)
    assert len(batch) == len(firms) > 500
    for party, result in zip(firms, batch, strict=True):
        assert not isinstance(result, ValidationFailed)
        single = assess_loaded_party(seeded, party, SEED_AS_OF, requested_amount=requested)
        assert result.snapshot_as_of == single.snapshot_as_of
        assert result.assessment == single.assessment, party.uscc


def test_a_party_that_is_not_a_firm_gets_its_error_in_its_place(seeded: Session) -> None:
    person = seeded.scalar(sa.select(Party).where(Party.kind == PartyKind.PERSON).limit(1))
    firm = seeded.scalar(sa.select(Party).where(Party.kind == PartyKind.ENTERPRISE).limit(1))
    assert person is not None and firm is not None
    results = assess_loaded_parties(seeded, [(person, None), (firm, None)], SEED_AS_OF)
    assert isinstance(results[0], ValidationFailed)
    assert "只评估企业和个体工商户" in str(results[0])
    assert not isinstance(results[1], ValidationFailed)
