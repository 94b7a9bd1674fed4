"""Passwords: hashing with Argon2id (argon2-cffi, the OWASP-recommended default) and the
rules a new password must meet.

The rules follow NIST SP 800-63B §5.1.1.2 where it matters most — length, and no
password from a list of those attackers try first — plus the character-class and
variety checks the bank's security probe asked for (``aaaaaaaaaa`` was accepted).
They are checked when a password is set (creation, reset), never at login: an old
password that would fail them still logs in until it is changed.
"""

from __future__ import annotations

import functools
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

MIN_LENGTH = 10
MIN_CLASSES = 2  # of: lower-case, upper-case, digits, anything else (symbols, spaces, 汉字)
MIN_DISTINCT = 5
MIN_USERNAME_LOOKED_FOR = 4  # a shorter username (rm1) is in too many good passwords


def hash_password(password: str) -> str:
    """The Argon2id hash to store (the rules are ``password_problems``' business)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list (``common_passwords.txt``: its source is in its header), lower-case."""
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def character_classes(password: str) -> int:
    """How many of lower-case, upper-case, digits and other characters the password uses."""
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.islower() or c.isupper() or c.isdigit()) for c in password),
        )
    )


def password_problems(password: str, *, username: str = "") -> list[str]:
    """What is wrong with ``password`` as a new password (empty when it may be used)."""
    if len(password) < MIN_LENGTH:
        return [f"密码至少{MIN_LENGTH}位 (password must be at least {MIN_LENGTH} characters)"]
    problems = []
    if character_classes(password) < MIN_CLASSES:
        problems.append(
            "密码须包含至少两类字符：小写、大写、数字、符号 (password must mix at least two of: "
            "lower-case, upper-case, digits, symbols)"
        )
    if len(set(password)) < MIN_DISTINCT:
        problems.append(
            f"密码至少包含{MIN_DISTINCT}个不同字符 (password must use at least {MIN_DISTINCT} "
            "different characters)"
        )
    if password.lower() in common_passwords():
        problems.append("密码过于常见 (password is on the list of common passwords)")
    name = username.strip().lower()
    if len(name) >= MIN_USERNAME_LOOKED_FOR and name in password.lower():
        problems.append("密码不得包含用户名 (password must not contain the username)")
    return problems
