"""The web platform: Flask application factory.

``create_app`` wires settings, the database, authentication, the REST API and the
pages. The scheduler is *not* started here: it runs in its own process
(``scf jobs run``) so that gunicorn workers never run a job twice.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from scf.platform.config import Settings
from scf.platform.db import Database
from scf.platform.json import DecimalJSONProvider


def create_app(
    settings: Settings | None = None,
    *,
    demo: bool = False,
    serving: bool = True,
    database: Database | None = None,
    check_database: bool | None = None,
) -> Flask:
    """The application. A server (``serving``, e.g. ``gunicorn 'scf.platform:create_app()'``)
    refuses to start when its database cannot be reached or its schema is not this code's:
    a worker that would answer every request with a 500 must not come up. The demo
    migrates its own database first; tests hand in theirs (``check_database`` overrides)."""
    settings = settings or Settings.from_env(demo=demo, serving=serving)
    if check_database is None:
        check_database = serving and not demo and database is None
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.json = DecimalJSONProvider(app)
    app.config.update(_flask_config(settings))
    app.extensions["scf_settings"] = settings
    app.extensions["scf_db"] = database or Database(settings.database_url)
    if check_database:
        from scf.platform.migrate import ensure_current

        ensure_current(app.extensions["scf_db"].engine)

    from scf.platform.web_session import close_db_session

    app.teardown_appcontext(close_db_session)

    from scf.platform.auth.identity import load_actor

    app.before_request(load_actor)

    from scf.platform import request_guards

    request_guards.init_app(app)  # after the actor: a refusal page shows who is signed in

    from flask_wtf.csrf import CSRFProtect

    csrf = CSRFProtect(app)

    from scf.platform import api, http_errors, web

    api.init_app(app, csrf)
    web.init_app(app)
    http_errors.init_app(app)
    return app


def _flask_config(settings: Settings) -> dict[str, Any]:
    return {
        "SECRET_KEY": settings.secret_key,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.session_cookie_secure,
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "MAX_CONTENT_LENGTH": settings.onboarding_max_bytes + 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "API_TITLE": "scf — supply-chain & commerce-circle credit API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
        "API_SPEC_OPTIONS": {
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer"},
                    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                }
            },
            "security": [{"bearer": []}, {"session": []}],
        },
    }
