"""Who is calling: a bearer token (integrations) or the login session (pages).

Loaded once per request into ``g.actor``. A request authenticated by the session
cookie that changes something must also carry the CSRF token (form field or
``X-CSRFToken`` header); bearer-token requests cannot be forged by a browser.

The session cookie is signed, not encrypted, so it holds only the user id and a
fingerprint: an HMAC, under the secret key, of the password hash and the user's session
version. Every request recomputes it from the user's row, so the server decides whether
a session still lives: logging out, resetting the password or deactivating the user
moves the session version on and every cookie issued before stops working — one
captured by someone else included (issue #12, finding 10).
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
    message = f"{user.session_version}:{user.password_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


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
