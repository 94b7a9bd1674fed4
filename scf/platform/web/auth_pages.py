"""Log in and out. Sessions are signed cookies checked against the user's session
version on every request; forms carry CSRF tokens (Flask-WTF).

Failed logins make the account back off (``services.admin.login``) and each address is
throttled (``auth.throttling``); the answer is the same whether the username, the
password or the timing was wrong. Logging out ends the session on the server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from scf.platform.auth.identity import start_session
from scf.platform.services.admin.login import authenticate, log_out
from scf.platform.web_session import db_session

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only follow same-site relative redirects (never ``//evil`` or ``https://evil``)."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    if "\\" in target:
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET" and g.get("actor") is not None:
        return redirect(safe_next(request.args.get("next")))
    error = None
    if request.method == "POST":
        settings = current_app.extensions["scf_settings"]
        result = authenticate(
            db_session(),
            request.form.get("username", "").strip(),
            request.form.get("password", ""),
            max_failures=settings.login_max_failures,
            lockout_minutes=settings.login_lockout_minutes,
            first_backoff_seconds=settings.login_backoff_seconds,
        )
        if result.user is not None:
            start_session(result.user)
            return redirect(safe_next(request.args.get("next")))
        error = _("用户名或密码错误，或尝试过于频繁，请稍后再试。")
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    if g.get("actor") is not None and g.get("auth_method") == "session":
        log_out(db_session(), g.actor)
    session.clear()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))
