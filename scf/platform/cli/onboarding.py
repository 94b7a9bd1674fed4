"""``scf onboard``: load a supplier, dealer or merchant file; ``scf onboard template``.

    scf onboard template --format xlsx -o 模板.xlsx
    scf onboard --core 911302838N2PKHWM5A suppliers.xlsx --report result.xlsx
    scf onboard --market M001 merchants.csv --dry-run

The command line acts as the system. It commits once at the end: a file with errors
(without ``--accept-valid``) or a crash leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app

from scf.platform.auth.access import Actor
from scf.platform.cli import app_session
from scf.platform.errors import ValidationFailed

SHOWN_ERRORS = 50
PHASES = {"validate": "校验 validate", "load": "写入 load", "assess": "评估 assess"}


class OnboardGroup(click.Group):
    """``scf onboard [OPTIONS] FILE`` loads; ``scf onboard template`` writes the template."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["load", *args]
        return super().parse_args(ctx, args)


@click.group(cls=OnboardGroup)
def onboard() -> None:
    """Batch onboarding of suppliers, dealers and merchants (批量导入).

    \b
    scf onboard --core USCC FILE [--as-of DATE] [--dry-run] [--accept-valid] [--report OUT]
    scf onboard --market ID FILE ...
    scf onboard template --format csv|xlsx [-o PATH]
    """


@onboard.command("template")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write (default: standard output for csv, onboarding-template.xlsx for xlsx).",
)
def template(file_format: str, output: Path | None) -> None:
    """Write the onboarding template (Chinese headers with their keys)."""
    from scf.platform.services.onboarding.downloads import template_download

    template = template_download(file_format)
    if output is None and file_format == "csv":
        sys.stdout.buffer.write(template.content)
        return
    path = output or Path(template.filename)
    path.write_bytes(template.content)
    click.echo(f"模板已写入 (template written): {path}")


@onboard.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--core", help="The core enterprise's unified social credit code.")
@click.option("--market", help="The market's id or code (M001).")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date the figures describe (default: today).",
)
@click.option("--dry-run", is_flag=True, help="Validate, load and assess, then roll back.")
@click.option("--accept-valid", is_flag=True, help="Load the valid rows, report the rest.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the full report to OUT.csv or OUT.xlsx.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the batch and its report as JSON.")
def load(
    file: Path,
    core: str | None,
    market: str | None,
    as_of: dt.datetime | None,
    dry_run: bool,
    accept_valid: bool,
    report_path: Path | None,
    as_json: bool,
) -> None:
    """Load FILE for a core enterprise (--core) or a market (--market)."""
    from scf.platform.services.onboarding.batches import onboard as run
    from scf.platform.services.onboarding.limits import FileLimits
    from scf.platform.services.onboarding.queries import batch_summary
    from scf.platform.services.onboarding.report import write_report

    report_format = _report_format(report_path)
    data = file.read_bytes()
    with app_session() as session:
        with click.progressbar(
            length=1,
            label=PHASES["validate"],
            file=sys.stderr,
            show_pos=True,
            hidden=not sys.stderr.isatty(),  # a bar for people, nothing in a script's log
        ) as bar:
            batch = run(
                session,
                Actor.system("cli"),
                filename=file.name,
                data=data,
                as_of=(as_of or dt.datetime.now()).date(),
                core=core,
                market=market,
                dry_run=dry_run,
                accept_valid=accept_valid,
                limits=FileLimits.of(current_app.extensions["scf_settings"]),
                progress=lambda phase, done, total: _advance(bar, phase, done, total),
            )
        summary = batch_summary(batch)
        report = list(batch.report)
    if report_path is not None:
        report_path.write_bytes(write_report(report, report_format))
    if as_json:
        click.echo(json.dumps({**summary, "report": report}, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, report, report_path)
    if summary["status"] == "rejected":
        sys.exit(1)


def _report_format(path: Path | None) -> str:
    if path is None:
        return "csv"
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("csv", "xlsx"):
        raise ValidationFailed(
            f"--report 应以 .csv 或 .xlsx 结尾 (must end in .csv or .xlsx): {path}",
            errors={"report": [str(path)]},
        )
    return suffix


def _advance(bar: Any, phase: str, done: int, total: int) -> None:
    bar.label = PHASES.get(phase, phase)
    bar.length = max(total, 1)
    bar.pos = 0
    bar.update(done)


def _print_summary(
    summary: dict[str, Any], report: list[dict[str, Any]], path: Path | None
) -> None:
    from scf.platform.services.onboarding.report import BATCH_STATUSES

    counts = summary["counts"]
    click.echo(
        f"批次 (batch) #{summary['id']}  {summary['filename']}  sha256 {summary['checksum'][:12]}…"
        f"  评估日 (as of) {summary['as_of']}"
    )
    for note in summary["notes"]:
        click.echo(f"  {note}")
    click.echo(f"结果 (result): {BATCH_STATUSES[summary['status']]}")
    if summary["dry_run"]:
        click.echo("试运行，未写入任何数据 (dry run: nothing written)")
    click.echo(
        f"  共 {counts['rows']} 行 (rows): 新建 created {counts['created']}, "
        f"更新 updated {counts['updated']}, 无变化 unchanged {counts['unchanged']}, "
        f"拒绝 rejected {counts['rejected']}, 未导入 not loaded {counts['not_loaded']}"
    )
    click.echo(
        f"  准入 (decision): eligible {counts['eligible']}, refer {counts['refer']}, "
        f"ineligible {counts['ineligible']}"
    )
    errors = [error for line in report for error in line["errors"]]
    for error in errors[:SHOWN_ERRORS]:
        click.echo(f"  {error}")
    if len(errors) > SHOWN_ERRORS:
        click.echo(f"  … 另有 {len(errors) - SHOWN_ERRORS} 条错误 (more errors: see --report)")
    if path is not None:
        click.echo(f"报告已写入 (report written): {path}")
