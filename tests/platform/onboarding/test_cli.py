"""``scf onboard``: template, loading with a report, exit codes, and no half-loaded file."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import Session

from scf.platform.cli import main
from scf.platform.db import Database
from scf.platform.migrate import upgrade
from scf.platform.services.onboarding import upsert
from tests.conftest import database_url
from tests.platform.onboarding.support import (
    CORE_USCC,
    DEALER_B,
    SUPPLIER_A,
    build_network,
    code,
    csv_file,
)

COUNTED = ("parties", "financial_snapshots", "relationships", "audit_log", "onboarding_batches")


@pytest.fixture(scope="module")
def cli_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own (the command commits), holding the test network."""
    url = database_url(backend, "onboarding_cli", tmp_path_factory.mktemp(f"{backend}-cli"))
    database = Database(url)
    upgrade(database.engine)
    with database.session() as session:
        build_network(session)
        session.commit()
    database.engine.dispose()
    yield url


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"SCF_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def table_counts(url: str) -> dict[str, int]:
    database = Database(url)
    with database.engine.connect() as connection:
        found = {t: connection.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in COUNTED}
    database.engine.dispose()
    return found


def rows(serial: int) -> list[dict[str, str]]:
    return [SUPPLIER_A | {"uscc": code(serial)}, DEALER_B | {"uscc": code(serial + 1)}]


def test_template_csv_to_stdout_and_xlsx_to_a_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["onboard", "template", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf\xe7\xbb\x9f")  # BOM, then 统
    target = tmp_path / "模板.xlsx"
    result = CliRunner().invoke(
        main, ["onboard", "template", "--format", "xlsx", "-o", str(target)]
    )
    assert result.exit_code == 0 and target.read_bytes().startswith(b"PK")


def test_onboard_a_file_prints_the_summary_and_writes_the_report(
    cli_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "suppliers.csv"
    data.write_bytes(csv_file(rows(301), encoding="gbk"))
    report = tmp_path / "result.xlsx"
    code_, out, err = run(
        cli_url,
        "onboard",
        "--core",
        CORE_USCC,
        str(data),
        "--as-of",
        "2026-11-20",
        "--report",
        str(report),
    )
    assert code_ == 0, err
    assert "已导入 (loaded)" in out
    assert "新建 created 2" in out and "eligible 2" in out
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(report.read_bytes())).active
    assert sheet is not None
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][:5] == [
        "行号(row)",
        "统一社会信用代码(uscc)",
        "企业名称(name)",
        "关系(relation)",
        "状态(status)",
    ]
    assert values[1][1] == code(301) and values[1][10] == "7200000.00"  # text, never a float


def test_onboard_again_with_json_reports_every_row_unchanged(cli_url: str, tmp_path: Path) -> None:
    data = tmp_path / "suppliers.csv"
    data.write_bytes(csv_file(rows(311)))
    assert run(cli_url, "onboard", "--core", CORE_USCC, str(data), "--as-of", "2026-11-20")[0] == 0
    before = table_counts(cli_url)
    code_, out, _ = run(
        cli_url,
        "onboard",
        "load",
        "--core",
        CORE_USCC,
        str(data),
        "--as-of",
        "2026-11-20",
        "--json",
    )
    assert code_ == 0
    body = json.loads(out)
    assert [r["status"] for r in body["report"]] == ["unchanged", "unchanged"]
    assert body["report"][0]["reference_limit"] == "7200000.00"
    assert table_counts(cli_url) == before | {
        "onboarding_batches": before["onboarding_batches"] + 1
    }


def test_a_file_with_errors_exits_1_naming_the_row_and_writes_no_firm(
    cli_url: str, tmp_path: Path
) -> None:
    bad = rows(321) + [SUPPLIER_A | {"uscc": code(323), "revenue_12m": "abc"}]
    data = tmp_path / "suppliers.csv"
    data.write_bytes(csv_file(bad))
    report = tmp_path / "result.csv"
    before = table_counts(cli_url)
    code_, out, _ = run(
        cli_url,
        "onboard",
        "--core",
        CORE_USCC,
        str(data),
        "--as-of",
        "2026-11-20",
        "--report",
        str(report),
    )
    assert code_ == 1
    assert "第4行 F列 近12个月营业收入 (revenue_12m): “abc”不是数字 (not a number)" in out
    assert "整个文件未导入" in out
    assert table_counts(cli_url) == before | {
        "onboarding_batches": before["onboarding_batches"] + 1
    }
    text = report.read_bytes().decode("utf-8-sig")
    assert "未导入 not_loaded" in text and "拒绝 rejected" in text


def test_an_unreadable_file_is_one_line_and_nothing_is_written(
    cli_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "suppliers.csv"
    data.write_bytes(bytes(range(256)) * 10)
    before = table_counts(cli_url)
    code_, _, err = run(cli_url, "onboard", "--core", CORE_USCC, str(data))
    assert code_ == 1
    assert err.startswith("错误 (error): 文件不是文本表格") and "Traceback" not in err
    assert table_counts(cli_url) == before


@pytest.mark.parametrize("failure", ["crash", "database"])
def test_a_crash_or_a_database_error_mid_load_leaves_nothing_half_loaded(
    cli_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """Parties are inserted, then the audit step fails: the one commit never happens."""

    def broken(session: Session, *_args: object) -> int:
        if failure == "crash":
            raise RuntimeError("injected crash")
        # A real database error: a firm without a code breaks organisations_have_uscc.
        session.execute(
            sa.text(
                "INSERT INTO parties (kind, name, created_at, updated_at) "
                "VALUES ('enterprise', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        return 0

    monkeypatch.setattr(upsert.audit, "record_many", broken)
    data = tmp_path / "suppliers.csv"
    data.write_bytes(csv_file(rows(331)))
    before = table_counts(cli_url)
    code_, _, err = run(cli_url, "onboard", "--core", CORE_USCC, str(data), "--as-of", "2026-11-20")
    assert code_ == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    expected = "内部错误，未写入任何数据" if failure == "crash" else "数据库错误，未写入任何数据"
    assert expected in err
    assert table_counts(cli_url) == before


def test_the_row_limit_follows_the_environment(cli_url: str, tmp_path: Path) -> None:
    data = tmp_path / "suppliers.csv"
    data.write_bytes(csv_file(rows(341)))
    result = CliRunner().invoke(
        main,
        ["onboard", "--core", CORE_USCC, str(data)],
        env={"SCF_DATABASE_URL": cli_url, "SCF_ONBOARDING_MAX_ROWS": "1"},
    )
    assert result.exit_code == 1 and "超过 1 行数据的上限" in result.stderr


def test_a_report_with_another_suffix_is_refused_before_loading(
    cli_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "suppliers.csv"
    data.write_bytes(csv_file(rows(351)))
    before = table_counts(cli_url)
    code_, _, err = run(cli_url, "onboard", "--core", CORE_USCC, str(data), "--report", "x.pdf")
    assert code_ == 1 and "--report 应以 .csv 或 .xlsx 结尾" in err
    assert table_counts(cli_url) == before
