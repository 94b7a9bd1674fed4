"""Languages and formats: Chinese by default, English on request, amounts and dates.

The catalog test extracts every string of the pages with Babel, as ``make i18n``
does, and checks the English catalog translates each one and that the committed
``.mo`` says the same as the ``.po`` (a clean clone shows English without a build step).
"""

from __future__ import annotations

import datetime as dt
import gettext
from decimal import Decimal
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

import scf.platform
from scf.credit.industries import INDUSTRIES
from scf.platform.i18n import format_date, format_datetime, format_ratio
from scf.platform.web.labels import LABELS
from tests.web.conftest import csrf_token, log_in, party_uscc

PLATFORM = Path(scf.platform.__file__).parent
CATALOG = PLATFORM / "translations" / "en" / "LC_MESSAGES"


def english_catalog() -> dict[str, str]:
    with (CATALOG / "messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy}


def test_every_string_of_the_pages_has_an_english_translation() -> None:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    extracted = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(PLATFORM),
            method_map,
            keywords={"_": None, "gettext": None, "_l": None, "lazy_gettext": None},
        )
        if isinstance(message, str)
    }
    catalog = english_catalog()
    untranslated = sorted(m for m in extracted if not catalog.get(m))
    assert len(extracted) > 250
    assert not untranslated, f"run `make i18n` and translate: {untranslated[:10]}"


def test_committed_mo_matches_the_po() -> None:
    with (CATALOG / "messages.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for source, english in english_catalog().items():
        assert compiled.gettext(source) == english, source


def test_industry_labels_are_the_credit_engines_names() -> None:
    """The labels repeat scf.credit.industries literally so that Babel can extract them."""
    assert {code: str(text) for code, text in LABELS["industry"].items()} == INDUSTRIES


def test_chinese_by_default(web: FlaskClient) -> None:
    page = web.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "登录" in page and "Log in" not in page


def test_switching_to_english_is_kept_in_a_cookie_across_login(web: FlaskClient) -> None:
    response = web.post(
        "/language", data={"language": "en", "next": "/login", "csrf_token": csrf_token(web)}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "scf_lang=en" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "Log in" in web.get("/login").get_data(as_text=True)
    log_in(web, "rm_ts")
    page = web.get(f"/parties/{party_uscc('P0118')}?as_of=2026-11-20").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Assessment" in page and "Admission rules" in page and "Ineligible" in page


def test_language_switch_needs_the_csrf_token_and_ignores_unknown_languages(
    web: FlaskClient,
) -> None:
    assert web.post("/language", data={"language": "en"}).status_code == 400
    response = web.post(
        "/language", data={"language": "fr", "next": "/login", "csrf_token": csrf_token(web)}
    )
    assert "scf_lang" not in response.headers.get("Set-Cookie", "")
    assert "登录" in web.get("/login").get_data(as_text=True)


def test_language_switch_does_not_redirect_off_site(web: FlaskClient) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = web.post(
            "/language", data={"language": "en", "next": target, "csrf_token": csrf_token(web)}
        )
        assert response.headers["Location"] == "/", target


def test_amounts_in_yuan_and_wan_with_thousands_separators(web: FlaskClient) -> None:
    """P0118 (seed, 2026-09-30 snapshot): revenue 9,268,467.00 元 = 926.85 万元 (926.8467
    rounded half-up); reference limit min(9,268,467.00 × 0.35, 2,693,864.16 × 0.70) −
    850,000.00 = min(3,243,963.45, 1,885,704.91) − 850,000.00 = 1,035,704.91 元 = 103.57 万元."""
    log_in(web, "rm_ts")
    page = web.get(f"/parties/{party_uscc('P0118')}?as_of=2026-11-20").get_data(as_text=True)
    assert "9,268,467.00" in page and "926.85" in page
    assert "1,035,704.91" in page and "103.57" in page
    assert "万元" in page and "2026-09-30" in page


def test_dates_and_ratios() -> None:
    assert format_date(dt.date(2026, 1, 5)) == "2026-01-05"
    # 2026-11-20 17:30 UTC is 2026-11-21 01:30 in Beijing.
    moment = dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC)
    assert format_date(moment) == "2026-11-21"
    assert format_datetime(moment) == "2026-11-21 01:30"
    assert format_ratio(Decimal("0.7345")) == "73.5%"
    assert format_ratio(Decimal("0.084751"), 2) == "8.48%"
    assert format_date(None) == "" and format_ratio(None) == ""
