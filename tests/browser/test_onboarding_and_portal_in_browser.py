"""Batch onboarding with a real GBK file, and the market administrator's portal, in a
real browser against the live server.

The file is what Excel in China saves as "CSV (逗号分隔)": GBK bytes, Chinese headers
(the template's), "否" for no, thousands separators in amounts. Its two firms are
new suppliers of the steel group (P0003, rm_ts's core enterprise), worked by hand as
in tests/platform/onboarding/support.py, as of 2026-11-20:
- 唐山甲机械制造 (manufacturing): 80 employees, revenue 3000万 → small [DOMAIN §2];
  est. 2015, profitable two years, debt 9m/20m = 45% ≤ 60% → eligible;
  R = min(30,000,000 × 35%, (20,000,000 − 9,000,000) × 70%) − 500,000
    = min(10,500,000, 7,700,000) − 500,000 = 7,200,000.00.
- 唐山乙钢材贸易 (wholesale): debt 6.5m/10m = 65% ≤ 70% (trade) → eligible;
  R = min(50,000,000 × 20%, 3,500,000 × 100%) − 0 = 3,500,000.00.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from scf.credit.uscc import make
from scf.platform.services.onboarding.columns import COLUMNS
from tests.browser.conftest import Visit
from tests.web.conftest import party_name, party_uscc

pytestmark = pytest.mark.browser

SUPPLIER = {
    "uscc": make("91130283990000101"),
    "name": "唐山甲机械制造有限公司",
    "relation": "供应商",
    "industry": "制造业",
    "employees": "80",
    "revenue_12m": "30,000,000",
    "revenue_prior_year": "25000000",
    "total_assets": "20000000",
    "total_liabilities": "9000000",
    "existing_exposure": "500000",
    "net_profit_last_year": "1000000",
    "net_profit_prior_year": "800000",
    "established_on": "2015-03-01",
    "cooperation_since": "2020-01-01",
    "rating": "BBB",
    "bad_credit_3y": "否",
    "controller_bad_credit_1y": "否",
    "requested_amount": "1000000",
}
DEALER = SUPPLIER | {
    "uscc": make("91130283990000102"),
    "name": "唐山乙钢材贸易有限公司",
    "relation": "经销商",
    "industry": "批发业",
    "employees": "15",
    "revenue_12m": "50000000",
    "total_assets": "10000000",
    "total_liabilities": "6500000",
    "existing_exposure": "0",
}


def gbk_csv(path: Path) -> Path:
    keys = [c.key for c in COLUMNS if c.key in SUPPLIER]
    headers = {c.key: c.header for c in COLUMNS}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([headers[k] for k in keys])
    for row in (SUPPLIER, DEALER):
        writer.writerow([row[k] for k in keys])
    path.write_bytes(out.getvalue().encode("gbk"))
    return path


def test_relationship_manager_uploads_a_gbk_file_and_reads_the_report(
    visit: Visit, tmp_path: Path
) -> None:
    page = visit.page
    visit.log_in("rm_ts")
    page.click("nav.mainnav >> text=批量准入")
    page.wait_for_load_state()
    assert "/onboarding" in page.url
    upload = gbk_csv(tmp_path / "供应商名单.csv")
    assert upload.read_bytes().decode("gbk").startswith(COLUMNS[0].header)
    with pytest.raises(UnicodeDecodeError):
        upload.read_bytes().decode("utf-8")  # really GBK, not UTF-8
    page.select_option("select[name=target]", f"core:{party_uscc('P0003')}")
    page.set_input_files("input[name=file]", str(upload))
    page.fill("input[name=as_of]", "2026-11-20")
    visit.shot("onboarding_upload")
    page.click("#onboarding-form button[type=submit]")
    page.wait_for_url("**/onboarding/*", timeout=60_000)
    page.wait_for_selector("#report-lines")
    summary = page.inner_text("#batch-summary")
    assert "已导入" in summary and "供应商名单.csv" in summary and "2026-11-20" in summary
    rows = page.locator("#report-lines tbody tr")
    assert rows.count() == 2
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "唐山甲机械制造有限公司" in first and "新建" in first and "准入" in first
    assert "7,200,000.00" in first and "1,000,000.00" in first
    assert "唐山乙钢材贸易有限公司" in second and "3,500,000.00" in second
    visit.shot("onboarding_report")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert "Loaded" in page.inner_text("#batch-summary")
    assert "Onboarding report" in page.inner_text("h1")
    visit.shot("onboarding_report_english")
    page.click("button[name=language][value=zh]")
    page.wait_for_load_state()
    assert not visit.errors


def test_market_administrator_sees_own_market_with_capacity(visit: Visit) -> None:
    page = visit.page
    visit.log_in("mkt_steel")
    assert page.url.endswith("/portal/markets/1")
    visit.go("/portal/markets/1?as_of=2026-11-20")
    capacity = page.inner_text("#administrator-capacity")
    # P0600: 2 × (1,007,114,273.00 − 342,418,852.82) = 1,329,390,840.36 元 = 132,939.08 万元
    assert party_name("P0600") in capacity and "132,939.08" in capacity
    assert "[003 §七(二)2]" in capacity
    assert page.locator("#guarantee-lines tbody tr").count() == 6
    nav = page.inner_text("nav.mainnav")
    assert "我的市场" in nav and "批量准入" in nav
    assert "关系网络" not in nav and "风险管理" not in nav and "授信与放款" not in nav
    visit.shot("portal_market_capacity")
    for path in ("/portal/markets/2", "/network", f"/parties/{party_uscc('P0964')}"):
        response = visit.go(path)
        assert response.status in (403, 404), path  # type: ignore[attr-defined]
        body = page.inner_text("body")
        assert "保定美嘉家居城" not in body and party_name("P0602") not in body
    assert not [e for e in visit.errors if "404" not in e and "403" not in e]


def test_risk_officer_works_an_alert(visit: Visit) -> None:
    """L0244 (M001 merchant P0704, 100 days past due, 次级) raised loan_overdue."""
    page = visit.page
    visit.log_in("risk")
    page.select_option("#alert-queue select[name=rule]", "loan_overdue")
    page.click("#alert-queue button[type=submit]")
    page.wait_for_load_state()
    assert "rule=loan_overdue" in page.url
    row = page.locator("#alert-list tbody tr", has_text="L0244")
    assert row.count() == 1 and "待处理" in row.inner_text()
    visit.shot("risk_alert_queue")
    row.locator("a").first.click()
    page.wait_for_load_state()
    assert "L0244" in page.inner_text("#alert-detail")
    assert party_name("P0704") in page.inner_text("#alert-detail")
    page.fill("#comment-form textarea[name=comment]", "已电话联系借款人，约定月底前还款")
    page.click("#acknowledge")
    page.wait_for_load_state()
    assert page.inner_text("#alert-status") == "已确认"
    assert "已电话联系借款人" in page.inner_text("#alert-history")
    page.fill("#comment-form textarea[name=comment]", "借款人已结清逾期本息")
    page.click("#resolve")
    page.wait_for_load_state()
    assert page.inner_text("#alert-status") == "已解决"
    history = page.inner_text("#alert-history")
    assert "确认" in history and "解决" in history and "借款人已结清逾期本息" in history
    assert page.locator("#resolve").count() == 0  # nothing left to resolve
    visit.shot("risk_alert_worked")
    visit.go("/risk?rule=loan_overdue")
    assert page.locator("#alert-list tbody tr", has_text="L0244").count() == 0  # off the queue
    assert "job_status-succeeded" in page.inner_html("#job-status")
    assert not visit.errors


def test_market_administrator_sees_the_alerts_of_their_market(visit: Visit) -> None:
    page = visit.page
    visit.log_in("mkt_steel")
    alerts = page.inner_text("#market-alerts")
    assert "L0141" in alerts and party_name("P0628") in alerts  # 42 days past due
    assert "L0223" not in alerts and party_name("P0964") not in alerts  # market 2's
    visit.shot("portal_market_alerts")
    assert not visit.errors
