"""``scf parties list`` and ``scf markets list``, and how every listing prints."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from scf.platform.auth.access import Actor
from scf.platform.cli import app_session
from scf.platform.services.parties.queries import ROLES


def print_rows(
    rows: list[dict[str, Any]],
    as_json: bool,
    line: Callable[[dict[str, Any]], str],
    footer: str | None = None,
) -> None:
    """Rows as indented JSON (``--json``), or a line each (``line``) and the footer."""
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(line(row))
    if footer is not None:
        click.echo(footer)


@click.group()
def parties() -> None:
    """Parties of the network (主体)."""


@parties.command("list")
@click.option("--role", type=click.Choice(ROLES), help="Only parties playing this role.")
@click.option("--q", "text", help="Text in the name or the unified social credit code.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_parties_command(role: str | None, text: str | None, as_json: bool) -> None:
    """List parties, optionally by role and text."""
    from scf.platform.services.parties.queries import list_parties

    with app_session() as session:
        total, views = list_parties(session, Actor.system("cli"), role=role, q=text)
        rows = [v.to_dict() for v in views]
    print_rows(
        rows,
        as_json,
        lambda row: f"{row['uscc'] or '-':<18}  {row['name']}  [{', '.join(row['roles'])}]",
        f"共 {total} 个主体 (parties)",
    )


@click.group()
def markets() -> None:
    """Markets (商圈)."""


@markets.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_markets_command(as_json: bool) -> None:
    """List markets with their stage and administrator."""
    from scf.platform.services.markets.queries import list_markets

    with app_session() as session:
        rows = [m.to_dict() for m in list_markets(session, Actor.system("cli"))]
    print_rows(
        rows,
        as_json,
        lambda row: (
            f"{row['id']:>4}  {row['name']}  {row['stage']}  "
            f"管理方: {(row['administrator'] or {}).get('name', '-')}"
        ),
    )
