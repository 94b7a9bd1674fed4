"""Who is calling: a bearer token (integrations) or the login session (pages).

Loaded once per request into ``g.actor``. A request authenticated by the session
cookie that changes something must also carry the CSRF token (form field or
``X-CSRFToken`` header); bearer-token requests cannot be forged by a browser.
"""

from __future__ import annotations

from flask import g, request, session

from scf.platform.auth.access import Actor
from scf.platform.auth.tokens import user_for_token
from scf.platform.models import User
from scf.platform.web_session import db_session


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
        if user is not None and user.active and session.get("pw") == user.password_hash[-16:]:
            g.actor, g.auth_method = Actor.of(user), "session"
        else:
            session.clear()


def current_actor() -> Actor | None:
    return g.get("actor")
