"""The upload page, its report and progress stream, and the API for integrations."""

from __future__ import annotations

import io
import json
import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scf.platform.auth.tokens import issue_token
from scf.platform.models import Party, Relationship, User
from tests.platform.onboarding.support import (
    CORE_USCC,
    DEALER_B,
    MERCHANT_E,
    SUPPLIER_A,
    SUPPLIER_C,
    Network,
    code,
    counts,
    csv_file,
)
from tests.web_login import sign_in


def log_in(client: FlaskClient, user: User) -> str:
    """Sign in through the session cookie; return the page's CSRF token."""
    sign_in(client, user)
    page = client.get("/onboarding")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert found
    return found.group(1)


def upload(client: FlaskClient, csrf: str, data: bytes, target: str, **fields: str) -> object:
    form = {
        "csrf_token": csrf,
        "target": target,
        "as_of": "2026-11-20",
        "file": (io.BytesIO(data), "suppliers.csv"),
        **fields,
    }
    return client.post("/onboarding", data=form, content_type="multipart/form-data", **{})


# -- pages ------------------------------------------------------------------------------
def test_a_relationship_manager_uploads_and_reads_the_report(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.rm)
    form = client.get("/onboarding").get_data(as_text=True)
    assert f'value="core:{CORE_USCC}"' in form and 'value="market:' in form
    assert "/onboarding/template.xlsx" in form
    response = upload(client, csrf, csv_file([SUPPLIER_A, DEALER_B]), f"core:{CORE_USCC}")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "唐山甲机械制造有限公司" in text and "7,200,000.00" in text and "3,500,000.00" in text
    assert "<strong>已导入</strong>" in text
    # The report in English: the catalog's words, the same figures.
    client.set_cookie("scf_lang", "en")
    english = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>Loaded</strong>" in english and "7,200,000.00" in english


