"""Who is calling: a bearer token (integrations) or the login session (pages).

Loaded once per request into ``g.actor``. A request authenticated by the session
cookie that changes something must also carry the CSRF token (form field or
``X-CSRFToken`` header); bearer-token requests cannot be forged by a browser.

The session cookie is signed, not encrypted, so it holds only the user id and a
fingerprint: an HMAC of the password hash under the secret key. Resetting the
password changes the fingerprint and so ends every session of that user;
deactivating the user ends them too, since each request re-reads the user.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, g, request, session

from scf.platform.auth.access import Actor
from scf.platform.auth.tokens import user_for_token
from scf.platform.models import User
from scf.platform.web_session import db_session


def session_fingerprint(user: User) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def start_session(user: User) -> None:
    """A fresh session for ``user`` (cleared first, against session fixation); the
    interface language lives in its own cookie and survives this."""
    session.clear()
    session["user_id"] = user.id
    session["fp"] = session_fingerprint(user)
    session.permanent = True


def load_actor() -> None:
    g.actor = None
    g.auth_method = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_for_token(db_session(), header.removeprefix("Bearer ").strip())
        if user is not None:
            g.actor, g.auth_method = Actor.of(user), "token"
        return
    user_id = session.get("user_id")
    if user_id is not None:
        user = db_session().get(User, user_id)
        if (
            user is not None
            and user.active
            and hmac.compare_digest(str(session.get("fp", "")), session_fingerprint(user))
        ):
            g.actor, g.auth_method = Actor.of(user), "session"
        else:
            session.clear()
