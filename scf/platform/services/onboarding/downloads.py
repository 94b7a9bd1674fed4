"""The files onboarding hands out — the template and a batch's report — each with its
name and media type, so that the API, the pages and the command line offer the same
file under the same name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scf.platform.services.onboarding.columns import template_csv, template_xlsx
from scf.platform.services.onboarding.report import write_report

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Download:
    filename: str
    mimetype: str
    content: bytes

    @property
    def headers(self) -> dict[str, str]:
        """What tells a browser to save the file under its name."""
        return {"Content-Disposition": f'attachment; filename="{self.filename}"'}


def template_download(file_format: str) -> Download:
    """The onboarding template as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    content = template_xlsx() if file_format == "xlsx" else template_csv()
    return Download(f"onboarding-template.{file_format}", MIMETYPES[file_format], content)


def report_download(batch_id: int, lines: list[dict[str, Any]], file_format: str) -> Download:
    """A batch's report as CSV or XLSX."""
    return Download(
        f"onboarding-report-{batch_id}.{file_format}",
        MIMETYPES[file_format],
        write_report(lines, file_format),
    )
