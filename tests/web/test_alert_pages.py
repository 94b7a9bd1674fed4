"""The alert queue on the risk desk, an alert's page (acknowledge, resolve, comment,
history), the market page's alerts and the job status, on the demo network after every
monitoring job has run for 2026-11-20 (inside the test's rolled-back transaction).

From the seed (seed/README.md): L0244 (M001 merchant P0704) is 100 days past due →
次级 substandard; L0141 (M001 merchant P0628) 42 days → 关注; L0223 (M002 merchant
P0964) 300 days → 可疑. Each raises a ``loan_overdue`` alert on its borrower, in its
market.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from scf.jobs.registry import JOBS
from scf.jobs.runner import run_job
from scf.platform.demo.seed_loader import SEED_AS_OF
from tests.jobs.conftest import FixedClock, bound_database, jobs_settings
from tests.web.conftest import csrf_token, log_in, party_name


@pytest.fixture()
def monitored(
    web: FlaskClient, seeded_url: str, seeded_connection: sa.Connection, tmp_path: Path
) -> FlaskClient:
    database = bound_database(seeded_url, seeded_connection)
    settings = jobs_settings(seeded_url, tmp_path)
    for job in JOBS:
        outcome = run_job(database, settings, job.name, clock=FixedClock(SEED_AS_OF))
        assert outcome.status == "succeeded", outcome
    return web


def overdue_alert(connection: sa.Connection, loan: str) -> int:
    return int(
        connection.scalar(
            sa.text(
                "SELECT a.id FROM alerts a JOIN loans l ON l.id = a.loan_id "
                "WHERE l.code = :loan AND a.rule = 'loan_overdue'"
            ),
            {"loan": loan},
        )
    )


def act(client: FlaskClient, alert: int, action: str, comment: str = "") -> object:
    page = f"/risk/alerts/{alert}"
    return client.post(
        f"{page}/{action}", data={"comment": comment, "csrf_token": csrf_token(client, page)}
    )


def test_queue_filters_and_job_status(
    monitored: FlaskClient, seeded_connection: sa.Connection
) -> None:
    log_in(monitored, "risk")
    page = monitored.get("/risk?rule=loan_overdue&status=open").get_data(as_text=True)
    queue = re.search(r'<table class="list" id="alert-list">(.*?)</table>', page, re.S)
    assert queue
    rows = re.findall(r'data-alert="(\d+)"', queue.group(1))
    ids = {overdue_alert(seeded_connection, code) for code in ("L0244", "L0141", "L0223")}
    assert ids <= {int(r) for r in rows}
    assert "贷款逾期" in queue.group(1) and "质押物价格过期" not in queue.group(1)
    critical = monitored.get("/risk?severity=critical&status=").get_data(as_text=True)
    assert "警告</span>" not in critical.split('id="alert-list"')[1].split("</table>")[0]
    # Six jobs, each run once for the seed date, all succeeded; the next run from the
    # crontab since no scheduler runs here.
    jobs = page.split('id="job-status"')[1]
    for job in JOBS:
        assert f"<code>{job.name}</code>" in jobs
    assert jobs.count("job_status-succeeded") == len(JOBS)
    assert "调度器未运行" in jobs
    assert monitored.get("/risk?status=bogus").status_code == 422


def test_acknowledge_with_a_comment_then_resolve(
    monitored: FlaskClient, seeded_connection: sa.Connection
) -> None:
    log_in(monitored, "risk")
    alert = overdue_alert(seeded_connection, "L0244")
    acknowledged = act(monitored, alert, "acknowledge", "已电话联系借款人，约定11月30日前还款")
    assert acknowledged.status_code == 303  # type: ignore[attr-defined]
    page = monitored.get(f"/risk/alerts/{alert}").get_data(as_text=True)
    assert "已确认" in page and "已电话联系借款人" in page
    assert act(monitored, alert, "acknowledge").status_code == 409  # type: ignore[attr-defined]
    assert act(monitored, alert, "comment", "").status_code == 422  # type: ignore[attr-defined]
    act(monitored, alert, "comment", "担保人已知悉")
    resolved = act(monitored, alert, "resolve", "借款人已结清逾期本息")
    assert resolved.status_code == 303  # type: ignore[attr-defined]
    page = monitored.get(f"/risk/alerts/{alert}").get_data(as_text=True)
    history = page.split('id="alert-history"')[1]
    # acknowledged, commented, resolved — in that order, each by risk
    assert [a for a in re.findall(r"<td>(确认|备注|解决)</td>", history)] == [
        "确认",
        "备注",
        "解决",
    ]
    assert history.count("<td>risk</td>") == 3
    status, comment = seeded_connection.execute(
        sa.text("SELECT status, comment FROM alerts WHERE id = :id"), {"id": alert}
    ).one()
    assert (status, comment) == ("resolved", "借款人已结清逾期本息")
    audit = seeded_connection.scalar(
        sa.text("SELECT count(*) FROM audit_log WHERE entity_type = 'alert' AND entity_id = :id"),
        {"id": str(alert)},
    )
    assert audit == 3


def test_market_administrator_sees_and_acknowledges_only_their_market(
    monitored: FlaskClient, seeded_connection: sa.Connection
) -> None:
    log_in(monitored, "mkt_steel")
    page = monitored.get("/portal/markets/1?as_of=2026-11-20").get_data(as_text=True)
    alerts = page.split('id="market-alerts"')[1].split("</section>")[0]
    assert party_name("P0704") in alerts and "L0244" in alerts and "L0141" in alerts
    assert "L0223" not in alerts and party_name("P0964") not in alerts
    own = overdue_alert(seeded_connection, "L0141")
    assert act(monitored, own, "acknowledge", "已提醒商户").status_code == 303  # type: ignore[attr-defined]
    assert act(monitored, own, "resolve", "x").status_code == 403  # type: ignore[attr-defined]
    other = overdue_alert(seeded_connection, "L0223")
    response = monitored.get(f"/risk/alerts/{other}")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert party_name("P0964") not in body and "L0223" not in body
    assert act(monitored, other, "comment", "x").status_code == 404  # type: ignore[attr-defined]
    assert monitored.get("/risk").status_code == 403


def test_relationship_manager_and_the_alerts(
    monitored: FlaskClient, seeded_connection: sa.Connection
) -> None:
    log_in(monitored, "rm_sjz")  # 石家庄分行: M001's merchants are theirs
    own = overdue_alert(seeded_connection, "L0244")
    assert monitored.get(f"/risk/alerts/{own}").status_code == 200
    log_in(monitored, "rm_ts")  # not theirs
    assert monitored.get(f"/risk/alerts/{own}").status_code == 404
    page = monitored.get("/portal/markets/1?as_of=2026-11-20").get_data(as_text=True)
    assert "L0244" not in page.split('id="market-alerts"')[1].split("</section>")[0]
