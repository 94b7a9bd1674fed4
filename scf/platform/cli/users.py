"""``scf users``: what an administrator does on the administration pages, for operators.

Passwords are read from standard input (one line, or a hidden prompt on a terminal),
never from an argument, which would show in ``ps`` and the shell history. The
command line acts as the system; every change is audited like a page's.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from sqlalchemy.orm import Session

from scf.platform.auth.access import Actor
from scf.platform.cli import app_session
from scf.platform.cli.listing import print_rows
from scf.platform.models.enums import Role

CLI = Actor.system("cli")


def read_password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\n")


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
    from scf.platform.services.admin.users import create_user

    password = read_password()
    with app_session() as session:
        user = create_user(
            session,
            CLI,
            username=username,
            password=password,
            role=role,
            display_name=display_name,
            market_code=market,
            branch=branch,
        )
        click.echo(f"已创建用户 (user created): {user.username} ({user.role.value})")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_command(as_json: bool) -> None:
    """List users with role, market, branch and whether they are active."""
    from scf.platform.services.admin.queries import list_users, user_record

    with app_session() as session:
        rows = [user_record(session, u) for u in list_users(session, CLI)]
    print_rows(
        rows,
        as_json,
        lambda row: (
            f"{row['username']:<16} {row['role']:<22} {row['market'] or '-':<6} "
            f"{row['branch'] or '-':<10} {'active' if row['active'] else 'INACTIVE'}  "
            f"{row['display_name']}"
        ),
        f"共 {len(rows)} 个用户 (users)",
    )


def run_use_case(change: Callable[[Session], object], done: str) -> None:
    """Run one use case as the system (its own unit of work) and say what was done."""
    with app_session() as session:
        change(session)
    click.echo(done)


@users.command("set-role")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--market", help="Market id or code, when the new role is market_administrator.")
def set_role(username: str, role: str, market: str | None) -> None:
    """Give USERNAME another role."""
    from scf.platform.services.admin.users import change_role

    run_use_case(
        lambda session: change_role(session, CLI, username, role, market_code=market),
        f"已更改角色 (role changed): {username} → {role}",
    )


@users.command("assign-market")
@click.argument("username")
@click.option("--market", required=True, help="Market id or code.")
def assign_market_command(username: str, market: str) -> None:
    """Tie the market administrator USERNAME to a market (they see only that one)."""
    from scf.platform.services.admin.users import assign_market

    run_use_case(
        lambda session: assign_market(session, CLI, username, market),
        f"已分配市场 (market assigned): {username} → {market}",
    )


@users.command("set-branch")
@click.argument("username")
@click.option("--branch", help="Branch name; omit to take the user out of any branch.")
def set_branch(username: str, branch: str | None) -> None:
    """Put USERNAME in a branch (a relationship manager sees their branch's parties)."""
    from scf.platform.services.admin.users import assign_branch

    run_use_case(
        lambda session: assign_branch(session, CLI, username, branch),
        f"已更改分行 (branch set): {username} → {branch or '-'}",
    )


@users.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """Stop USERNAME from logging in; their sessions and API tokens stop working."""
    from scf.platform.services.admin.users import set_active

    run_use_case(
        lambda session: set_active(session, CLI, username, False),
        f"已停用 (deactivated): {username}",
    )


@users.command("activate")
@click.argument("username")
def activate(username: str) -> None:
    """Let USERNAME log in again (also clears a lockout)."""
    from scf.platform.services.admin.users import set_active

    run_use_case(
        lambda session: set_active(session, CLI, username, True),
        f"已启用 (activated): {username}",
    )


@users.command("reset-password")
@click.argument("username")
def reset_password_command(username: str) -> None:
    """Set USERNAME's password from standard input; unlocks the account, ends its
    sessions and revokes its API tokens."""
    from scf.platform.services.admin.users import reset_password

    password = read_password()
    run_use_case(
        lambda session: reset_password(session, CLI, username, password),
        f"已重置密码 (password reset): {username}",
    )
