"""New passwords: long enough, mixed, varied, not common, not the username (issue #12,
finding 9: ``aaaaaaaaaa`` was accepted, length being the only rule). Checked when a
password is set — creation and reset, from the pages and the command line alike."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.auth.passwords import password_problems
from scf.platform.errors import ValidationFailed
from scf.platform.services.admin.users import create_user, reset_password

SYSTEM = Actor.system("test")


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Ab3$xyz9", "至少10位"),  # 8 characters
        ("Ab3$xyz9q", "至少10位"),  # 9: one short of the minimum
        ("aaaaaaaaaa", "至少两类字符"),  # one class, one character
        ("aaaaaaaaaa", "不同字符"),
        ("abcdefghij", "至少两类字符"),  # lower-case only
        ("1357924680", "至少两类字符"),  # digits only
        ("ababab1212", "不同字符"),  # two classes but four characters
        ("1qaz2wsx3edc", "过于常见"),  # a keyboard walk on the common list
        ("Password12", "过于常见"),  # common, whatever the case
        ("q1w2e3r4t5", "过于常见"),
        ("victim-2026-spring", "用户名"),
    ],
)
def test_weak_passwords_are_refused_saying_why(password: str, why: str) -> None:
    problems = password_problems(password, username="Victim")
    assert any(why in problem for problem in problems), problems


@pytest.mark.parametrize(
    "password",
    [
        "Kf9#mQ2vLp",  # exactly 10, four classes
        "a-long-enough-password",  # lower-case and symbols
        "correct horse battery staple",  # a passphrase: letters and spaces
        "供应链金融平台2026年",  # Chinese characters count as "other"
    ],
)
def test_strong_passwords_are_accepted(password: str) -> None:
    assert password_problems(password, username="victim") == []


def test_a_short_username_is_not_looked_for_in_the_password() -> None:
    """``rm1`` would be in too many good passwords to mean anything."""
    assert password_problems("my-rm1-password", username="rm1") == []


def test_creating_a_user_with_a_weak_password_is_refused_naming_the_field(
    db_session: Session,
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create_user(db_session, SYSTEM, username="weak", password="aaaaaaaaaa", role="risk_officer")
    assert "至少两类字符" in " ".join(refused.value.errors["password"])


def test_resetting_to_a_common_password_is_refused(db_session: Session) -> None:
    create_user(db_session, SYSTEM, username="reset_me", password="Kf9#mQ2vLp", role="risk_officer")
    with pytest.raises(ValidationFailed) as refused:
        reset_password(db_session, SYSTEM, "reset_me", "qwertyuiop1")
    assert "过于常见" in " ".join(refused.value.errors["password"])
