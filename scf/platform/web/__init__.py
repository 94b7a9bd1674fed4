"""Server-rendered pages (Jinja2). One blueprint per area; this module wires them.

Every page but the login page needs a logged-in user; what the user may see is
asked of ``scf.platform.auth.access`` by the services each page calls.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, redirect, request, url_for

from scf.platform.web.labels import label
from scf.platform.web.nav import has_endpoint, nav_for
from scf.platform.web.pages import url_with

PUBLIC_ENDPOINTS = {"auth.login", "i18n.set_language", "static", None}


def compact_json(value: object) -> str:
    """Audit before/after as readable JSON (Chinese as it is, not \\u escapes)."""
    from scf.platform.db import json_dumps

    return json_dumps(value)


def login_required_page() -> Any:
    """Pages need a logged-in user; the login page, the language switch and static files do not."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.path.startswith("/api/"):
        return None
    if g.get("actor") is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


# Scripts only from our own files (no inline script, nothing from elsewhere); inline
# style attributes are allowed for the vendored Swagger UI and Cytoscape.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    from flask import current_app

    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if g.get("actor") is not None and request.endpoint != "static":
        # Customer data must not linger in shared browser or proxy caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    from scf.platform import i18n
    from scf.platform.web import (
        admin,
        auth_pages,
        home,
        lending,
        network_pages,
        onboarding,
        parties,
        portal,
        risk,
    )

    i18n.init_app(app)
    app.register_blueprint(auth_pages.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(parties.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(risk.bp)
    app.register_blueprint(lending.bp)
    app.register_blueprint(network_pages.bp)
    app.register_blueprint(onboarding.bp)
    app.before_request(login_required_page)
    app.after_request(security_headers)
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["has_endpoint"] = has_endpoint
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.filters["compact_json"] = compact_json

    @app.context_processor
    def _inject() -> dict[str, Any]:
        actor = g.get("actor")
        return {"actor": actor, "nav_items": nav_for(actor, request.endpoint)}
