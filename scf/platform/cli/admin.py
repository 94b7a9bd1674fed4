"""``scf branches`` and ``scf parties assign``: the administration pages' other half."""

from __future__ import annotations

import click

from scf.platform.cli import app_session
from scf.platform.cli.listing import parties, print_rows
from scf.platform.cli.users import CLI, run_use_case


@click.group()
def branches() -> None:
    """Bank branches (分行)."""


@branches.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_branches_command(as_json: bool) -> None:
    """List branches with their numbers of users and parties."""
    from scf.platform.services.admin.queries import list_branches

    with app_session() as session:
        rows = [
            {"name": b.branch.name, "users": b.users, "parties": b.parties}
            for b in list_branches(session, CLI)
        ]
    print_rows(
        rows,
        as_json,
        lambda row: f"{row['name']}  用户 users {row['users']}  主体 parties {row['parties']}",
    )


@branches.command("create")
@click.argument("name")
def create_branch_command(name: str) -> None:
    """Create the branch NAME."""
    from scf.platform.services.admin.assignments import create_branch

    run_use_case(
        lambda session: create_branch(session, CLI, name),
        f"已创建分行 (branch created): {name}",
    )


@branches.command("rename")
@click.argument("old_name")
@click.argument("new_name")
def rename_branch_command(old_name: str, new_name: str) -> None:
    """Rename the branch OLD_NAME to NEW_NAME."""
    from scf.platform.services.admin.assignments import rename_branch

    run_use_case(
        lambda session: rename_branch(session, CLI, old_name, new_name),
        f"已更名 (renamed): {old_name} → {new_name}",
    )


@parties.command("assign")
@click.option("--uscc", required=True, help="The party's unified social credit code.")
@click.option("--rm", "manager", help='Relationship manager\'s username; "" clears it.')
@click.option("--branch", help='Branch name; "" clears it.')
def assign_command(uscc: str, manager: str | None, branch: str | None) -> None:
    """Assign a party to a relationship manager and/or a branch; an option left out
    keeps the current value."""
    from scf.platform.auth.access import visible_party
    from scf.platform.services.admin.assignments import assign_party
    from scf.platform.services.admin.queries import party_assignment

    with app_session() as session:
        current = party_assignment(session, visible_party(session, CLI, uscc))
        manager = current["relationship_manager"] if manager is None else manager
        branch = current["branch"] if branch is None else branch
        assign_party(session, CLI, uscc, relationship_manager=manager, branch=branch)
    click.echo(f"已分配 (assigned): {uscc} → {manager or '-'} / {branch or '-'}")
