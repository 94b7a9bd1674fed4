"""What the pages show: the party page a credit reviewer reads, the administrator's forms."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.web.conftest import log_in, party_name, party_uscc, post_form


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_party_page_explains_the_assessment(web: FlaskClient) -> None:
    """P0118 (Tangshan mining supplier) is ineligible on 2026-11-20: debt ratio 74% against
    ≤ 60% [003 §五(一)1(4)]; size small; R = min(9,268,467.00 × 0.35, 2,693,864.16 × 0.70)
    − 850,000.00 = 1,885,704.91 − 850,000.00 = 1,035,704.91, bound by equity."""
    log_in(web, "rm_ts")
    html = web.get(f"/parties/{party_uscc('P0118')}?as_of=2026-11-20").get_data(as_text=True)
    page = text_of(html)
    assert party_name("P0118") in page
    assert "不予准入" in page and "小型" in page and "一般支持" in page
    row = re.search(r'<tr class="rule-fail">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = text_of(row.group(1))
    assert "debt_ratio_within_limit" in cells and "[003 §五(一)1(4)]" in cells
    assert "74%" in cells and "≤ 60%" in cells and "未通过" in cells
    assert "hebei-2012@2012-01-01+size-2011#" in page
    assert "R = min(X × 0.35, Y × 0.70) − Q" in page
    binding = re.search(r'<tr class="binding">(.*?)</tr>', html, re.S)
    assert binding is not None and "1,885,704.91" in binding.group(1)
    assert "1,035,704.91" in page and "103.57" in page
    assert "冀东恒泰钢铁集团有限公司" in page  # supplies to the core enterprise
    assert 'id="figures"' in html and "74.0%" in page  # the latest figures, debt ratio


def test_party_page_on_an_earlier_date_uses_that_dates_figures(web: FlaskClient) -> None:
    """P0002's snapshots are dated 2025-12-31 and 2026-09-30 (tests/platform)."""
    log_in(web, "risk")
    page = text_of(
        web.get(f"/parties/{party_uscc('P0002')}?as_of=2026-06-30").get_data(as_text=True)
    )
    assert "截至 2025-12-31" in page and "财务数据日期 2025-12-31" in page


def test_party_page_refuses_a_bad_or_future_date(web: FlaskClient) -> None:
    log_in(web, "risk")
    bad = web.get(f"/parties/{party_uscc('P0118')}?as_of=2026-13-01")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.get_data(as_text=True)
    future = web.get(f"/parties/{party_uscc('P0118')}?as_of=2999-01-01")
    assert future.status_code == 422


def test_a_party_that_is_not_assessed_says_so(web: FlaskClient) -> None:
    log_in(web, "risk")
    page = web.get(f"/parties/{party_uscc('P1104')}").get_data(as_text=True)
    assert "guarantee_company" in page and 'id="relations"' in page


def test_relations_to_parties_the_reader_may_not_see_are_masked(web: FlaskClient) -> None:
    """A market administrator sees their merchant P0628 but not its legal representative
    P0629 (a person, outside the market): the relation shows, the name does not."""
    log_in(web, "mkt_steel")
    page = web.get(f"/parties/{party_uscc('P0628')}").get_data(as_text=True)
    assert "无权查看的主体" in page
    assert party_name("P0629") not in page
    log_in(web, "rm_sjz")
    assert party_name("P0629") in web.get(f"/parties/{party_uscc('P0628')}").get_data(as_text=True)


def test_search_by_name_and_role_with_pagination(web: FlaskClient) -> None:
    log_in(web, "risk")
    page = web.get("/parties?q=钢铁&role=core_enterprise").get_data(as_text=True)
    assert "冀东恒泰钢铁集团有限公司" in page and "共 1 条" in page
    merchants = web.get("/parties?role=merchant&page=2").get_data(as_text=True)
    assert "共 250 条，显示第 26–50 条" in text_of(merchants)
    assert web.get("/parties?role=king").status_code == 422


def test_relationship_manager_search_is_limited_to_their_branch(web: FlaskClient) -> None:
    """rm_hd (邯郸分行) sees the 54 parties of 邯郸分行 and those assigned to rm_hd (27, all
    in that branch per the seed): 54."""
    log_in(web, "rm_hd")
    assert "共 54 条" in text_of(web.get("/parties").get_data(as_text=True))


