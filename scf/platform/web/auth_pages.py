"""Log in and out. Sessions are signed cookies; forms carry CSRF tokens (Flask-WTF)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from scf.platform.services.users import LoginRefused, authenticate
from scf.platform.web_session import db_session

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow same-site relative redirects after login."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    if request.method == "POST":
        settings = current_app.extensions["scf_settings"]
        db = db_session()
        try:
            user = authenticate(
                db,
                request.form.get("username", ""),
                request.form.get("password", ""),
                max_failures=settings.login_max_failures,
                lockout_minutes=settings.login_lockout_minutes,
            )
        except LoginRefused as refused:
            db.commit()
            error = str(refused)
        else:
            db.commit()
            session.clear()
            session["user_id"] = user.id
            session["pw"] = user.password_hash[-16:]
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    session.clear()
    return redirect(url_for("auth.login"))