def test_accept_valid_checkbox_loads_the_good_rows(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.rm)
    bad = SUPPLIER_C | {"revenue_12m": "abc"}
    response = upload(
        client, csrf, csv_file([SUPPLIER_A, bad]), f"core:{CORE_USCC}", accept_valid="1"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "部分导入" in page and "“abc”不是数字 (not a number)" in page
    rejected_only = client.get(response.headers["Location"] + "?status=rejected").get_data(
        as_text=True
    )
    assert "唐山丙铸造有限公司" in rejected_only and "唐山甲机械制造有限公司" not in rejected_only


def test_a_bad_file_shows_the_form_again_with_the_reason(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.rm)
    before = counts(db_session)
    response = upload(client, csrf, b"uscc,name\r\n1,2\r\n", f"core:{CORE_USCC}")
    assert response.status_code == 422
    assert "缺少必需的列 (missing required columns)" in response.get_data(as_text=True)
    assert counts(db_session) == before


def test_progress_streams_while_loading_then_points_to_the_report(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.rm)
    rows = [SUPPLIER_A | {"uscc": code(400 + n), "name": f"测试{n}"} for n in range(450)]
    response = client.post(
        "/onboarding",
        data={
            "csrf_token": csrf,
            "target": f"core:{CORE_USCC}",
            "as_of": "2026-11-20",
            "file": (io.BytesIO(csv_file(rows)), "suppliers.csv"),
        },
        headers={"X-Progress": "ndjson"},
        content_type="multipart/form-data",
    )
    assert response.mimetype == "application/x-ndjson"
    events = [json.loads(item) for item in response.get_data(as_text=True).splitlines()]
    validated = [e["done"] for e in events if e.get("phase") == "validate"]
    assert validated == [200, 400, 450]  # every 200 rows and the last
    assert {e.get("phase") for e in events} >= {"validate", "load", "assess"}
    assert events[-1]["status"] == "loaded"
    assert events[-1]["url"] == f"/onboarding/{events[-1]['batch_id']}"


def test_progress_stream_reports_a_refused_file_as_an_error_event(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.rm)
    response = client.post(
        "/onboarding",
        data={
            "csrf_token": csrf,
            "target": f"core:{CORE_USCC}",
            "file": (io.BytesIO(b""), "empty.csv"),
        },
        headers={"X-Progress": "ndjson"},
        content_type="multipart/form-data",
    )
    events = [json.loads(item) for item in response.get_data(as_text=True).splitlines()]
    assert events == [
        {
            "error": "文件为空 (the file is empty)",
            "errors": {"file": ["文件为空 (the file is empty)"]},
        }
    ]


def test_a_file_over_the_upload_limit_gets_a_clear_page(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.rm)
    # A real 50 MB multipart body, built in memory (the test client would spool it to a
    # temporary file that nobody closes once the server refuses to read it).
    boundary = "scf-onboarding-test"
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode(),
            b"x" * (50 * 1024 * 1024),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    response = client.post(
        "/onboarding", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "文件过大 (file too large): 上限 20.0 MB" in response.get_data(as_text=True)


def test_a_market_administrator_sees_only_their_market_and_its_reports(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.market_admin)
    form = client.get("/onboarding").get_data(as_text=True)
    assert f'value="market:{network.market.id}"' in form
    assert "core:" not in form and f'value="market:{network.other_market.id}"' not in form
    response = upload(client, csrf, csv_file([MERCHANT_E]), f"market:{network.market.id}")
    assert response.status_code == 303
    report_url = response.headers["Location"]
    refused = upload(client, csrf, csv_file([MERCHANT_E]), f"market:{network.other_market.id}")
    assert refused.status_code == 404
    log_in(client, network.other_market_admin)
    assert client.get(report_url).status_code == 404


def test_templates_download(client: FlaskClient, db_session: Session, network: Network) -> None:
    log_in(client, network.rm)
    xlsx = client.get("/onboarding/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    assert "attachment" in xlsx.headers["Content-Disposition"]
    assert client.get("/onboarding/template.csv").data.startswith(b"\xef\xbb\xbf")


# -- API ----------------------------------------------------------------------------------
def bearer(db_session: Session, user: User) -> dict[str, str]:
    token, _ = issue_token(db_session, user, 1)
    db_session.flush()
    return {"Authorization": f"Bearer {token}"}


def test_api_upload_returns_the_report_with_money_as_strings(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    response = client.post(
        "/api/v1/onboarding",
        data={
            "core": CORE_USCC,
            "as_of": "2026-11-20",
            "file": (io.BytesIO(csv_file([SUPPLIER_A, DEALER_B])), "suppliers.csv"),
        },
        headers=bearer(db_session, network.risk),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "loaded" and body["counts"]["created"] == 2
    first = body["report"][0]
    assert (first["row"], first["decision"], first["reference_limit"]) == (
        2,
        "eligible",
        "7200000.00",
    )
    assert first["granted_amount"] == "1000000.00"
    detail = client.get(
        f"/api/v1/onboarding/{body['id']}", headers=bearer(db_session, network.risk)
    )
    assert detail.get_json()["report"] == body["report"]
    listing = client.get("/api/v1/onboarding", headers=bearer(db_session, network.risk))
    assert [b["id"] for b in listing.get_json()] == [body["id"]]
    assert "report" not in listing.get_json()[0]


def test_api_bad_file_is_a_problem_and_writes_nothing(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    before = counts(db_session)
    response = client.post(
        "/api/v1/onboarding",
        data={
            "market": str(network.market.id),
            "file": (io.BytesIO(b"\x00\x01binary"), "merchants.csv"),
        },
        headers=bearer(db_session, network.risk),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "binary content" in response.get_json()["detail"]
    missing = client.post(
        "/api/v1/onboarding",
        data={"market": str(network.market.id)},
        headers=bearer(db_session, network.risk),
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422 and missing.get_json()["errors"] == {"file": ["required"]}
    assert counts(db_session) == before


def test_api_keeps_the_market_administrator_in_their_market(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    headers = bearer(db_session, network.market_admin)
    response = client.post(
        "/api/v1/onboarding",
        data={"core": CORE_USCC, "file": (io.BytesIO(csv_file([SUPPLIER_A])), "s.csv")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert "市场管理方只能导入本市场的商户" in response.get_json()["detail"]


def test_api_template_and_openapi(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    headers = bearer(db_session, network.rm)
    template = client.get("/api/v1/onboarding/template?format=xlsx", headers=headers)
    assert template.status_code == 200 and template.data.startswith(b"PK")
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/onboarding"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]


def test_a_crash_mid_upload_rolls_the_whole_file_back(
    client: FlaskClient, db_session: Session, network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker has inserted the firms when the assessment breaks: nothing stays."""
    from scf.platform.services.onboarding import batches as service

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("injected failure after the upsert")

    monkeypatch.setattr(service, "assess_loaded_parties", broken)
    csrf = log_in(client, network.rm)
    before = counts(db_session)
    response = client.post(
        "/onboarding",
        data={
            "csrf_token": csrf,
            "target": f"core:{CORE_USCC}",
            "as_of": "2026-11-20",
            "file": (io.BytesIO(csv_file([SUPPLIER_A, DEALER_B])), "suppliers.csv"),
        },
        headers={"X-Progress": "ndjson"},
        content_type="multipart/form-data",
    )
    events = [json.loads(item) for item in response.get_data(as_text=True).splitlines()]
    assert events[-1] == {"error": "内部错误，未写入任何数据 (internal error, nothing written)"}
    assert counts(db_session) == before


# -- one firm typed into a form ------------------------------------------------------------
def test_a_market_administrator_recommends_one_merchant_through_the_form(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    """The form is a one-row file: the same checks, the same assessment and report.
    Merchant E: R = household net assets 800,000 − exposure 0 = 800,000.00 [003 §八(二)]."""
    csrf = log_in(client, network.market_admin)
    form = client.get("/onboarding/single").get_data(as_text=True)
    assert f'value="market:{network.market.id}"' in form
    assert f'value="market:{network.other_market.id}"' not in form
    response = client.post(
        "/onboarding/single",
        data={"csrf_token": csrf, "target": f"market:{network.market.id}", **MERCHANT_E},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "石家庄市长安区丁记钢材经营部" in report and "800,000.00" in report
    party = db_session.scalar(sa.select(Party).where(Party.uscc == MERCHANT_E["uscc"]))
    assert party is not None
    edge = db_session.scalar(
        sa.select(Relationship).where(
            Relationship.source_party_id == party.id,
            Relationship.target_market_id == network.market.id,
        )
    )
    assert edge is not None and edge.kind.value == "member_of_market"


def test_a_bad_code_on_the_form_comes_back_with_the_wrong_character_and_nothing_written(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.market_admin)
    wrong = MERCHANT_E["uscc"][:-1] + ("0" if MERCHANT_E["uscc"][-1] != "0" else "1")
    before = counts(db_session)
    response = client.post(
        "/onboarding/single",
        data={
            "csrf_token": csrf,
            "target": f"market:{network.market.id}",
            **(MERCHANT_E | {"uscc": wrong}),
        },
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "统一社会信用代码 (uscc)" in text and "校验" in text
    assert wrong in text  # the form keeps what was typed
    after = counts(db_session)
    assert {k: v for k, v in after.items() if k != "onboarding_batches"} == {
        k: v for k, v in before.items() if k != "onboarding_batches"
    }


def test_a_market_administrator_cannot_recommend_into_another_market(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.market_admin)
    before = counts(db_session)
    response = client.post(
        "/onboarding/single",
        data={"csrf_token": csrf, "target": f"market:{network.other_market.id}", **MERCHANT_E},
    )
    assert response.status_code == 404
    assert counts(db_session) == before


# -- one template, one report file, one size limit on every path ----------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_template_has_the_same_name_type_and_bytes_from_the_api_and_the_pages(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    headers = bearer(db_session, network.rm)
    api_csv = client.get("/api/v1/onboarding/template?format=csv", headers=headers)
    api_xlsx = client.get("/api/v1/onboarding/template?format=xlsx", headers=headers)
    log_in(client, network.rm)
    page_csv = client.get("/onboarding/template.csv")
    assert api_csv.headers["Content-Type"] == page_csv.headers["Content-Type"]
    assert page_csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert api_csv.headers["Content-Disposition"] == page_csv.headers["Content-Disposition"]
    assert (
        page_csv.headers["Content-Disposition"] == 'attachment; filename="onboarding-template.csv"'
    )
    assert api_csv.data == page_csv.data
    assert api_xlsx.headers["Content-Type"] == XLSX
    assert (
        api_xlsx.headers["Content-Disposition"] == 'attachment; filename="onboarding-template.xlsx"'
    )


def test_a_batch_report_downloads_under_the_batch_number(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    csrf = log_in(client, network.rm)
    report_url = upload(client, csrf, csv_file([SUPPLIER_A]), f"core:{CORE_USCC}").headers[
        "Location"
    ]
    batch_id = report_url.rsplit("/", 1)[1]
    as_csv = client.get(f"{report_url}/report.csv")
    assert as_csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        as_csv.headers["Content-Disposition"]
        == f'attachment; filename="onboarding-report-{batch_id}.csv"'
    )
    assert as_csv.data.startswith("\ufeff行号(row)".encode())
    as_xlsx = client.get(f"{report_url}/report.xlsx")
    assert as_xlsx.headers["Content-Type"] == XLSX and as_xlsx.data.startswith(b"PK")


def test_the_api_refuses_a_body_over_the_limit_unread_as_a_413_problem(
    client: FlaskClient, db_session: Session, network: Network
) -> None:
    """The limit is 20 MB; the server refuses any body over 21 MB before reading it."""
    boundary = "scf-onboarding-api-test"
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode(),
            b"x" * (22 * 1024 * 1024),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    response = client.post(
        "/api/v1/onboarding",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=bearer(db_session, network.rm),
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank",
        "title": "文件过大 (file too large)",
        "status": 413,
        "detail": "上限 20.0 MB (limit SCF_ONBOARDING_MAX_BYTES); 请拆分文件 (split the file)",
    }
