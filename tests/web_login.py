"""Signing a test client in as a user without going through the login form."""

from __future__ import annotations

from flask.testing import FlaskClient

from scf.platform.auth.identity import session_fingerprint
from scf.platform.models import User


def sign_in(client: FlaskClient, user: User) -> None:
    """Put ``user`` in the client's session as the login page would."""
    with client.application.test_request_context():
        fingerprint = session_fingerprint(user)
    with client.session_transaction() as session:
        session["user_id"] = user.id
        session["fp"] = fingerprint
