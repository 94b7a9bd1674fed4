"""REST API under ``/api/v1``: flask-smorest blueprints, OpenAPI 3 at ``/api/v1/openapi.json``,
interactive docs at ``/api/v1/docs``.

Every endpoint but token issuance requires an authenticated actor; authorization
itself is asked of ``scf.platform.auth.access`` by each service, object by object.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request
from flask_smorest import Api, Blueprint
from flask_wtf.csrf import CSRFProtect, validate_csrf
from marshmallow import ValidationError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from scf.platform.api.schemas.common import ExactDecimal
from scf.platform.auth.access import Actor
from scf.platform.http_errors import for_api, http_exception_as_problem, problem
from scf.platform.json import DecimalFlaskParser

PUBLIC_ENDPOINTS = {"auth_tokens.Tokens"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ScfApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, answering errors as problem+json on API paths only."""

    def handle_http_exception(self, error: HTTPException) -> Any:
        if not for_api():
            return error
        return http_exception_as_problem(error)


MAX_PAGE = 1_000_000


class PaginationParser(FlaskParser):
    """Pagination arguments with a bounded page number: a page past ``MAX_PAGE`` would ask
    the database for an offset it cannot hold (a 500); it is a 422 naming ``page``."""

    def pre_load(self, location_data: Any, *, schema: Any, req: Any, location: str) -> Any:
        page = location_data.get("page")
        if isinstance(page, str) and page.strip().isdigit() and int(page) > MAX_PAGE:
            raise ValidationError({"page": [f"页码不能超过 {MAX_PAGE} (at most {MAX_PAGE})"]})
        return location_data


class ScfBlueprint(Blueprint):  # type: ignore[misc]
    """Reads request bodies with exact decimals and bounds (see ``scf.platform.json``);
    bounds the page number of paginated lists."""

    ARGUMENTS_PARSER = DecimalFlaskParser()
    PAGINATION_ARGUMENTS_PARSER = PaginationParser()


def make_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    """An API blueprint whose every request must come from a logged-in actor."""
    blueprint = ScfBlueprint(
        name, __name__, url_prefix=f"/api/v1{url_prefix}", description=description
    )
    blueprint.before_request(_require_actor)
    return blueprint


def _require_actor() -> Any:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if g.get("actor") is None:
        return problem(
            401, "未登录 (unauthorized)", "需要登录或 Bearer 令牌 (log in or send a bearer token)"
        )
    if g.get("auth_method") == "session" and request.method in UNSAFE_METHODS:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except Exception:  # flask-wtf raises ValidationError with the reason
            return problem(
                400, "CSRF", "缺少或无效的CSRF令牌 (missing or invalid X-CSRFToken header)"
            )
    return None


def actor() -> Actor:
    current: Actor = g.actor
    return current


def init_app(app: Flask, csrf: CSRFProtect) -> None:
    api = ScfApi(app)
    # Exact decimals travel as strings ("1234.50"): say so in the document, so that a
    # client (and a range on them) reads them as decimal strings, not binary numbers.
    api.register_field(ExactDecimal, "string", "decimal")
    from scf.platform.api import (
        alerts,
        auth_tokens,
        lending,
        markets,
        network,
        onboarding,
        parties,
        prices,
        pricing,
        relationships,
        warehouse_receipts,  # noqa: F401 - its views register on lending's blueprint
    )

    modules = (
        auth_tokens,
        markets,
        parties,
        pricing,
        relationships,
        network,
        lending,
        onboarding,
        alerts,
        prices,
    )
    for module in modules:
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
    app.extensions["scf_api"] = api
