"""``scf alerts list | acknowledge | resolve``."""

from __future__ import annotations

import click

from scf.platform.auth.access import Actor
from scf.platform.cli import app_session
from scf.platform.cli.listing import print_rows
from scf.platform.services.monitoring.queries import SEVERITIES, STATUS_FILTERS


@click.group()
def alerts() -> None:
    """Monitoring alerts (预警) raised by the scheduled jobs."""


@alerts.command("list")
@click.option(
    "--status", type=click.Choice(STATUS_FILTERS), help="unresolved = open + acknowledged."
)
@click.option("--severity", type=click.Choice(SEVERITIES))
@click.option("--rule", help="Only this rule, e.g. collateral_margin.")
@click.option("--party", help="Unified social credit code or customer number.")
@click.option("--owner", help="Owner's username.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_command(
    status: str | None,
    severity: str | None,
    rule: str | None,
    party: str | None,
    owner: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List alerts, most severe and most recent first."""
    from scf.platform.services.monitoring.queries import list_alerts

    with app_session() as session:
        total, views = list_alerts(
            session,
            Actor.system("cli"),
            status=status,
            severity=severity,
            rule=rule,
            party=party,
            owner=owner,
            limit=limit,
        )
        rows = [v.to_dict() for v in views]
    print_rows(
        rows,
        as_json,
        lambda row: (
            f"{row['id']:>6}  {row['severity']:<8} {row['status']:<12} {row['rule']:<32} "
            f"{row['last_seen_on']}  {(row['party'] or {}).get('name') or '-'}\n"
            f"{'':>8}{row['message']}"
        ),
        f"共 {total} 条预警 (alerts){'' if total <= limit else f', showing {limit}'}",
    )


def _act(action: str, alert_id: int, comment: str | None) -> None:
    from scf.platform.services.monitoring.alerts import acknowledge_alert, resolve_alert

    function = acknowledge_alert if action == "acknowledge" else resolve_alert
    with app_session() as session:
        view = function(session, Actor.system("cli"), alert_id, comment)
        click.echo(f"预警 {alert_id}: {view.alert.status.value}")


@alerts.command("acknowledge")
@click.argument("alert_id", type=int)
@click.option("--comment", help="What is being done about it.")
def acknowledge_command(alert_id: int, comment: str | None) -> None:
    """Acknowledge an open alert."""
    _act("acknowledge", alert_id, comment)


@alerts.command("resolve")
@click.argument("alert_id", type=int)
@click.option("--comment", help="What was done.")
def resolve_command(alert_id: int, comment: str | None) -> None:
    """Resolve an alert by hand."""
    _act("resolve", alert_id, comment)
