"""``scf lending …``: facilities, the daily loan-book refresh, reconciliation, authority."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from scf.platform.auth.access import Actor
from scf.platform.cli import app_session
from scf.platform.clock import business_today


def _date(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else business_today()


@click.group()
def lending() -> None:
    """Facilities, loans and repayments (授信、贷款、还款)."""


@lending.command("facilities")
@click.option("--status", help="proposed, sent_back, active, frozen, expired, closed.")
@click.option("--product", help="receivable_pledge, factoring, goods_pledge, … ")
@click.option("--party", help="Borrower's unified social credit code.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def facilities_command(
    status: str | None, product: str | None, party: str | None, as_json: bool
) -> None:
    """List facilities with limit, used and available."""
    from scf.platform.services.lending.queries import list_facilities, summary_dict

    with app_session() as session:
        total, rows = list_facilities(
            session, Actor.system("cli"), party_uscc=party, status=status, product=product
        )
        data = [summary_dict(*row) for row in rows]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{'id':>5}  {'code':<18} {'product':<20} {'status':<9} {'limit':>16} {'used':>16} {'available':>16}  party"
    )
    for row in data:
        click.echo(
            f"{row['id']:>5}  {row['code']:<18} {row['product']:<20} {row['status']:<9} "
            f"{_yuan(row['limit_amount']):>16} {_yuan(row['used']):>16} "
            f"{_yuan(row['available']):>16}  {row['party']['name']}"  # type: ignore[index]
        )
    click.echo(f"共 {total} 笔授信 (facilities)")


def _yuan(text: object) -> str:
    """A decimal string with thousands separators, without passing through float."""
    from decimal import Decimal

    from scf.credit.money import format_yuan

    return format_yuan(Decimal(str(text)))


@lending.command("facility")
@click.argument("facility_id", type=int)
@click.option("--as-of", help="Figures as of YYYY-MM-DD (today).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def facility_command(facility_id: int, as_of: str | None, as_json: bool) -> None:
    """One facility: limit accounting and each candidate of availability."""
    from scf.platform.services.lending.queries import facility_view

    with app_session() as session:
        view = facility_view(session, Actor.system("cli"), facility_id, _date(as_of))
        data = view.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    position = view.position
    click.echo(f"{data['code']}  {view.party.name}  {data['product']}  {data['status']}")
    for label, value in (
        ("limit", position.limit),
        ("blocked", position.blocked),
        ("outstanding", position.outstanding),
        ("used", position.used),
        ("available", view.availability.amount),
    ):
        click.echo(f"  {label:<12}{_yuan(value):>18}")
    for c in view.availability.candidates:
        mark = " ←" if c.name == view.availability.binding else ""
        click.echo(f"  {c.name:<22}{_yuan(c.amount):>18}  {c.formula} {c.clause}{mark}")


@lending.command("refresh")
@click.option("--as-of", help="YYYY-MM-DD (today).")
def refresh_command(as_of: str | None) -> None:
    """Days past due and delinquency class of every active loan; expire ended facilities."""
    from scf.platform.services.lending.facility_status import expire_facilities
    from scf.platform.services.lending.loan_book import refresh_loan_book
    from scf.platform.services.unit_of_work import unit_of_work

    on = _date(as_of)
    with app_session() as session, unit_of_work(session):
        loans = refresh_loan_book(session, on)
        expired = expire_facilities(session, Actor.system("cli"), on)
    click.echo(f"{on}: {loans} 笔贷款已更新 (loans refreshed), {len(expired)} 笔额度到期 (expired)")


@lending.command("reconcile")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def reconcile_command(as_json: bool) -> None:
    """Check every stored figure against what it is derived from; exit 1 on a difference."""
    import sqlalchemy as sa

    from scf.platform.models import Facility, Loan, WarehouseReceipt
    from scf.platform.services.collateral.receipt_queries import reconcile_receipt
    from scf.platform.services.lending.limits import reconcile_facility
    from scf.platform.services.lending.loan_queries import reconcile_loan

    with app_session() as session:
        problems = [
            p for f in session.scalars(sa.select(Facility)) for p in reconcile_facility(session, f)
        ]
        problems += [p for x in session.scalars(sa.select(Loan)) for p in reconcile_loan(x)]
        problems += [
            p
            for r in session.scalars(sa.select(WarehouseReceipt))
            for p in reconcile_receipt(session, r)
        ]
    if as_json:
        click.echo(json.dumps({"problems": problems}, ensure_ascii=False, indent=2))
    else:
        for p in problems:
            click.echo(p)
        click.echo(
            "对账一致 (everything reconciles)"
            if not problems
            else f"{len(problems)} 处不符 (problems)"
        )
    if problems:
        sys.exit(1)


@lending.command("authority")
@click.argument("username")
@click.argument("level")
def authority_command(username: str, level: str) -> None:
    """Give a risk officer an approval LEVEL (see authority.yaml), or 'none' to take it away."""
    from scf.platform.services.lending.facility_status import set_approval_level

    with app_session() as session:
        set_approval_level(
            session,
            Actor.system("cli"),
            username,
            None if level == "none" else level,
            on=business_today(),
        )
    click.echo(f"{username}: 审批权限 (approval level) = {level}")
