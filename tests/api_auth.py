"""Getting a bearer token for a demo user in API tests."""

from __future__ import annotations

from flask.testing import FlaskClient

from scf.platform.demo.seed_loader import DEMO_PASSWORD


def bearer(client: FlaskClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/tokens", json={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}
