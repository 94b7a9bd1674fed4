"""``scf users create``: the password is read from standard input, never from an argument."""

from __future__ import annotations

import sys

import click

from scf.platform.auth.access import Actor
from scf.platform.cli import app_session
from scf.platform.models.enums import Role


@click.group()
def users() -> None:
    """Users and roles."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--market", "market", help="Market id or code (market administrators).")
@click.option("--branch", help="Branch name (relationship managers).")
@click.option("--display-name", help="Name shown in the interface.")
def create(
    username: str, role: str, market: str | None, branch: str | None, display_name: str | None
) -> None:
    """Create a user; the password is read from standard input (one line)."""
    from scf.platform.services.users import create_user

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    with app_session() as session:
        user = create_user(
            session,
            Actor.system("cli"),
            username=username,
            password=password,
            role=role,
            display_name=display_name,
            market_code=market,
            branch=branch,
        )
        session.commit()
        click.echo(f"已创建用户 (user created): {user.username} ({user.role.value})")
