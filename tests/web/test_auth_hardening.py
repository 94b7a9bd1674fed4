"""Sessions, CSRF, lockout, security headers and API tokens.

Lockout: ``Settings.login_max_failures`` = 5, so the fifth wrong password in a row starts
a back-off (1 minute, doubling with each further failure up to ``login_lockout_minutes``,
15) and even the right password is refused until it ends (``tests/security/test_login.py``
has the back-off, throttling and enumeration cases).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from scf.platform.auth.access import Actor
from scf.platform.demo.seed_loader import DEMO_PASSWORD
from scf.platform.services.admin.users import reset_password, set_active
from scf.platform.web.auth_pages import safe_next
from tests.web.conftest import csrf_token, log_in


def attempt(client: FlaskClient, username: str, password: str, address: str = "127.0.0.1") -> int:
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def test_login_form_without_csrf_token_is_refused(web: FlaskClient) -> None:
    response = web.post("/login", data={"username": "risk", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert web.get("/parties").status_code == 302  # not logged in


def test_every_form_on_every_page_carries_a_csrf_token(web: FlaskClient) -> None:
    log_in(web, "admin")
    for path in ("/", "/admin/users", "/admin/users/rm_ts", "/admin/branches", "/parties"):
        page = web.get(path).get_data(as_text=True)
        assert page.count('method="post"') == page.count('name="csrf_token"'), path


def test_fifth_wrong_password_locks_the_account(
    web: FlaskClient, seeded_connection: sa.Connection
) -> None:
    for _ in range(4):
        assert attempt(web, "rm_bd", "wrong-password-123") == 401
    assert attempt(web, "rm_bd", DEMO_PASSWORD) == 302  # four failures do not lock
    web.post("/logout", data={"csrf_token": csrf_token(web, "/parties")})
    for _ in range(5):
        assert attempt(web, "rm_bd", "wrong-password-123") == 401
    assert attempt(web, "rm_bd", DEMO_PASSWORD) == 401  # backing off: even the right one fails
    page = web.get("/login").get_data(as_text=True)
    assert "/logout" not in page
    actions = seeded_connection.scalars(
        sa.text("SELECT action FROM audit_log WHERE actor = 'rm_bd' ORDER BY id")
    ).all()
    assert actions.count("user.login_failed") == 8 and actions.count("user.locked") == 1
    assert actions.count("user.login") == 1


def test_wrong_username_and_wrong_password_get_the_same_answer(web: FlaskClient) -> None:
    first = web.post(
        "/login",
        data={"username": "nobody", "password": "x" * 12, "csrf_token": csrf_token(web)},
    ).get_data(as_text=True)
    second = web.post(
        "/login",
        data={"username": "risk", "password": "x" * 12, "csrf_token": csrf_token(web)},
    ).get_data(as_text=True)
    assert "用户名或密码错误" in first and "用户名或密码错误" in second


def test_session_cookie_is_httponly_samesite_and_holds_no_password_hash(
    web: FlaskClient, seeded_connection: sa.Connection
) -> None:
    response = web.post(
        "/login",
        data={"username": "risk", "password": DEMO_PASSWORD, "csrf_token": csrf_token(web)},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    stored = seeded_connection.scalar(
        sa.text("SELECT password_hash FROM users WHERE username='risk'")
    )
    import base64
    import zlib

    value = cookie.split("=", 1)[1].split(";")[0]
    payload = value.split(".")[1] if value.startswith(".") else value.split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if value.startswith(".") else raw).decode()
    assert stored[-16:] not in text and "argon2" not in text


def test_secure_cookies_when_configured(seeded_app: Flask) -> None:
    seeded_app.config["SESSION_COOKIE_SECURE"] = True
    client = seeded_app.test_client()
    response = client.post(
        "/login",
        data={"username": "risk", "password": DEMO_PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in client.get("/risk").headers


def test_security_headers_on_pages(web: FlaskClient) -> None:
    log_in(web, "risk")
    headers = web.get("/risk").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert (
        "unsafe-inline"
        not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"


def test_no_page_has_an_inline_script(web: FlaskClient) -> None:
    """The CSP forbids inline scripts, so none may be written (they would not run)."""
    log_in(web, "admin")
    for path in ("/", "/parties", "/portal/markets/1", "/risk", "/admin/users", "/api/v1/docs"):
        page = web.get(path).get_data(as_text=True)
        assert "<script>" not in page and "onclick=" not in page, path


def test_password_reset_ends_the_users_sessions(
    seeded_app: Flask, seeded_connection: sa.Connection
) -> None:
    client = seeded_app.test_client()
    log_in(client, "rm_ts")
    assert client.get("/parties").status_code == 200
    with seeded_app.app_context():
        from scf.platform.web_session import db_session

        session = db_session()
        reset_password(session, Actor.system("test"), "rm_ts", "a-brand-new-password")
        session.commit()
    assert client.get("/parties").status_code == 302  # back to the login page


def test_a_cookie_captured_before_logout_is_refused_after_it(seeded_app: Flask) -> None:
    """Issue #12, finding 10: logging out ends the session on the server (the user's
    session version moves on), not only in the browser that logged out."""
    client = seeded_app.test_client()
    log_in(client, "rm_ts")
    captured = client.get_cookie("session")
    assert captured is not None
    thief = seeded_app.test_client()
    thief.set_cookie("session", captured.value)
    assert thief.get("/parties").status_code == 200  # the stolen cookie works ...
    client.post("/logout", data={"csrf_token": csrf_token(client, "/parties")})
    assert thief.get("/parties").status_code == 302  # ... until its owner logs out
    assert thief.get("/api/v1/parties?page_size=1").status_code == 401
    log_in(client, "rm_ts")  # logging in again starts a new session that works
    assert client.get("/parties").status_code == 200


def test_logout_is_audited(web: FlaskClient, seeded_connection: sa.Connection) -> None:
    log_in(web, "risk")
    web.post("/logout", data={"csrf_token": csrf_token(web, "/parties")})
    actions = seeded_connection.scalars(
        sa.text("SELECT action FROM audit_log WHERE actor = 'risk' ORDER BY id")
    ).all()
    assert actions[-2:] == ["user.login", "user.logout"]


def test_deactivated_user_loses_session_and_token(
    seeded_app: Flask, seeded_connection: sa.Connection
) -> None:
    client = seeded_app.test_client()
    log_in(client, "rm_hd")
    token = client.post(
        "/api/v1/auth/tokens", json={"username": "rm_hd", "password": DEMO_PASSWORD}
    ).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/markets", headers=bearer).status_code == 200
    with seeded_app.app_context():
        from scf.platform.web_session import db_session

        session = db_session()
        set_active(session, Actor.system("test"), "rm_hd", False)
        session.commit()
    assert client.get("/parties").status_code == 302
    assert client.get("/api/v1/markets", headers=bearer).status_code == 401


def test_token_can_be_revoked_and_then_stops_working(
    web: FlaskClient, seeded_connection: sa.Connection
) -> None:
    issued = web.post("/api/v1/auth/tokens", json={"username": "risk", "password": DEMO_PASSWORD})
    assert issued.status_code == 201
    body = issued.get_json()
    assert body["token_type"] == "Bearer" and body["token"].startswith("scf_")
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert web.get("/api/v1/parties?page_size=1", headers=bearer).status_code == 200
    assert web.delete("/api/v1/auth/tokens", headers=bearer).status_code == 204
    assert web.get("/api/v1/parties?page_size=1", headers=bearer).status_code == 401
    assert web.delete("/api/v1/auth/tokens", headers=bearer).status_code == 404
    actions = seeded_connection.scalars(
        sa.text(
            "SELECT action FROM audit_log WHERE actor = 'risk' AND entity_type = 'api_token' "
            "ORDER BY id"
        )
    ).all()
    assert actions[-2:] == ["token.issue", "token.revoke"]


def test_expired_token_is_refused(web: FlaskClient, seeded_connection: sa.Connection) -> None:
    token = web.post(
        "/api/v1/auth/tokens", json={"username": "risk", "password": DEMO_PASSWORD}
    ).get_json()["token"]
    seeded_connection.execute(
        sa.text("UPDATE api_tokens SET expires_at = :past"),
        {"past": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
    )
    response = web.get("/api/v1/markets", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_token_request_with_missing_field_is_problem_json_with_field_errors(
    web: FlaskClient,
) -> None:
    response = web.post("/api/v1/auth/tokens", json={"username": "risk"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "password" in response.get_json()["errors"]["json"]


def test_redirect_after_login_stays_on_site(seeded_app: Flask) -> None:
    with seeded_app.test_request_context():
        assert safe_next("/parties?q=1") == "/parties?q=1"
        for target in ("https://evil.example", "//evil.example", "javascript:alert(1)", "/\\x"):
            assert safe_next(target) == "/"
