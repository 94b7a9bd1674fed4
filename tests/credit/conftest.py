from datetime import date

import pytest

from scf.credit.policy import Policy, load_policy

AS_OF = date(2024, 6, 30)


@pytest.fixture
def policy() -> Policy:
    return load_policy(AS_OF)
