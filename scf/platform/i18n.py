"""Languages of the interface (Flask-Babel): Chinese by default, English on request.

The source strings in templates and page code are Chinese (``_('登录')``): the bank's
staff read Chinese, so the interface needs no catalog to be right in Chinese, and the
English catalog (``translations/en/LC_MESSAGES/messages.po``, compiled to ``.mo`` and
committed) translates them. The chosen language is kept in a cookie so that it
survives logging in and out (the session is cleared at login against fixation).

Amounts and dates are formatted here once for every page: amounts in 元 / 万元 with
thousands separators (``scf.credit.money``), dates as YYYY-MM-DD in any language,
timestamps in the bank's time zone (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, current_app, make_response, redirect, request, url_for
from flask_babel import Babel, get_locale

from scf.credit.money import format_wan, format_yuan, quantize_to

LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
LANGUAGE_COOKIE = "scf_lang"
BANK_TIME_ZONE = ZoneInfo("Asia/Shanghai")

bp = Blueprint("i18n", __name__)


def select_language() -> str:
    """The cookie's language if it is one we have, else Chinese (never the browser's)."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


@bp.route("/language", methods=["POST"])
def set_language() -> Any:
    """Remember the language in a cookie (a form with a CSRF token, like every write)."""
    from scf.platform.web.auth_pages import safe_next

    language = request.form.get("language", DEFAULT_LANGUAGE)
    response = make_response(redirect(safe_next(request.form.get("next"))))
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


def format_date(value: dt.date | dt.datetime | None) -> str:
    """YYYY-MM-DD in every language (the date part of a timestamp, in the bank's zone)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return _bank_time(value).date().isoformat()
    return value.isoformat()


def format_datetime(value: dt.datetime | None) -> str:
    """YYYY-MM-DD HH:MM in the bank's time zone (stored timestamps are UTC)."""
    if value is None:
        return ""
    return _bank_time(value).strftime("%Y-%m-%d %H:%M")


def _bank_time(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(BANK_TIME_ZONE)


def format_ratio(value: Decimal | None, places: int = 1) -> str:
    """A ratio (0.7345) as a percentage, one place by default (73.5%)."""
    if value is None:
        return ""
    return f"{quantize_to(value * 100, places)}%"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    Babel(app, locale_selector=select_language)
    app.register_blueprint(bp)
    filters = app.jinja_env.filters
    filters["yuan"] = lambda v: "" if v is None else format_yuan(v)
    filters["wan"] = lambda v: "" if v is None else format_wan(v)
    filters["isodate"] = format_date
    filters["datetime"] = format_datetime
    filters["ratio"] = format_ratio

    @app.context_processor
    def _languages() -> dict[str, Any]:
        return {
            "languages": LANGUAGES,
            "current_language": current_language(),
            "html_lang": "zh-CN" if current_language() == "zh" else "en",
            "here": request.full_path.rstrip("?") if request else url_for("home.index"),
        }
