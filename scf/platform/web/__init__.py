"""Server-rendered pages (Jinja2). One blueprint per area; this module wires them.

Every page but the login page needs a logged-in user; what the user may see is
asked of ``scf.platform.auth.access`` by the services each page calls.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from scf.platform.web.labels import label
from scf.platform.web.nav import has_endpoint, nav_for
from scf.platform.web.pages import url_with

PUBLIC_ENDPOINTS = {"auth.login", "i18n.set_language", "static", None}


def compact_json(value: object) -> str:
    """Audit before/after as readable JSON (Chinese as it is, not \\u escapes)."""
    from scf.platform.db import json_dumps

    return json_dumps(value)


def render_error(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, message=message), status


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

    _register_error_pages(app)


def _register_error_pages(app: Flask) -> None:
    from scf.platform.api.problems import problem

    pages = {
        400: (lambda: _("请求无效"), lambda: _("请求的格式或参数有误。")),
        403: (lambda: _("无权访问"), lambda: _("您的角色不能执行此操作。")),
        404: (lambda: _("未找到"), lambda: _("没有这个页面，或您无权查看。")),
        405: (lambda: _("不支持的操作"), lambda: _("此页面不接受这种请求。")),
        413: (lambda: _("文件过大"), lambda: _("上传的内容超过了允许的大小。")),
        500: (lambda: _("服务器错误"), lambda: _("请求未完成，未写入任何数据。")),
    }

    def handle(error: Any) -> Any:
        status = error.code if isinstance(error, HTTPException) and error.code else 500
        title, message = pages.get(status, pages[500])
        if request.path.startswith("/api/"):
            return problem(status, error_name(status), API_DETAILS.get(status, ""))
        return render_error(status, title(), message())

    for status in pages:
        app.register_error_handler(status, handle)


API_DETAILS = {
    404: "没有这个地址 (no such resource)",
    405: "此地址不接受这种请求 (method not allowed here)",
    413: "请求内容超过允许的大小 (request too large)",
    500: "请求未完成，未写入任何数据 (nothing was written)",
}


def error_name(status: int) -> str:
    """The problem title of an API error: Chinese with the English key, like the rest."""
    return {
        400: "请求无效 (bad request)",
        403: "无权访问 (forbidden)",
        404: "未找到 (not found)",
        405: "不支持的方法 (method not allowed)",
        413: "内容过大 (payload too large)",
        500: "服务器错误 (server error)",
    }.get(status, "错误 (error)")
