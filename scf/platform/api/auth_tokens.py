"""API tokens: exchange a username and password for an expiring bearer token; revoke it.

Issuing shares the login page's rules: the account's back-off, one answer for every
refusal, and per-address throttling (429 problem+json, ``auth.throttling``)."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView
from marshmallow import Schema, fields

from scf.platform.api import make_blueprint
from scf.platform.http_errors import problem
from scf.platform.services.admin.login import authenticate
from scf.platform.services.admin.users import revoke, token_for
from scf.platform.web_session import db_session

blp = make_blueprint("auth_tokens", "/auth/tokens", "API tokens for integrations")


class Credentials(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class TokenSchema(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_at = fields.DateTime()


@blp.route("")
class Tokens(MethodView):
    @blp.arguments(Credentials)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, description="wrong username or password, or too many attempts")
    @blp.alt_response(429, description="too many login attempts from this address")
    def post(self, credentials: dict[str, str]) -> Any:
        """Issue a bearer token (valid for the configured hours)."""
        settings = current_app.extensions["scf_settings"]
        session = db_session()
        result = authenticate(
            session,
            credentials["username"],
            credentials["password"],
            max_failures=settings.login_max_failures,
            lockout_minutes=settings.login_lockout_minutes,
            first_backoff_seconds=settings.login_backoff_seconds,
        )
        if result.user is None:
            return problem(401, "未授权 (unauthorized)", result.message)
        token, expires_at = token_for(session, result.user, settings.token_ttl_hours)
        return {"token": token, "token_type": "Bearer", "expires_at": expires_at}

    @blp.response(204)
    @blp.alt_response(404, description="unknown or already revoked token")
    def delete(self) -> Any:
        """Revoke the bearer token sent in the Authorization header (it stops working at once)."""
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and revoke(db_session(), header[7:].strip()):
            return None
        return problem(404, "未找到 (not found)", "令牌不存在或已撤销 (unknown or revoked token)")
