"""The story the demo tells: who exists, who borrows, and the cases planted for the engine.

Planted cases (printed by the generator and listed in seed/README.md): admission
refer/ineligible firms, a receivable pledged twice, three guarantee circles,
overdue loans, a steel price fall and a stale rubber price.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from seed import names as N
from seed.builder import (
    COAL,
    COMMODITIES,
    FALL_FROM,
    RATINGS_OK,
    RUBBER,
    RUBBER_LAST,
    SEED_AS_OF,
    SNAP_Q3,
    SNAP_YEAR_END,
    STEEL,
    Builder,
    add_months,
    business_days,
    d,
    money_text,
    ratio_text,
)
from seed.sizes import draw, size_class

REFER_CASES = ("young", "loss_year", "missing_figures", "controller_bad_credit")
INELIGIBLE_CASES = (
    "high_debt",
    "bad_credit",
    "entertainment",
    "environmental_incident",
    "debt_evasion_list",
)
# Planted case -> the policy's prohibited flag (tier.prohibited.flags, [003 §五(四)]).
PROHIBITED_FLAG = {
    "entertainment": "entertainment",
    "environmental_incident": "safety_quality_environment_incident",
    "debt_evasion_list": "pboc_debt_evasion_list",
}


def populate(b: Builder) -> None:
    ctx: dict[str, Any] = {}
    prices(b)
    cores(b, ctx)
    suppliers(b, ctx)
    dealers(b, ctx)
    markets(b, ctx)
    others(b, ctx)
    related_parties(b, ctx)
    receivable_finance(b, ctx)
    dealer_finance(b, ctx)
    merchant_finance(b, ctx)
    goods_finance(b, ctx)
    circles(b, ctx)
    snapshots(b)
    users(b)


# -- prices -------------------------------------------------------------------
def prices(b: Builder) -> None:
    rng = b.rng
    days = business_days(date(2026, 4, 1), SEED_AS_OF)
    for code, name, unit, category in COMMODITIES:
        b.rows["commodities"].append(
            {"code": code, "name": name, "unit": unit, "category": category}
        )
    series: dict[str, list[tuple[date, Decimal]]] = {}
    # steel: sideways walk, then a fall of about 25% from FALL_FROM to SEED_AS_OF
    p = 3620.0
    fall_days = [x for x in days if x > FALL_FROM]
    steel = []
    for day in days:
        if day <= FALL_FROM:
            p *= 1 + rng.uniform(-0.008, 0.0085)
            start = p
        else:
            k = fall_days.index(day) + 1
            p = start * (0.75 ** (k / len(fall_days))) * (1 + rng.uniform(-0.004, 0.004))
            if day == SEED_AS_OF:
                p = start * 0.75
        steel.append((day, d(f"{p:.2f}")))
    series[STEEL] = steel
    p, coal = 786.0, []
    for day in days:
        p *= 1 + rng.uniform(-0.006, 0.006)
        coal.append((day, d(f"{p:.2f}")))
    series[COAL] = coal
    p, rubber = 14850.0, []
    for day in days:
        if day > RUBBER_LAST:
            break
        p *= 1 + rng.uniform(-0.009, 0.009)
        rubber.append((day, d(f"{p:.2f}")))
    series[RUBBER] = rubber
    b.prices = series
    for code, points in series.items():
        for day, price in points:
            b.rows["prices"].append(
                {"commodity": code, "price_date": day.isoformat(), "price": money_text(price)}
            )
    b.note("steel_fall", f"{steel[-23][1]}->{steel[-1][1]}")
    b.note("rubber_stale_last_price", RUBBER_LAST.isoformat())


# -- parties ------------------------------------------------------------------
def cores(b: Builder, ctx: dict[str, Any]) -> None:
    ctrl = b.person("唐山市", roles="controller")
    holding = b.firm(
        "enterprise",
        "冀东恒泰控股有限公司",
        "leasing_business_services",
        "唐山市",
        ["holding_company"],
        size="medium",
        established=date(1996, 3, 18),
        legal_rep=ctrl,
        district=("130283", "迁安市"),
    )
    steel = b.firm(
        "enterprise",
        "冀东恒泰钢铁集团有限公司",
        "manufacturing",
        "唐山市",
        ["core_enterprise"],
        size="large",
        established=date(1998, 6, 8),
        legal_rep=ctrl,
        district=("130283", "迁安市"),
    )
    b.rel("controls", ctrl, holding, valid_from=date(1996, 3, 18))
    b.rel("holds_shares", ctrl, holding, percentage=d("0.8000"), valid_from=date(1996, 3, 18))
    b.rel("controls", holding, steel, valid_from=date(2003, 1, 1))
    b.rel("holds_shares", holding, steel, percentage=d("0.6200"), valid_from=date(2003, 1, 1))
    b.add_role(ctrl, "controller")
    tyre = b.firm(
        "enterprise",
        "邢台华轮轮胎股份有限公司",
        "manufacturing",
        "邢台市",
        ["core_enterprise"],
        size="large",
        established=date(2004, 9, 21),
    )
    b.profile[steel]["figures"] = (16800, 4_850_000, 6_120_000)  # persons, 万元, 万元
    b.profile[tyre]["figures"] = (4200, 820_000, 960_000)
    b.profile[steel]["rating"] = "AA+"
    b.profile[tyre]["rating"] = "AA"
    b.profile[holding]["rating"] = "AA-"
    ctx.update(steel=steel, tyre=tyre, holding=holding, steel_ctrl=ctrl)
    pg1 = "PG01"
    b.rows["programmes"] += [
        {
            "key": "PG01",
            "kind": "core",
            "core_key": steel,
            "market_key": "",
            "name": "冀东恒泰钢铁1+N供应链融资",
            "cap": money_text(d(1_200_000_000)),
            "valid_from": "2025-01-01",
            "valid_to": "2027-12-31",
        },
        {
            "key": "PG02",
            "kind": "core",
            "core_key": tyre,
            "market_key": "",
            "name": "华轮轮胎经销商保兑仓",
            "cap": money_text(d(150_000_000)),
            "valid_from": "2025-07-01",
            "valid_to": "2027-06-30",
        },
    ]
    ctx["pg_steel"], ctx["pg_tyre"] = pg1, "PG02"


def weighted_lines(b: Builder) -> list[tuple[str, str]]:
    out = []
    for industry, word, weight in N.STEEL_SUPPLIER_LINES:
        out += [(industry, word)] * weight
    return out


def pick_size(b: Builder, micro: int = 40, small: int = 52) -> str:
    r = b.rng.randint(1, 100)
    return "micro" if r <= micro else "small" if r <= micro + small else "medium"


def suppliers(b: Builder, ctx: dict[str, Any]) -> None:
    steel, holding = ctx["steel"], ctx["holding"]
    lines = weighted_lines(b)
    cities = ["唐山市"] * 6 + [
        "秦皇岛市",
        "承德市",
        "邯郸市",
        "石家庄市",
        "沧州市",
        "廊坊市",
        "保定市",
    ]
    planted = {
        7: "young",
        19: "loss_year",
        31: "missing_figures",
        43: "controller_bad_credit",
        55: "high_debt",
        67: "bad_credit",
        79: "environmental_incident",
        91: "debt_evasion_list",
        103: "loss_year",
        115: "young",
    }
    sups = []
    # two subsidiaries of the group supply it too (related-party chain)
    logistics = b.firm(
        "enterprise",
        "冀东恒泰物流有限公司",
        "transport",
        "唐山市",
        ["supplier"],
        size="medium",
        established=date(2009, 5, 12),
        district=("130283", "迁安市"),
    )
    refractory = b.firm(
        "enterprise",
        "唐山恒泰耐火材料有限公司",
        "manufacturing",
        "唐山市",
        ["supplier"],
        size="small",
        established=date(2011, 8, 30),
    )
    b.rel("controls", steel, logistics, valid_from=date(2009, 5, 12))
    b.rel("holds_shares", steel, logistics, percentage=d(1), valid_from=date(2009, 5, 12))
    b.rel("holds_shares", steel, refractory, percentage=d("0.3500"), valid_from=date(2011, 8, 30))
    ctx["group_subsidiaries"] = [logistics, refractory]
    sups += [logistics, refractory]
    for i in range(1, 219):
        industry, word = b.rng.choice(lines)
        city = b.rng.choice(cities)
        case = planted.get(i)
        established = date(2024, 3, 15) + timedelta(days=i) if case == "young" else None
        key = b.firm(
            "enterprise",
            b.co_name(city, word),
            industry,
            city,
            ["supplier"],
            size=pick_size(b),
            established=established,
            case=case,
        )
        sups.append(key)
    coal = []
    for name, city, district in (
        ("武安恒源煤业有限公司", "邯郸市", ("130481", "武安市")),
        ("邢台金峰矿业有限公司", "邢台市", ("130503", "信都区")),
    ):
        coal.append(
            b.firm(
                "enterprise",
                name,
                "coal_mining",
                city,
                ["supplier", "coal_producer"],
                size="medium",
                district=district,
            )
        )
    sups += coal
    ctx["coal"] = coal
    for s in sups:
        since = b.day_between(date(2012, 1, 1), date(2025, 6, 30))
        b.rel("supplies_to", s, steel, valid_from=since)
        b.profile[s].setdefault("tier", []).append("chain_member")
    ctx["suppliers"] = sups
    del holding
    # rubber and cord suppliers of the tyre maker
    tyre_sups = []
    for word in ("橡胶贸易", "橡胶贸易", "天然橡胶购销", "帘线制造", "炭黑化工"):
        industry = "manufacturing" if word in ("帘线制造", "炭黑化工") else "wholesale"
        key = b.firm(
            "enterprise",
            b.co_name("衡水市", word),
            industry,
            "衡水市",
            ["supplier"],
            size=pick_size(b, 20, 70),
        )
        b.rel(
            "supplies_to",
            key,
            ctx["tyre"],
            valid_from=b.day_between(date(2015, 1, 1), date(2023, 1, 1)),
        )
        tyre_sups.append(key)
    ctx["rubber_traders"] = tyre_sups[:3]


def dealers(b: Builder, ctx: dict[str, Any]) -> None:
    steel, tyre = ctx["steel"], ctx["tyre"]
    cities = ["石家庄市", "保定市", "廊坊市", "沧州市", "邯郸市", "衡水市", "唐山市", "秦皇岛市"]
    trading = b.firm(
        "enterprise",
        "冀东恒泰国际贸易有限公司",
        "wholesale",
        "唐山市",
        ["dealer"],
        size="medium",
        established=date(2013, 4, 2),
    )
    b.rel("controls", steel, trading, valid_from=date(2013, 4, 2))
    b.rel("holds_shares", steel, trading, percentage=d("0.5100"), valid_from=date(2013, 4, 2))
    ds = [trading]
    planted = {9: "young", 21: "high_debt", 33: "loss_year"}
    for i in range(1, 62):
        city = b.rng.choice(cities)
        case = planted.get(i)
        established = date(2024, 8, 1) if case == "young" else None
        ds.append(
            b.firm(
                "enterprise",
                b.co_name(city, b.rng.choice(N.STEEL_DEALER_WORDS)),
                "wholesale",
                city,
                ["dealer"],
                size=pick_size(b, 25, 60),
                established=established,
                case=case,
            )
        )
    for key in ds:
        b.rel(
            "distributes_for",
            key,
            steel,
            valid_from=b.day_between(date(2010, 1, 1), date(2025, 3, 1)),
        )
        b.profile[key].setdefault("tier", []).append("chain_member")
    ctx["dealers"] = ds
    tds = []
    for i in range(8):
        city = ("邢台市", "石家庄市", "保定市", "邯郸市", "沧州市", "廊坊市", "唐山市", "衡水市")[i]
        key = b.firm(
            "enterprise",
            b.co_name(city, b.rng.choice(N.TYRE_DEALER_WORDS)),
            "wholesale",
            city,
            ["dealer"],
            size=pick_size(b, 10, 70),
        )
        b.rel(
            "distributes_for",
            key,
            tyre,
            valid_from=b.day_between(date(2014, 1, 1), date(2023, 6, 1)),
        )
        b.profile[key]["tier"] = ["chain_member"]
        tds.append(key)
    ctx["tyre_dealers"] = tds


def merchant(
    b: Builder,
    city: str,
    ib_words: tuple[str, ...],
    co_words: tuple[str, ...],
    industry_ib: str,
    industry_co: str,
    ib_share: int,
    case: str | None,
    district: tuple[str, str],
) -> str:
    if b.rng.randint(1, 100) <= ib_share or (case or "").startswith("ib_"):
        established = (
            date(2024, 2, 1)
            if case == "young"
            else b.day_between(date(2008, 1, 1), date(2022, 6, 1))
        )
        key = b.firm(
            "individual_business",
            b.ib_name(city, district[1], b.rng.choice(ib_words)),
            industry_ib,
            city,
            ["merchant"],
            size="micro",
            established=established,
            case=case,
            district=district,
        )
    else:
        established = date(2024, 5, 20) if case == "young" else None
        key = b.firm(
            "enterprise",
            b.co_name(city, b.rng.choice(co_words)),
            industry_co,
            city,
            ["merchant"],
            size=pick_size(b, 45, 50),
            established=established,
            case=case,
            district=district,
        )
    return key


def markets(b: Builder, ctx: dict[str, Any]) -> None:
    adm_steel = b.firm(
        "enterprise",
        "石家庄冀运钢材市场管理有限公司",
        "leasing_business_services",
        "石家庄市",
        ["market_administrator"],
        size="medium",
        established=date(2006, 9, 1),
        district=("130104", "桥西区"),
    )
    adm_home = b.firm(
        "enterprise",
        "保定美嘉家居城商业管理有限公司",
        "property_management",
        "保定市",
        ["market_administrator"],
        size="medium",
        established=date(2021, 11, 8),
        district=("130602", "竞秀区"),
    )
    b.rows["markets"] += [
        {
            "key": "M001",
            "name": "石家庄冀运钢材市场",
            "kind": "professional_market",
            "commodity": "钢材",
            "stage": "mature",
            "opened_on": "2008-04-18",
            "province": N.PROVINCE,
            "city": "石家庄市",
            "administrator_key": adm_steel,
        },
        {
            "key": "M002",
            "name": "保定美嘉家居城",
            "kind": "mall",
            "commodity": "家居建材",
            "stage": "fast_growing",
            "opened_on": "2022-09-28",
            "province": N.PROVINCE,
            "city": "保定市",
            "administrator_key": adm_home,
        },
    ]
    b.rel("administers", adm_steel, "M001", valid_from=date(2008, 4, 18))
    b.rel("administers", adm_home, "M002", valid_from=date(2022, 9, 28))
    b.rows["programmes"] += [
        {
            "key": "PG03",
            "kind": "market",
            "core_key": "",
            "market_key": "M001",
            "name": "冀运钢材市场商户贷",
            "cap": money_text(d(300_000_000)),
            "valid_from": "2025-03-01",
            "valid_to": "2027-02-28",
        },
        {
            "key": "PG04",
            "kind": "market",
            "core_key": "",
            "market_key": "M002",
            "name": "美嘉家居城商户贷",
            "cap": money_text(d(120_000_000)),
            "valid_from": "2025-10-01",
            "valid_to": "2027-09-30",
        },
    ]
    steel_m = []
    planted = {
        5: "ib_over_65",
        17: "ib_low_household_assets",
        29: "young",
        41: "bad_credit",
        53: "ib_not_local",
        65: "loss_year",
        77: "missing_figures",
    }
    for i in range(126):
        district = ("130104", "桥西区") if i % 3 else b.rng.choice(N.CITIES["石家庄市"][1])
        key = merchant(
            b,
            "石家庄市",
            N.STEEL_MERCHANT_IB,
            N.STEEL_MERCHANT_CO,
            "wholesale",
            "wholesale",
            55,
            planted.get(i),
            district,
        )
        b.rel(
            "member_of_market",
            key,
            "M001",
            valid_from=b.day_between(date(2008, 4, 18), date(2023, 6, 1)),
        )
        b.profile[key].setdefault("tier", []).append("mature_market_merchant")
        steel_m.append(key)
    home_m = []
    planted = {
        4: "entertainment",
        16: "ib_short_trade",
        28: "ib_no_fixed_home",
        40: "young",
        52: "high_debt",
        64: "ib_new_premises",
        76: "controller_bad_credit",
    }
    for i in range(124):
        district = ("130602", "竞秀区") if i % 4 else ("130606", "莲池区")
        case = planted.get(i)
        if case == "entertainment":
            key = b.firm(
                "enterprise",
                b.co_name("保定市", "娱乐"),
                "other",
                "保定市",
                ["merchant"],
                size="small",
                case=case,
                district=district,
            )
        else:
            key = merchant(
                b,
                "保定市",
                N.HOME_MERCHANT_IB,
                N.HOME_MERCHANT_CO,
                "retail",
                "retail",
                70,
                case,
                district,
            )
        b.rel(
            "member_of_market",
            key,
            "M002",
            valid_from=b.day_between(date(2022, 9, 28), date(2025, 9, 1)),
        )
        if b.rng.random() < 0.3:
            b.profile[key].setdefault("cautious", []).append("fierce_competition")
        home_m.append(key)
    ctx.update(
        adm_steel=adm_steel, adm_home=adm_home, steel_merchants=steel_m, home_merchants=home_m
    )


def others(b: Builder, ctx: dict[str, Any]) -> None:
    gc = b.firm(
        "guarantee_company",
        "河北冀信融资担保有限公司",
        "other",
        "石家庄市",
        ["guarantee_company"],
        size="medium",
        established=date(2010, 12, 6),
        district=("130105", "新华区"),
    )
    sup = b.firm(
        "warehouse_supervisor",
        "河北诚储仓储监管有限公司",
        "warehousing",
        "石家庄市",
        ["warehouse_supervisor"],
        size="small",
        established=date(2012, 7, 19),
        district=("130108", "裕华区"),
    )
    b.rel("supervises", sup, "M001", valid_from=date(2015, 1, 1))
    for coal in ctx["coal"]:
        b.rel("supervises", sup, coal, valid_from=date(2024, 1, 1))
    for trader in ctx["rubber_traders"]:
        b.rel("supervises", sup, trader, valid_from=date(2024, 6, 1))
    ctx.update(gc=gc, supervisor=sup)
    # operators' spouses: individual businesses give the spouse's guarantee [DOMAIN §7]
    for key in ctx["steel_merchants"] + ctx["home_merchants"]:
        if b.party[key]["kind"] == "individual_business" and b.rng.random() < 0.7:
            rep = b.legal_rep[key]
            spouse = b.person(b.party[key]["city"], roles="spouse")
            b.spouse[rep] = spouse
            b.rel("spouse_of", rep, spouse)


def related_parties(b: Builder, ctx: dict[str, Any]) -> None:
    """Persons controlling several firms, ≥15% holdings and a firm-to-firm chain [DOMAIN §9]."""
    rng = b.rng
    pools = [
        ctx["suppliers"][3:200],
        ctx["dealers"][1:],
        ctx["steel_merchants"],
        ctx["home_merchants"],
    ]
    used: set[str] = set()
    for g in range(6):
        firms = []
        for pool in rng.sample(pools, 2):
            candidates = [
                k
                for k in pool
                if k not in used and b.party[k]["kind"] == "enterprise" and not b.profile[k]["case"]
            ]
            firms += rng.sample(candidates, rng.randint(1, 2))
        used.update(firms)
        ctrl = b.legal_rep[firms[0]]
        b.add_role(ctrl, "controller")
        for j, firm in enumerate(firms):
            since = date.fromisoformat(b.party[firm]["established_on"])
            pct = d(rng.choice(("1", "0.8", "0.6", "0.51", "0.35"))) if j else d("0.7000")
            b.rel("holds_shares", ctrl, firm, percentage=pct, valid_from=since)
            if pct > d("0.5"):
                b.rel("controls", ctrl, firm, valid_from=since)
            if j and g % 2:
                b.profile[firm].setdefault("cautious", []).append("complex_shareholding")
        b.note("related_group", "+".join([ctrl, *firms]))
        if g == 0:  # a chain: the first firm owns 60% of a further firm
            extra = next(
                k for k in ctx["suppliers"][200:] if k not in used and not b.profile[k]["case"]
            )
            used.add(extra)
            b.rel(
                "holds_shares", firms[0], extra, percentage=d("0.6000"), valid_from=date(2019, 3, 1)
            )
            b.rel("controls", firms[0], extra, valid_from=date(2019, 3, 1))
            b.note("control_chain", f"{ctrl}->{firms[0]}->{extra}")
        if g == 1:  # boundary holdings of a co-investor: 15% counts, 12% does not
            co = b.person("石家庄市", roles="shareholder")
            b.rel("holds_shares", co, firms[0], percentage=d("0.1500"), valid_from=date(2020, 1, 1))
            b.rel(
                "holds_shares", co, firms[-1], percentage=d("0.1200"), valid_from=date(2020, 1, 1)
            )
            b.note("shareholding_15_vs_12", f"{co}:{firms[0]}=0.15,{firms[-1]}=0.12")
    ctx["related_used"] = used


# -- finance -------------------------------------------------------------------
def eligible(b: Builder, key: str) -> bool:
    return b.profile[key]["case"] in (None, "loss_year", "controller_bad_credit", "missing_figures")


def invoice(b: Builder) -> str:
    return "2613" + "".join(str(b.rng.randint(0, 9)) for _ in range(16))


def receivable(
    b: Builder,
    creditor: str,
    debtor: str,
    amount: Decimal,
    issued: date,
    days: int,
    loan: str = "",
    confirmed: bool = True,
    account: str | None = None,
    number: str | None = None,
) -> dict[str, str]:
    key = b.next_key("AR", 4)
    row = {
        "key": key,
        "creditor_key": creditor,
        "debtor_key": debtor,
        "invoice_number": number or invoice(b),
        "amount": money_text(amount),
        "issued_on": issued.isoformat(),
        "due_on": (issued + timedelta(days=days)).isoformat(),
        "confirmed": "true" if confirmed else "false",
        "confirmed_on": (issued + timedelta(days=b.rng.randint(2, 9))).isoformat()
        if confirmed
        else "",
        "collection_account": account if account is not None else "",
        "pledged_loan_key": loan,
    }
    b.rows["receivables"].append(row)
    return row


def account(b: Builder) -> str:
    return "1302" + "".join(str(b.rng.randint(0, 9)) for _ in range(15))


def receivable_finance(b: Builder, ctx: dict[str, Any]) -> None:
    """账易贷 and 保理 for suppliers, against receivables owed by the steel group [DOMAIN §5]."""
    rng, steel = b.rng, ctx["steel"]
    sups = [s for s in ctx["suppliers"] if s not in ctx["coal"]]
    pledgers = [s for s in sups if eligible(b, s)][:64]
    factoring = [s for s in sups if eligible(b, s) and s not in pledgers][:16]
    pledge_loans: list[tuple[str, list[dict[str, str]]]] = []
    for idx, s in enumerate(pledgers):
        acct = account(b)
        n = rng.randint(1, 4)
        amounts = [
            b.amount(150_000, 2_600_000, 1000) + d(rng.randint(0, 99999)) / 100 for _ in range(n)
        ]
        if idx == 5:  # planted: matured yesterday, unpaid
            issued, days = date(2026, 7, 22), 120
        else:
            issued, days = (
                b.day_between(date(2026, 6, 20), date(2026, 10, 25)),
                rng.choice((120, 150, 180)),
            )
        limit = (sum(amounts) * d("0.8") / 100000).to_integral_value() * 100000 + 500000
        fac = b.add_facility(
            s,
            "receivable_pledge",
            limit,
            date(2026, 1, 1) + timedelta(days=idx * 2),
            programme="PG01",
        )
        drawn = issued + timedelta(days=rng.randint(5, 12))
        maturity = issued + timedelta(days=days)
        if drawn.day == 20:
            drawn += timedelta(days=1)
        principal = (sum(amounts) * d("0.7") / 1000).to_integral_value(
            rounding="ROUND_FLOOR"
        ) * 1000
        loan = b.add_loan(fac, principal, drawn, maturity, "bullet", overdue=1 if idx == 5 else 0)
        rows = [receivable(b, s, steel, a, issued, days, loan=loan, account=acct) for a in amounts]
        pledge_loans.append((loan, rows))
        b.personal_guarantee(loan, s, principal)
        # older, settled receivables and a few fresh unpledged ones
        for _ in range(rng.randint(1, 3)):
            old = b.day_between(date(2025, 9, 1), date(2026, 10, 31))
            receivable(
                b,
                s,
                steel,
                b.amount(80_000, 1_800_000, 100),
                old,
                rng.choice((90, 120, 180)),
                confirmed=rng.random() > 0.1,
                account=acct if rng.random() > 0.1 else "",
            )
    # the double pledge: supplier B's pledged receivable copies supplier A's invoice number
    (loan_a, rows_a), (loan_b, rows_b) = pledge_loans[11], pledge_loans[37]
    rows_b[0]["invoice_number"] = rows_a[0]["invoice_number"]
    b.note(
        "double_pledged_receivable",
        f"{rows_a[0]['key']}({loan_a})+{rows_b[0]['key']}({loan_b}) "
        f"invoice {rows_a[0]['invoice_number']}",
    )
    for s in factoring:
        acct = account(b)
        amount = b.amount(300_000, 3_000_000, 100)
        issued = b.day_between(date(2026, 5, 1), date(2026, 10, 31))
        days = rng.choice((90, 120, 180, 240))
        fac = b.add_facility(s, "factoring", amount, issued - timedelta(days=30), programme="PG01")
        drawn = issued + timedelta(days=rng.randint(3, 10))
        if drawn.day == 20:
            drawn += timedelta(days=1)
        principal = (amount * d("0.8") / 1000).to_integral_value(rounding="ROUND_FLOOR") * 1000
        loan = b.add_loan(fac, principal, drawn, issued + timedelta(days=days), "bullet")
        receivable(b, s, steel, amount, issued, days, loan=loan, account=acct)
    # the rest of the supply base: receivables with no financing
    for s in sups:
        if s in pledgers or s in factoring or rng.random() < 0.55:
            continue
        receivable(
            b,
            s,
            steel,
            b.amount(50_000, 1_500_000, 100),
            b.day_between(date(2026, 3, 1), date(2026, 11, 15)),
            rng.choice((60, 90, 120)),
            confirmed=rng.random() > 0.15,
            account=account(b),
        )
    # the group's own logistics arm borrows as well
    ctx["pledgers"] = pledgers


def simple_loan(
    b: Builder,
    fac: str,
    principal: Decimal,
    start: date,
    months: int,
    method: str,
    overdue: int = 0,
) -> str:
    drawn = start + timedelta(days=b.rng.randint(0, 20))
    if drawn.day in (20, 29, 30, 31):
        drawn = drawn.replace(day=17)
    maturity = add_months(drawn, months)
    instalments = {"bullet": 1, "instalment_principal": max(1, months // 3)}.get(method, months)
    return b.add_loan(fac, principal, drawn, maturity, method, instalments, overdue=overdue)


def dealer_finance(b: Builder, ctx: dict[str, Any]) -> None:
    """保兑仓 for tyre and steel dealers (buy-back by the maker), revolving and credit loans [DOMAIN §6]."""
    for core, pg, ds in (
        (ctx["tyre"], "PG02", ctx["tyre_dealers"]),
        (ctx["steel"], "PG01", ctx["dealers"][1:11]),
    ):
        for dealer in ds:
            limit = b.amount(2_000_000, 8_000_000, 100_000)
            start = b.day_between(date(2026, 1, 5), date(2026, 9, 1))
            fac = b.add_facility(dealer, "confirmed_warehouse", limit, start, programme=pg)
            margin = (limit * d("0.3")).quantize(d(1))
            coll = collateral(
                b,
                "deposit",
                dealer,
                "保兑仓初始保证金存单",
                margin,
                start,
                fac,
                maturity_value=margin,
            )
            del coll
            b.rel(
                "buyback_for",
                core,
                dealer,
                amount=limit - margin,
                valid_from=start,
                valid_to=add_months(start, 12),
            )
            loan = simple_loan(
                b, fac, (limit * d("0.9") / 1000).quantize(d(1)) * 1000, start, 6, "bullet"
            )
            b.personal_guarantee(loan, dealer, limit)
    for i, dealer in enumerate(ctx["dealers"][11:]):
        if not eligible(b, dealer) or i % 3 == 2:
            continue
        start = b.day_between(date(2025, 12, 1), date(2026, 9, 30))
        if i % 2:
            limit = b.amount(1_000_000, 3_000_000, 100_000)
            fac = b.add_facility(dealer, "revolving", limit, start, months=24, programme="PG01")
            loan = simple_loan(b, fac, limit * d("0.8"), start, 12, "instalment_principal")
            b.rel("guarantees", ctx["gc"], dealer, amount=limit * d("0.8"), loan=loan)
        else:
            limit = b.amount(300_000, 1_000_000, 50_000)
            fac = b.add_facility(dealer, "credit", limit, start, programme="PG01")
            loan = simple_loan(
                b, fac, limit, start, 12, "equal_instalment", overdue=1 if i == 4 else 0
            )
        b.personal_guarantee(loan, dealer, limit)


def collateral(
    b: Builder,
    kind: str,
    owner: str,
    description: str,
    value: Decimal,
    valued: date,
    facility: str,
    **extra: Any,
) -> str:
    key = b.next_key("C", 4)
    row = {
        "key": key,
        "kind": kind,
        "owner_key": owner,
        "description": description,
        "appraised_value": money_text(value),
        "valued_on": valued.isoformat(),
        "pledged_facility_key": facility,
    }
    for name, val in extra.items():
        if isinstance(val, Decimal):
            val = ratio_text(val) if name == "newness" else money_text(val)
        elif isinstance(val, bool):
            val = "true" if val else "false"
        elif isinstance(val, date):
            val = val.isoformat()
        row[name] = val
    b.rows["collateral"].append(row)
    return key


def insure(
    b: Builder, coll: str, amount: Decimal, start: date, ends: date, first: bool = True
) -> None:
    n = len(b.rows["insurance"]) + 1
    insurer = b.rng.choice(
        (
            "冀安财产保险股份有限公司河北分公司",
            "华诚财产保险股份有限公司石家庄中心支公司",
            "太和财产保险股份有限公司保定中心支公司",
        )
    )
    b.rows["insurance"].append(
        {
            "policy_number": f"PICC{start.year}13{n:06d}",
            "receipt_number": f"BD{start.year}{n:05d}",
            "collateral_key": coll,
            "insurer": insurer,
            "insured_amount": money_text(amount),
            "bank_first_beneficiary": "true" if first else "false",
            "starts_on": start.isoformat(),
            "ends_on": ends.isoformat(),
        }
    )


def merchant_finance(b: Builder, ctx: dict[str, Any]) -> None:
    """联保 groups, 房易贷 mortgages, credit and revolving loans for market merchants [DOMAIN §8, §13]."""
    rng = b.rng
    steel_m, home_m = ctx["steel_merchants"], ctx["home_merchants"]
    free = {
        "M001": [k for k in steel_m if eligible(b, k) and k not in ctx["related_used"]],
        "M002": [k for k in home_m if eligible(b, k) and k not in ctx["related_used"]],
    }
    sizes = [3, 5, 4, 6, 8, 3, 10, 5, 4, 7, 6, 3]
    markets = [
        "M001",
        "M001",
        "M001",
        "M001",
        "M002",
        "M002",
        "M002",
        "M002",
        "M002",
        "M002",
        "M002",
        "M002",
    ]
    ctx["in_group"] = set()
    for g, (size, market) in enumerate(zip(sizes, markets, strict=True)):
        gkey = f"G{g + 1:03d}"
        members = [free[market].pop(0) for _ in range(size)]
        if g == 5:  # one group includes a supplier outside the market
            members[-1] = next(s for s in ctx["suppliers"][150:] if eligible(b, s))
        formed = b.day_between(date(2024, 3, 1), date(2026, 6, 30))
        limits = []
        start = formed + timedelta(days=rng.randint(10, 60))
        for m in members:
            ib = b.party[m]["kind"] == "individual_business"
            limit = b.amount(300_000, 2_000_000 if ib else 3_000_000, 50_000)
            limits.append(limit)
            fac = b.add_facility(
                m,
                "joint_guarantee",
                limit,
                start,
                group=gkey,
                programme="PG03" if market == "M001" else "PG04",
            )
            b.rel("member_of_group", m, gkey, valid_from=formed)
            loan_start = max(start, date(2025, 12, 1))
            overdue = 2 if (g == 2 and m == members[1]) else 0
            method = "equal_principal" if rng.random() < 0.6 else "instalment_principal"
            loan = simple_loan(b, fac, limit, loan_start, 12, method, overdue=overdue)
            b.personal_guarantee(loan, m, limit)
            ctx["in_group"].add(m)
        pool = max(limits) if g != 8 else max(limits) * d("0.5")  # G009's pool is short
        name_market = "冀运钢材市场" if market == "M001" else "美嘉家居城"
        b.rows["groups"].append(
            {
                "key": gkey,
                "name": f"{name_market}第{g + 1}联保小组",
                "market_key": market,
                "formed_on": formed.isoformat(),
                "margin_pool": money_text(pool),
                "total_limit": money_text(sum(limits)),
            }
        )
        if g == 8:
            b.note("group_margin_pool_short", gkey)
    # mortgages (房易贷) with insured real estate; the administrators guarantee some merchants
    for market, adm in (("M001", ctx["adm_steel"]), ("M002", ctx["adm_home"])):
        pg = "PG03" if market == "M001" else "PG04"
        for i in range(14):
            m = free[market].pop(0)
            start = b.day_between(date(2025, 12, 1), date(2026, 8, 31))
            value = b.amount(800_000, 4_000_000, 10_000)
            use = rng.choice(("residential", "commercial", "commercial"))
            rate = d("0.7") if use == "residential" else d("0.6")
            limit = (value * rate / 10000).quantize(d(1)) * 10000
            fac = b.add_facility(m, "mortgage", limit, start, programme=pg, revolving=False)
            where = "住宅" if use == "residential" else "商铺"
            coll = collateral(
                b,
                "real_estate",
                m,
                f"{b.party[m]['city']}{where}一套，建筑面积{rng.randint(60, 220)}平方米",
                value,
                start - timedelta(days=7),
                fac,
                real_estate_use=use,
            )
            overdue_case = market == "M002" and i == 3
            if overdue_case:  # ~300 days past a bullet maturity
                loan = b.add_loan(
                    fac, limit, date(2025, 1, 24), date(2026, 1, 24), "bullet", overdue=1
                )
                b.facility[fac].update(
                    start_date="2025-01-10",
                    end_date="2026-01-24",
                    status="frozen",
                    review_date="2025-07-10",
                )
                maturity = date(2026, 1, 24)
            else:
                method = rng.choice(("equal_instalment", "instalment_principal", "bullet"))
                loan = simple_loan(b, fac, limit, start, 12, method)
                maturity = date.fromisoformat(b.rows["loans"][-1]["maturity_date"])
            short = i in (2, 9)
            ends = maturity + timedelta(days=35 if short else rng.randint(90, 365))
            insure(b, coll, value, start - timedelta(days=5), ends)
            if short:
                b.note("insurance_ends_within_2_months", coll)
            b.personal_guarantee(loan, m, limit)
            if i % 4 == 0:
                b.rel("guarantees", adm, m, amount=limit, loan=loan)
        # credit loans for key-supported merchants and revolving ones with the guarantee company
        for i in range(10):
            m = free[market].pop(0)
            start = b.day_between(date(2026, 1, 1), date(2026, 10, 15))
            if i % 2:
                limit = b.amount(1_000_000, 3_000_000, 100_000)
                fac = b.add_facility(m, "revolving", limit, start, months=24, programme=pg)
                loan = simple_loan(b, fac, limit * d("0.6"), start, 6, "bullet")
                b.rel(
                    "guarantees",
                    ctx["gc"] if i % 4 == 1 else adm,
                    m,
                    amount=limit * d("0.6"),
                    loan=loan,
                )
            else:
                limit = b.amount(200_000, 1_000_000, 50_000)
                fac = b.add_facility(m, "credit", limit, start, programme=pg, revolving=False)
                loan = simple_loan(
                    b, fac, limit, start, 12, "equal_instalment" if i % 4 else "equal_principal"
                )
            b.personal_guarantee(loan, m, limit)
    ctx["free"] = free


def goods_finance(b: Builder, ctx: dict[str, Any]) -> None:
    """Warehouse-receipt pledge of steel, coal and rubber under a supervisor [DOMAIN §6]."""
    rng, sup = b.rng, ctx["supervisor"]
    plans: list[tuple[str, str, str, str]] = []
    for m in ctx["free"]["M001"][:22]:
        plans.append((m, STEEL, "PG03", "冀运钢材市场{}号库"))
    for c in ctx["coal"]:
        plans.append((c, COAL, "", "武安恒源煤场{}号堆场"))
    for r in ctx["rubber_traders"]:
        plans.append((r, RUBBER, "", "衡水诚储橡胶监管库{}号库"))
    for i, (owner, commodity, pg, warehouse) in enumerate(plans):
        if commodity == STEEL and i == 0:  # planted: ~100 days past maturity
            drawn, maturity, overdue = date(2026, 2, 12), date(2026, 8, 12), 1
        elif commodity == STEEL:
            drawn = b.day_between(date(2026, 8, 3), date(2026, 10, 16))
            maturity, overdue = add_months(drawn, 6), 0
        else:
            drawn = b.day_between(date(2026, 6, 1), date(2026, 10, 30))
            maturity, overdue = add_months(drawn, 6), 0
        if drawn.day == 20:
            drawn += timedelta(days=1)
        price = b.price_on(commodity, drawn)
        qty_total = Decimal(0)
        receipts = []
        for j in range(rng.randint(1, 3)):
            base = {STEEL: (300, 2500), COAL: (8000, 30000), RUBBER: (120, 600)}[commodity]
            qty = d(rng.randint(base[0] * 10000, base[1] * 10000)) / 10000
            qty_total += qty
            receipts.append((qty, j))
        rate = d("0.65") if commodity == STEEL and i % 5 == 1 else d("0.60")
        principal = (qty_total * price * rate / 1000).to_integral_value(
            rounding="ROUND_FLOOR"
        ) * 1000
        limit = (principal / 100000).to_integral_value(rounding="ROUND_CEILING") * 100000
        fac = b.add_facility(owner, "goods_pledge", limit, drawn - timedelta(days=5), programme=pg)
        loan = b.add_loan(fac, principal, drawn, maturity, "bullet", overdue=overdue)
        if overdue:
            b.facility[fac]["status"] = "frozen"
        if commodity == STEEL and rate > d("0.6"):
            b.note("steel_position_past_liquidation_line", loan)
        for qty, j in receipts:
            n = len(b.rows["warehouse_receipts"]) + 1
            b.rows["warehouse_receipts"].append(
                {
                    "number": f"WR{drawn:%Y%m}{n:05d}",
                    "owner_key": owner,
                    "supervisor_key": sup,
                    "warehouse": warehouse.format(j + 1 + i % 6),
                    "commodity": commodity,
                    "quantity": f"{qty:.4f}",
                    "unit": "ton",
                    "issued_on": (drawn - timedelta(days=2)).isoformat(),
                    "pledged_loan_key": loan,
                }
            )
        b.personal_guarantee(loan, owner, principal)
    # a couple of unpledged receipts in stock
    for owner in ctx["free"]["M001"][22:25]:
        n = len(b.rows["warehouse_receipts"]) + 1
        b.rows["warehouse_receipts"].append(
            {
                "number": f"WR202610{n:05d}",
                "owner_key": owner,
                "supervisor_key": sup,
                "warehouse": "冀运钢材市场2号库",
                "commodity": STEEL,
                "quantity": f"{d(rng.randint(1000000, 5000000)) / 10000:.4f}",
                "unit": "ton",
                "issued_on": "2026-10-09",
                "pledged_loan_key": "",
            }
        )
    # other collateral kinds on supplier revolving facilities
    kinds = ("machinery", "patent", "trademark", "equity", "bond", "machinery")
    sups = [
        s
        for s in ctx["suppliers"][120:]
        if eligible(b, s) and s not in ctx["pledgers"] and s not in ctx["related_used"]
    ]
    ctx["collateral_sups"] = sups[:12]
    for i, s in enumerate(sups[:12]):
        start = b.day_between(date(2026, 1, 10), date(2026, 9, 1))
        limit = b.amount(800_000, 3_000_000, 100_000)
        fac = b.add_facility(s, "revolving", limit, start, months=24, programme="PG01")
        value = (limit * d("1.3")).quantize(d(1))
        collateral(
            b,
            "real_estate",
            s,
            "厂房及土地使用权",
            value * d("0.6"),
            start,
            fac,
            real_estate_use="industrial",
        )
        kind = kinds[i % len(kinds)]
        extra: dict[str, Any] = {}
        desc = {
            "machinery": "数控加工中心",
            "patent": "发明专利：高炉耐材喷涂工艺",
            "trademark": "注册商标（驰名商标）",
            "equity": "上市公司流通股",
            "bond": "记账式国债",
        }[kind]
        if kind == "machinery":
            extra = {
                "purchase_date": date(2024, 5, 1) - timedelta(days=i * 90),
                "newness": d("0.7") - d(i) / 100,
                "unit_value": d(rng.randint(60, 400) * 1000),
                "general_purpose": i % 2 == 0,
            }
        elif kind == "equity":
            extra = {"listed": True}
        elif kind == "bond":
            extra = {"maturity_value": value * d("0.5") * d("1.1")}
        coll = collateral(b, kind, s, desc, value * d("0.5"), start, fac, **extra)
        loan = simple_loan(
            b, fac, limit * d("0.7"), start, 12, "instalment_principal" if i % 2 else "bullet"
        )
        if kind == "machinery":
            insure(b, coll, value, start, add_months(start, 18 if i else 13), first=i != 6)
        b.personal_guarantee(loan, s, limit * d("0.7"))


def circles(b: Builder, ctx: dict[str, Any]) -> None:
    """Guarantee circles [DOMAIN §9]: a mutual pair of two small firms (a §7 breach), a triangle, a five."""
    rng = b.rng
    sups = [
        s
        for s in ctx["suppliers"][150:]
        if eligible(b, s)
        and s not in ctx["pledgers"]
        and s not in ctx["related_used"]
        and s not in ctx["collateral_sups"]
        and s not in ctx["in_group"]
        and b.profile[s]["size"] in ("small", "micro")
    ]
    pair = sups[:2]
    dealers = [
        k
        for k in ctx["dealers"][11:]
        if k not in b.loans_of and eligible(b, k) and k not in ctx["related_used"]
    ][:3]
    five = ctx["free"]["M002"][:5]
    for label, members in (
        ("circle_mutual_pair", pair),
        ("circle_triangle", dealers),
        ("circle_of_five", five),
    ):
        loans = {}
        for m in members:
            start = b.day_between(date(2026, 2, 1), date(2026, 9, 30))
            limit = b.amount(500_000, 2_000_000, 100_000)
            pg = "PG04" if m in five else "PG01"
            fac = b.add_facility(m, "revolving", limit, start, months=24, programme=pg)
            loans[m] = (simple_loan(b, fac, limit, start, 12, "instalment_principal"), limit)
        for j, m in enumerate(members):
            target = members[(j + 1) % len(members)]
            loan, limit = loans[target]
            b.rel("guarantees", m, target, amount=limit, loan=loan, valid_from=date(2026, 1, 1))
        b.note(label, "->".join([*members, members[0]]))
    del rng


# -- snapshots -----------------------------------------------------------------
def snapshots(b: Builder) -> None:
    rng = b.rng
    for key in sorted(b.profile):
        prof = b.profile[key]
        row = b.party[key]
        industry, case, size = prof["industry"], prof["case"], prof["size"]
        emp, rev_wan, assets_wan = prof.get("figures") or draw(rng, industry, size)
        est = date.fromisoformat(row["established_on"])
        dates = (
            [SNAP_YEAR_END, SNAP_Q3] if rng.random() < 0.6 and est < date(2025, 1, 1) else [SNAP_Q3]
        )
        if est > date(2025, 9, 30):
            dates = [SNAP_Q3]
        limit = d("0.60") if industry not in ("wholesale", "retail") else d("0.70")
        debt_ratio = d(rng.randint(25, int(limit * 100) - 4)) / 100
        if case == "high_debt":
            debt_ratio = limit + d("0.14")
        rating = prof.get("rating") or rng.choice(RATINGS_OK)
        tiers = list(dict.fromkeys(prof.get("tier", [])))
        if industry in ("mining", "manufacturing", "coal_mining") and "supplier" in prof["roles"]:
            tiers.append("local_advantage_industry")
        if industry == "software_it":
            tiers.append("technology")
        if rng.random() < 0.2:
            tiers.append("main_bank")
        cautious = list(dict.fromkeys(prof.get("cautious", [])))
        prohibited = [PROHIBITED_FLAG[case]] if case in PROHIBITED_FLAG else []
        is_ib = row["kind"] == "individual_business"
        for n, as_of in enumerate(dates):
            drift = d(rng.randint(95, 107)) / 100 if n else d(1)
            revenue = (d(rev_wan) * 10000 + rng.randint(0, 9999)) * drift
            revenue = revenue.quantize(d(1))
            assets = (d(assets_wan) * 10000 + rng.randint(0, 9999)).quantize(d(1))
            assert size_class(industry, emp, revenue, assets) == size, (key, size)
            prior = (revenue * d(rng.randint(86, 99)) / 100).quantize(d(1))
            margin = d(rng.randint(15, 70)) / 1000
            profit = (prior * margin).quantize(d(1))
            profit_prior = (prior * margin * d("0.9")).quantize(d(1))
            if case == "loss_year":
                profit_prior = -(prior * d("0.021")).quantize(d(1))
            snap = {
                "party_key": key,
                "as_of": as_of.isoformat(),
                "employees": str(emp),
                "revenue_12m": money_text(revenue),
                "revenue_prior_year": money_text(prior),
                "total_assets": money_text(assets),
                "total_liabilities": money_text(assets * debt_ratio),
                "net_profit_last_year": money_text(profit),
                "net_profit_prior_year": money_text(profit_prior),
                "taxable_revenue_last_year": money_text(prior * d("0.97")),
                "existing_exposure": money_text(b.amount(0, int(assets * d("0.15")), 10000))
                if rng.random() < 0.5
                else "0.00",
                "rating": {"bad_credit": "B-", "high_debt": "BB-"}.get(case or "", rating),
                "bad_credit_3y": "true" if case == "bad_credit" else "false",
                "controller_bad_credit_1y": "true" if case == "controller_bad_credit" else "false",
                "prohibited_flags": ";".join(prohibited),
                "tier_factors": ";".join(tiers),
                "cautious_factors": ";".join(cautious),
            }
            if case == "missing_figures":
                snap.update(total_assets="", total_liabilities="", net_profit_prior_year="")
            if is_ib:
                rep = b.party[b.legal_rep[key]]
                trade_years = max(3, SEED_AS_OF.year - est.year)
                snap.update(
                    household_net_assets=money_text(b.amount(600_000, 4_500_000, 10_000)),
                    operator_birth_date=rep["birth_date"],
                    years_in_trade=str(trade_years + rng.randint(0, 5)),
                    years_at_premises=str(max(2, trade_years - rng.randint(0, 2))),
                    local_residence="true",
                    fixed_home="true",
                )
                if case == "ib_over_65":
                    rep["birth_date"] = "1959-08-14"
                    snap["operator_birth_date"] = "1959-08-14"
                elif case == "ib_low_household_assets":
                    snap["household_net_assets"] = "320000.00"
                elif case == "ib_short_trade":
                    snap["years_in_trade"] = "2"
                elif case == "ib_new_premises":
                    snap["years_at_premises"] = "1"
                elif case == "ib_not_local":
                    snap["local_residence"] = "false"
                elif case == "ib_no_fixed_home":
                    snap["fixed_home"] = "false"
            b.rows["snapshots"].append(snap)


def users(b: Builder) -> None:
    b.rows["users"] += [
        {
            "username": "admin",
            "role": "admin",
            "display_name": "系统管理员",
            "branch": "",
            "market_key": "",
            "approval_level": "",
        },
        {
            "username": "risk",
            "role": "risk_officer",
            "display_name": "风险经理 韩志远",
            "branch": "石家庄分行",
            "market_key": "",
            # can approve what the demo proposes (scf/credit/policy/authority.yaml)
            "approval_level": "branch_risk_director",
        },
        {
            "username": "rm_sjz",
            "role": "relationship_manager",
            "display_name": "客户经理 周晓东",
            "branch": "石家庄分行",
            "market_key": "",
            "approval_level": "",
        },
        {
            "username": "rm_ts",
            "role": "relationship_manager",
            "display_name": "客户经理 郭立新",
            "branch": "唐山分行",
            "market_key": "",
            "approval_level": "",
        },
        {
            "username": "rm_bd",
            "role": "relationship_manager",
            "display_name": "客户经理 许静怡",
            "branch": "保定分行",
            "market_key": "",
            "approval_level": "",
        },
        {
            "username": "rm_hd",
            "role": "relationship_manager",
            "display_name": "客户经理 段浩然",
            "branch": "邯郸分行",
            "market_key": "",
            "approval_level": "",
        },
        {
            "username": "mkt_steel",
            "role": "market_administrator",
            "display_name": "冀运钢材市场 管理员",
            "branch": "石家庄分行",
            "market_key": "M001",
            "approval_level": "",
        },
        {
            "username": "mkt_home",
            "role": "market_administrator",
            "display_name": "美嘉家居城 管理员",
            "branch": "保定分行",
            "market_key": "M002",
            "approval_level": "",
        },
    ]


__all__ = ["populate", "REFER_CASES", "INELIGIBLE_CASES"]
