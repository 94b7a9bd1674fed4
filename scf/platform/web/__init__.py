"""Server-rendered pages (Jinja2). One blueprint per area; this module wires them."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, redirect, render_template, request, url_for

from scf.credit.money import format_wan, format_yuan


def render_error(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, message=message), status


def login_required_page() -> Any:
    """Pages need a logged-in user; the login page and static files do not."""
    if request.endpoint in {"auth.login", "static", None} or request.path.startswith("/api/"):
        return None
    if g.get("actor") is None:
        return redirect(url_for("auth.login", next=request.full_path))
    return None


def security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    )
    return response


def init_app(app: Flask) -> None:
    from scf.platform.web import auth_pages, home, onboarding

    app.register_blueprint(auth_pages.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(onboarding.bp)
    app.before_request(login_required_page)
    app.after_request(security_headers)
    app.jinja_env.filters["yuan"] = lambda v: "" if v is None else format_yuan(v)
    app.jinja_env.filters["wan"] = lambda v: "" if v is None else format_wan(v)

    @app.context_processor
    def _inject() -> dict[str, Any]:
        return {"actor": g.get("actor")}

    @app.errorhandler(404)
    def _not_found(error: Any) -> Any:
        if request.path.startswith("/api/"):
            from scf.platform.api.problems import problem

            return problem(404, "未找到 (not found)", "没有这个地址 (no such resource)")
        return render_error(404, "未找到 (not found)", "没有这个页面 (no such page)")

    @app.errorhandler(500)
    def _server_error(error: Any) -> Any:
        if request.path.startswith("/api/"):
            from scf.platform.api.problems import problem

            return problem(
                500, "服务器错误 (server error)", "请求未完成，未写入任何数据 (nothing was written)"
            )
        return render_error(
            500, "服务器错误 (server error)", "请求未完成，未写入任何数据 (nothing was written)"
        )
