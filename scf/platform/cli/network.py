"""``scf network circles | exposure USCC | stress --default USCC --shock COMMODITY=-20%``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import click

from scf.credit.money import format_yuan
from scf.platform.auth.access import Actor
from scf.platform.cli import app_session
from scf.platform.db import json_dumps

AS_OF = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date to look at (YYYY-MM-DD); default today.",
)
JSON = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def _date(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


def _yuan(value: Decimal | None) -> str:
    return "-" if value is None else format_yuan(value)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(json.loads(json_dumps(data)), ensure_ascii=False, indent=2))


@click.group()
def network() -> None:
    """The network (关系网络): guarantee circles, exposure, contagion stress tests."""


@network.command("circles")
@AS_OF
@click.option("--min-size", type=click.IntRange(2), default=2, show_default=True)
@JSON
def circles_command(as_of: dt.datetime | None, min_size: int, as_json: bool) -> None:
    """List guarantee circles (担保圈) with their cycles, motifs and policy breaches."""
    from scf.platform.services.network.queries import guarantee_circles_view

    with app_session() as session:
        rows = guarantee_circles_view(session, Actor.system("cli"), _date(as_of), min_size=min_size)
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        names = "、".join(m.get("name", m.get("id", "?")) for m in row["members"])
        click.echo(
            f"{row['id']:<10} {row['size']:>3}户  担保额 {_yuan(row['guaranteed_amount']):>16}  "
            f"敞口 {_yuan(row['exposure']):>16}  {names}"
        )
        for breach in row["breaches"]:
            click.echo(
                f"{'':<10} 违规 {breach['clause']} 小微企业互保: {' ⇄ '.join(breach['parties'])}"
            )
    click.echo(f"共 {len(rows)} 个担保圈 (guarantee circles)")


@network.command("exposure")
@click.argument("uscc")
@AS_OF
@JSON
def exposure_command(uscc: str, as_of: dt.datetime | None, as_json: bool) -> None:
    """Exposure of a party: own, related-party group, joint-guarantee groups, chain, market."""
    from scf.platform.services.network.queries import exposure_report

    with app_session() as session:
        report = exposure_report(session, Actor.system("cli"), uscc, _date(as_of))
    if as_json:
        _echo_json(report)
        return
    own, group = report["own"], report["related_party_group"]
    click.echo(f"{report['name']} ({report['uscc']})  as of {report['as_of']}")
    click.echo(
        f"  本户敞口 own            {_yuan(own['exposure']):>18}  余量 {_yuan(own['headroom'])}"
    )
    click.echo(
        f"  集团敞口 group ({len(group['members'])}户) {_yuan(group['exposure']):>18}  "
        f"占资本净额 {group['ratio'] * 100:.4f}% / 限 {group['limit_ratio'] * 100:.0f}%  "
        f"余量 {_yuan(group['headroom'])}{'  超限!' if group['breached'] else ''}"
    )
    for joint in report["joint_guarantee_groups"]:
        click.echo(f"  联保体 {joint['name']}: 合计 {_yuan(joint['total'])}")
    if report["chain"]:
        chain = report["chain"]
        click.echo(
            f"  供应链 chain: 自身 {_yuan(chain['own'])} + 应收融资 {_yuan(chain['receivable_financing'])}"
            f" + 经销商融资 {_yuan(chain['dealer_financing'])} = {_yuan(chain['total'])}"
        )
    for market in report["market"] or []:
        click.echo(
            f"  市场 {market['name']}: 敞口 {_yuan(market['total'])}; 对外担保 "
            f"{_yuan(market['guarantees_used'])} / 能力 {_yuan(market['guarantee_capacity'])}"
            f"{'  超限!' if market['capacity_breached'] else ''}"
        )
    click.echo(f"  可用余量 headroom       {_yuan(report['headroom']):>18}")
    click.echo(f"  policy {report['policy_version']}")


@network.command("stress")
@click.option("--default", "defaults", multiple=True, metavar="USCC", help="A defaulting party.")
@click.option(
    "--shock", "shocks", multiple=True, metavar="COMMODITY=-20%", help="A commodity price shock."
)
@AS_OF
@JSON
def stress_command(
    defaults: tuple[str, ...], shocks: tuple[str, ...], as_of: dt.datetime | None, as_json: bool
) -> None:
    """Contagion stress test: who defaults round by round, and the loss."""
    from scf.platform.services.network.stress import parse_shock, run_stress_scenario

    parsed = dict(parse_shock(s, f"--shock {s}") for s in shocks)
    with app_session() as session:
        result = run_stress_scenario(
            session, Actor.system("cli"), defaults=defaults, shocks=parsed, as_of=_date(as_of)
        )
    if as_json:
        _echo_json(result)
        return
    for breach in result["goods_breaches"]:
        click.echo(
            f"质押 {breach['loan']} {breach['borrower']}: {breach['status']} "
            f"市值 {_yuan(breach['market_value'])} 余额 {_yuan(breach['exposure'])}"
        )
    for r in result["rounds"]:
        names = "、".join(p["name"] for p in r["parties"]) or "-"
        click.echo(
            f"第{r['round']}轮 round {r['round']}: 违约 {names}; 贷款 {len(r['loans'])} 笔 "
            f"{_yuan(r['exposure_at_default'])}; 代偿 {_yuan(r['called_amount'])}"
        )
        for p in r["parties"][:20]:
            click.echo(f"    {p['name']}: {p['explanation']}")
    click.echo(
        f"受影响 {result['affected_parties']} 户 / {result['affected_loans']} 笔; "
        f"违约敞口 {_yuan(result['exposure_at_default'])}; 质物 {_yuan(result['collateral_cover'])}; "
        f"担保 {_yuan(result['guarantee_cover'])}; 回收率 {result['recovery_rate']}; "
        f"损失 total loss {_yuan(result['total_loss'])}"
    )
