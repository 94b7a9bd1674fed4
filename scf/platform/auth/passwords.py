"""Password hashing with Argon2id (argon2-cffi), the OWASP-recommended default."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(
            f"密码至少{MIN_LENGTH}位 (password must be at least {MIN_LENGTH} characters)"
        )
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
