"""The onboarding report: one line per data row, as JSON, CSV or XLSX.

Each line says what happened to the row (created / updated / unchanged / rejected,
or not_loaded when the file was refused as a whole) and, for every firm taken, the
credit engine's answer: size class, decision, tier, reference limit, and the
messages of the rules that made it *refer* or *ineligible*, with their clauses.
Money travels as decimal strings. A name typed like a formula leaves as text
(``scf.platform.spreadsheets``).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from scf.platform.services.parties.assessment import PartyAssessment
from scf.platform.spreadsheets import csv_row, xlsx_row

STATUSES = {
    "created": "新建",
    "updated": "更新",
    "unchanged": "无变化",
    "rejected": "拒绝",
    "not_loaded": "未导入",
}
BATCH_STATUSES = {
    "loaded": "已导入 (loaded)",
    "partially_loaded": "部分导入，有错误行未导入 (valid rows loaded, rows with errors skipped)",
    "rejected": "有错误，整个文件未导入 (errors: nothing loaded)",
}
# (key, Chinese header) in the order of the report file.
REPORT_COLUMNS = (
    ("row", "行号"),
    ("uscc", "统一社会信用代码"),
    ("name", "企业名称"),
    ("relation", "关系"),
    ("status", "状态"),
    ("errors", "错误"),
    ("changed", "变更"),
    ("size_class", "企业规模"),
    ("decision", "准入结论"),
    ("tier", "客户分层"),
    ("reference_limit", "参考限额(元)"),
    ("requested_amount", "申请额度(元)"),
    ("granted_amount", "可批额度(元)"),
    ("reasons", "原因"),
    ("policy_version", "政策版本"),
)


def report_line(
    number: int,
    row: dict[str, Any],
    status: str,
    errors: list[str] | None = None,
    changed: list[str] | None = None,
) -> dict[str, Any]:
    """A report line before assessment (or for a row that is not assessed)."""
    requested = row.get("requested_amount")
    return {
        "row": number,
        "uscc": row.get("uscc"),
        "name": row.get("name"),
        "relation": row.get("relation"),
        "status": status,
        "errors": errors or [],
        "changed": changed or [],
        "size_class": None,
        "decision": None,
        "tier": None,
        "reference_limit": None,
        "requested_amount": None if requested is None else _money(requested),
        "granted_amount": None,
        "reasons": [],
        "policy_version": None,
    }


def add_assessment(line: dict[str, Any], result: PartyAssessment) -> None:
    """The engine's answer, and why when it is not *eligible* [003 §五, §八]."""
    answer = result.assessment
    line["size_class"] = answer.size_class
    line["decision"] = answer.decision
    line["tier"] = answer.tier
    line["reference_limit"] = _money(answer.reference_limit.amount)
    line["granted_amount"] = None if answer.granted is None else _money(answer.granted.amount)
    line["policy_version"] = answer.policy_version
    line["reasons"] = [
        f"{r.message} {r.clause}"
        + (f" (observed {r.observed}, threshold {r.threshold})" if r.observed else "")
        for r in answer.rules
        if r.result != "pass"
    ]


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def counts(lines: list[dict[str, Any]]) -> dict[str, int]:
    """Rows per status and, among firms taken, per decision."""
    totals: dict[str, int] = {"rows": len(lines)}
    for status in STATUSES:
        totals[status] = sum(1 for line in lines if line["status"] == status)
    for decision in ("eligible", "refer", "ineligible"):
        totals[decision] = sum(1 for line in lines if line["decision"] == decision)
    return totals


def _cells(line: dict[str, Any]) -> list[Any]:
    cells = []
    for key, _ in REPORT_COLUMNS:
        value = line.get(key)
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        elif key == "status":
            value = f"{STATUSES.get(value, value)} {value}"
        cells.append("" if value is None else value)
    return cells


def _titles() -> list[str]:
    return [f"{title}({key})" for key, title in REPORT_COLUMNS]


def report_csv(lines: list[dict[str, Any]]) -> bytes:
    """UTF-8 with BOM, so that Excel opens the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_row(_titles()))
    for line in lines:
        writer.writerow(csv_row(_cells(line)))
    return out.getvalue().encode("utf-8-sig")


def report_xlsx(lines: list[dict[str, Any]]) -> bytes:
    """Amounts as text cells so that no digit is lost to a float."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("导入结果")
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, _titles()))
    for line in lines:
        sheet.append(xlsx_row(sheet, _cells(line)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_report(lines: list[dict[str, Any]], file_format: str) -> bytes:
    if file_format == "xlsx":
        return report_xlsx(lines)
    return report_csv(lines)
