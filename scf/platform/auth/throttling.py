"""Per-address throttling of logins (Flask-Limiter): the login page and
``POST /api/v1/auth/tokens`` share one budget of failed logins per client address, by
default 10 a minute and 100 an hour (``SCF_LOGIN_RATE_LIMIT``); once it is spent, every
login from that address is refused (429) until the window ends.

The account's own back-off (``services.admin.login``) slows guessing one password; this
slows one source guessing many accounts (password spraying), which no per-account
count sees. Only refusals (401) count: a branch whose staff log in from one NAT address
is not throttled by its own successful logins. The check comes before the login and the
count after it, so an address can overshoot the budget by the attempts it has in flight
at once — a bound the per-account back-off, atomic in the database, does not share.
The counters are shared by every worker: in the database by default
(``auth.rate_limit_storage``), in Redis when ``SCF_RATELIMIT_STORAGE_URI`` names it.

The client's address is the connecting one, unless ``SCF_TRUSTED_PROXIES`` says how
many reverse proxies stand in front and append to X-Forwarded-For: then it is the
address the outermost of them saw. Entries a client wrote itself are never trusted.

Each application gets a limiter of its own (tests build many), wrapped around the two
login views once their blueprints are registered.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter, RequestLimit
from limits import parse_many

from scf.platform.auth.rate_limit_storage import SCHEME
from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.errors import ConfigurationError

LOGIN_ENDPOINTS = ("auth.login", "auth_tokens.Tokens")


def client_address() -> str:
    """The address a request is counted against (see the module's docstring)."""
    hops = current_app.extensions["scf_settings"].trusted_proxies
    if hops:
        header = request.headers.get("X-Forwarded-For", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"


def _too_many(limit: RequestLimit) -> Any:
    """The refusal: problem+json for the API, the login page again for a browser."""
    if request.path.startswith("/api/"):
        from scf.platform.http_errors import problem

        return problem(
            429,
            "请求过于频繁 (too many requests)",
            "登录尝试过于频繁，请稍后再试 (too many login attempts from your address; "
            "wait a minute and try again)",
        )
    error = _("登录尝试过于频繁，请稍后再试。")
    return current_app.make_response((render_template("login.html", error=error), 429))


def init_app(app: Flask, settings: Settings, database: Database) -> Limiter:
    """Throttle the login views of ``app`` (call after their blueprints are registered)."""
    try:
        parse_many(settings.login_rate_limit)
    except ValueError:
        raise ConfigurationError(
            f"SCF_LOGIN_RATE_LIMIT 格式错误 (malformed): “{settings.login_rate_limit}”, "
            "e.g. “10 per minute;100 per hour”"
        ) from None
    uri = settings.ratelimit_storage_uri or f"{SCHEME}://"
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=uri,
        storage_options={"engine": database.engine} if uri.startswith(SCHEME) else {},
        strategy="fixed-window",
        headers_enabled=True,
        key_prefix="scf",
    )
    login_limit = limiter.shared_limit(
        lambda: settings.login_rate_limit,
        scope="login",
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 401,
        on_breach=_too_many,
    )
    for endpoint in LOGIN_ENDPOINTS:
        app.view_functions[endpoint] = login_limit(app.view_functions[endpoint])
    return limiter