def test_portal_links_to_onboarding_only_when_it_exists(web: FlaskClient) -> None:
    log_in(web, "mkt_steel")
    page = web.get("/portal/markets/1").get_data(as_text=True)
    assert ("/onboarding" in page) == ("onboarding.upload" in web.application.view_functions)


def test_administrator_creates_a_market_administrator_through_the_form(
    web: FlaskClient, seeded_connection: sa.Connection
) -> None:
    log_in(web, "admin")
    form = {
        "username": "mkt_new",
        "display_name": "新市场管理员",
        "role": "market_administrator",
        "market": "M002",
        "branch": "",
        "password": "a-long-enough-password",
        "password_confirm": "a-long-enough-password",
    }
    response = post_form(web, "/admin/users", form)
    assert response.status_code == 302
    listing = web.get("/admin/users").get_data(as_text=True)
    assert "已创建用户 mkt_new" in listing and "mkt_new" in listing
    after = seeded_connection.scalar(
        sa.text("SELECT after FROM audit_log WHERE action = 'user.create' ORDER BY id DESC")
    )
    assert "M002" in str(after) and "mkt_new" in str(after)
    log_in(web, "mkt_new", "a-long-enough-password")
    assert web.get("/portal").headers["Location"].endswith("/portal/markets/2")


def test_refused_form_says_why_and_writes_nothing(
    web: FlaskClient, seeded_connection: sa.Connection
) -> None:
    log_in(web, "admin")
    before = seeded_connection.scalar(sa.text("SELECT count(*) FROM users"))
    form = {
        "username": "m2",
        "role": "market_administrator",
        "password": "short",
        "password_confirm": "short",
    }
    post_form(web, "/admin/users", form)
    page = web.get("/admin/users").get_data(as_text=True)
    assert "market" in page and "password" in page and "用户信息有误" in page
    assert seeded_connection.scalar(sa.text("SELECT count(*) FROM users")) == before


def test_only_administrators_may_post_administration_forms(
    web: FlaskClient, seeded_connection: sa.Connection
) -> None:
    log_in(web, "risk")
    response = post_form(web, "/admin/users/rm_ts/active", {"active": "0"})
    assert response.status_code == 403
    assert seeded_connection.scalar(sa.text("SELECT active FROM users WHERE username='rm_ts'"))


def test_administrator_assigns_a_party_and_the_manager_then_sees_it(
    web: FlaskClient, seeded_connection: sa.Connection
) -> None:
    uscc = party_uscc("P0964")  # an M002 merchant, 保定分行, rm_bd
    log_in(web, "rm_ts")
    assert web.get(f"/parties/{uscc}").status_code == 404
    log_in(web, "admin")
    response = post_form(
        web, f"/admin/assignments/{uscc}", {"relationship_manager": "rm_ts", "branch": "唐山分行"}
    )
    assert response.status_code == 302
    assert "已更新" in web.get(f"/admin/assignments/{uscc}").get_data(as_text=True)
    log_in(web, "rm_ts")
    assert web.get(f"/parties/{uscc}").status_code == 200


def test_policy_page_lists_parameters_with_references_and_assumptions(web: FlaskClient) -> None:
    log_in(web, "rm_ts")
    page = text_of(web.get("/risk/policy").get_data(as_text=True))
    assert "admission.debt_ratio_max.manufacturing" in page and "[003 §五(一)1(4)]" in page
    assumed = text_of(web.get("/risk/policy?assumed=1").get_data(as_text=True))
    assert "limit.revenue_coefficient.other" in assumed  # assumed: other industries
    assert "limit.revenue_coefficient.manufacturing" not in assumed


def test_risk_desk_shows_the_policy_version_in_force(web: FlaskClient) -> None:
    import datetime as dt

    from scf.credit.policy import load_policy

    log_in(web, "risk")
    assert load_policy(dt.date.today()).version in web.get("/risk").get_data(as_text=True)


def test_api_docs_page_uses_only_local_assets(web: FlaskClient) -> None:
    page = web.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page
    spec = web.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/markets/{market_id}/loans" in spec["paths"]
