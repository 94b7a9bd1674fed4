"""Each role against each page and endpoint of the web platform: who gets what.

The demo network (seed/README.md): market M001 (id 1) is administered by mkt_steel
and its 126 merchants belong to 石家庄分行 (rm_sjz); market M002 (id 2) by mkt_home,
merchants in 保定分行 (rm_bd). P0118 is a Tangshan supplier (唐山分行, rm_ts).
Loans: L0141 and L0244 are M001 merchants' (P0628, P0704); L0223 is an M002
merchant's (P0964), on its facility F0223.

Expected status per role: 200 seen, 302 sent elsewhere (login, own market, risk desk),
403 the role may never do this, 404 this object is not yours (nothing said about it).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.web.conftest import loan_id, log_in, party_name, party_uscc, seed_rows

ROLES = ["anonymous", "admin", "risk", "rm_ts", "rm_sjz", "mkt_steel", "mkt_home"]

# path template -> expected status per role, in the order of ROLES.
TABLE: list[tuple[str, tuple[int, ...]]] = [
    ("/", (302, 200, 302, 200, 200, 302, 302)),
    ("/parties", (302, 200, 200, 200, 200, 200, 200)),
    ("/parties/{P0118}", (302, 200, 200, 200, 404, 404, 404)),
    ("/parties/{P0628}", (302, 200, 200, 404, 200, 200, 404)),
    ("/parties/{P0964}", (302, 200, 200, 404, 404, 404, 200)),
    ("/portal", (302, 302, 302, 302, 302, 302, 302)),
    ("/portal/markets", (302, 200, 200, 200, 200, 403, 403)),
    ("/portal/markets/1", (302, 200, 200, 200, 200, 200, 404)),
    ("/portal/markets/2", (302, 200, 200, 200, 200, 404, 200)),
    ("/portal/markets/99", (302, 404, 404, 404, 404, 404, 404)),
    ("/portal/markets/1/loans", (302, 200, 200, 200, 200, 200, 404)),
    ("/portal/markets/2/loans", (302, 200, 200, 200, 200, 404, 200)),
    ("/portal/loans/{L0141}", (302, 200, 200, 404, 200, 200, 404)),
    ("/portal/loans/{L0223}", (302, 200, 200, 404, 404, 404, 200)),
    ("/risk", (302, 200, 200, 403, 403, 403, 403)),
    ("/network", (302, 200, 200, 200, 200, 403, 403)),
    ("/network/{P0118}", (302, 200, 200, 200, 404, 403, 403)),
    ("/network/{P0118}/panel", (302, 200, 200, 200, 404, 403, 403)),
    ("/network/{P0628}/panel", (302, 200, 200, 404, 200, 403, 403)),
    ("/risk/policy", (302, 200, 200, 200, 200, 403, 403)),
    ("/admin/users", (302, 200, 403, 403, 403, 403, 403)),
    ("/admin/users/rm_ts", (302, 200, 403, 403, 403, 403, 403)),
    ("/admin/branches", (302, 200, 403, 403, 403, 403, 403)),
    ("/admin/assignments", (302, 200, 403, 403, 403, 403, 403)),
    ("/admin/assignments/{P0118}", (302, 200, 403, 403, 403, 403, 403)),
    ("/admin/audit", (302, 200, 403, 403, 403, 403, 403)),
    ("/api/v1/markets", (401, 200, 200, 200, 200, 200, 200)),
    ("/api/v1/markets/1", (401, 200, 200, 200, 200, 200, 404)),
    ("/api/v1/markets/2", (401, 200, 200, 200, 200, 404, 200)),
    ("/api/v1/markets/1/merchants?page_size=5", (401, 200, 200, 200, 200, 200, 404)),
    ("/api/v1/markets/2/merchants?page_size=5", (401, 200, 200, 200, 200, 404, 200)),
    ("/api/v1/markets/1/loans?page_size=5", (401, 200, 200, 200, 200, 200, 404)),
    ("/api/v1/markets/2/loans?page_size=5", (401, 200, 200, 200, 200, 404, 200)),
    ("/api/v1/parties/{P0628}", (401, 200, 200, 404, 200, 200, 404)),
    ("/api/v1/parties/{P0964}", (401, 200, 200, 404, 404, 404, 200)),
    ("/api/v1/parties/{P0118}/assessment", (401, 200, 200, 200, 404, 404, 404)),
    ("/api/v1/parties/{P0628}/assessment", (401, 200, 200, 404, 200, 200, 404)),
    ("/api/v1/exposure/{P0628}", (401, 200, 200, 404, 200, 200, 404)),
    ("/api/v1/network/{P0628}", (401, 200, 200, 404, 200, 200, 404)),
    ("/api/v1/network/{P0118}", (401, 200, 200, 200, 404, 404, 404)),
    ("/api/v1/guarantee-circles", (401, 200, 200, 200, 200, 200, 200)),
    # a programme: whoever sees its anchor or a facility under it (PG01: the steel chain,
    # facilities in every branch; PG04: M002's, administered by P0602, 保定分行, only
    # 保定's facilities under it); market administrators never
    ("/api/v1/programmes/{PG01}/usage", (401, 200, 200, 200, 200, 403, 403)),
    ("/api/v1/programmes/{PG04}/usage", (401, 200, 200, 404, 404, 403, 403)),
    ("/lending/facilities/{F0223}", (302, 200, 200, 404, 404, 404, 200)),
    ("/onboarding", (302, 200, 200, 200, 200, 200, 200)),
    ("/onboarding/single", (302, 200, 200, 200, 200, 200, 200)),
    ("/lending/facilities", (302, 200, 200, 200, 200, 200, 200)),
    ("/lending/facilities/new", (302, 403, 403, 200, 200, 403, 403)),
]


def fill(path: str, connection: sa.Connection) -> str:
    return path.format(
        P0118=party_uscc("P0118"),
        P0628=party_uscc("P0628"),
        P0964=party_uscc("P0964"),
        L0141=loan_id(connection, "L0141"),
        L0223=loan_id(connection, "L0223"),
        PG01=code_id(connection, "programmes", "PG01"),
        PG04=code_id(connection, "programmes", "PG04"),
        F0223=code_id(connection, "facilities", "F0223"),
    )


def code_id(connection: sa.Connection, table: str, code: str) -> int:
    return int(connection.scalar(sa.text(f"SELECT id FROM {table} WHERE code = :c"), {"c": code}))


@pytest.mark.parametrize("role", ROLES)
def test_role_against_every_resource(
    web: FlaskClient, seeded_connection: sa.Connection, role: str
) -> None:
    """One login per role, then the whole column of the table; every mismatch is listed."""
    if role != "anonymous":
        log_in(web, role)
    column = ROLES.index(role)
    wrong = []
    for path, expected in TABLE:
        response = web.get(fill(path, seeded_connection))
        if response.status_code != expected[column]:
            wrong.append(f"{path}: {response.status_code}, expected {expected[column]}")
        elif path.startswith("/api/") and expected[column] >= 400:
            if response.mimetype != "application/problem+json":
                wrong.append(f"{path}: {response.mimetype}, expected problem+json")
    assert not wrong, "\n".join(wrong)


def test_unknown_page_is_a_page_and_unknown_api_path_is_problem_json(web: FlaskClient) -> None:
    log_in(web, "risk")
    page = web.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    api = web.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"


# What another market's objects would reveal if they leaked: names, codes, amounts.
FOREIGN = [
    ("/portal/markets/2", ["M002", "保定美嘉家居城"]),
    ("/portal/markets/2/loans", ["L0223", party_name("P0964")]),
    ("/portal/loans/{L0223}", ["L0223", party_name("P0964"), "金达橱柜"]),
    ("/parties/{P0964}", [party_name("P0964")]),
    ("/api/v1/markets/2", ["M002", "保定美嘉家居城", "merchant_count"]),
    ("/api/v1/markets/2/merchants", [party_name("P0964"), "decision"]),
    ("/api/v1/markets/2/loans", ["L0223", "outstanding"]),
    ("/api/v1/parties/{P0964}", [party_name("P0964")]),
]


@pytest.mark.parametrize(("path", "secrets"), FOREIGN, ids=[p for p, _ in FOREIGN])
def test_market_administrator_gets_404_for_another_markets_objects_and_learns_nothing(
    web: FlaskClient, seeded_connection: sa.Connection, path: str, secrets: list[str]
) -> None:
    log_in(web, "mkt_steel")
    response = web.get(fill(path, seeded_connection))
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    for secret in secrets:
        assert secret not in body, f"{secret!r} leaked by {path}"


def test_market_administrator_pages_list_only_their_own_merchants(web: FlaskClient) -> None:
    """M001's 126 merchants are all in 石家庄分行; no M002 merchant shows on any page."""
    log_in(web, "mkt_steel")
    foreign = {
        row["name"]
        for key, row in seed_rows("parties").items()
        if row["branch"] == "保定分行" and "merchant" in row["roles"]
    }
    for page in range(1, 7):
        body = web.get(f"/portal/markets/1?page={page}&as_of=2026-11-20").get_data(as_text=True)
        assert not [name for name in foreign if name in body]
    search = web.get("/parties?q=保定").get_data(as_text=True)
    assert not [name for name in foreign if name in search]
