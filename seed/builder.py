"""The generator's vocabulary: the dates and commodities of the story, value formats,
and ``Builder``, which hands out keys in creation order and accumulates rows table by
table. ``scenario`` tells the story with it; ``generate`` writes what it built."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from scf.credit.money import quantize_fen, quantize_to
from scf.credit.uscc import ALPHABET, make
from seed import names as N
from seed.contract import COLUMNS

SEED = 20261120
SEED_AS_OF = date(2026, 11, 20)

STEEL, COAL, RUBBER = "steel_rebar", "coal_thermal", "rubber_natural"
COMMODITIES = [
    (STEEL, "螺纹钢", "ton", "steel"),
    (COAL, "动力煤", "ton", "raw_coal"),
    (RUBBER, "天然橡胶", "ton", "rubber"),
]
RATINGS_OK = ("A+", "A", "A-", "BBB+", "BBB", "BBB-", "BB+", "BB")
SNAP_YEAR_END, SNAP_Q3 = date(2025, 12, 31), date(2026, 9, 30)
FALL_FROM = date(2026, 10, 21)  # steel starts its ~25% fall here
RUBBER_LAST = date(2026, 11, 10)  # 8 business days before SEED_AS_OF: stale


def d(value: Decimal | int | str) -> Decimal:
    return Decimal(value)


def money_text(amount: Decimal) -> str:
    return f"{quantize_fen(amount):.2f}"


def ratio_text(value: Decimal, places: int = 4) -> str:
    return f"{quantize_to(value, places):.{places}f}"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, 28))


def business_days(start: date, end: date) -> list[date]:
    out, day = [], start
    while day <= end:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def due_dates(drawn: date, maturity: date, instalments: int) -> list[date]:
    """Scheduled principal dates the loader is expected to build: evenly spaced
    months after drawing, the last on maturity (bullet: maturity only)."""
    months = (maturity.year - drawn.year) * 12 + maturity.month - drawn.month
    step = max(1, months // instalments)
    dates = [add_months(drawn, step * k) for k in range(1, instalments)]
    return [*dates, maturity]


def next_review(start: date, end: date, months: int) -> date:
    """The next post-lending review (贷后检查) on or after the seed's date: every six months
    for facilities of a year or less, yearly for longer ones; never after the end date.
    Reviews before the seed's date are taken as done, so only the coming ones are due."""
    step = 6 if months <= 12 else 12
    review = add_months(start, step)
    while review < SEED_AS_OF and review < end:
        review = add_months(review, step)
    return min(review, end)


class Builder:
    """Accumulates rows table by table; keys are handed out in creation order."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.rows: dict[str, list[dict[str, str]]] = {t: [] for t in COLUMNS}
        self.counters: dict[str, int] = {}
        self.names: set[str] = set()
        self.person_names: set[str] = set()
        self.orgs: set[str] = set()
        self.party: dict[str, dict[str, str]] = {}
        self.profile: dict[str, dict[str, object]] = {}
        self.legal_rep: dict[str, str] = {}
        self.spouse: dict[str, str] = {}
        self.facility: dict[str, dict[str, str]] = {}
        self.loans_of: dict[str, list[dict[str, str]]] = {}
        self.notable: dict[str, list[str]] = {}
        self.prices: dict[str, list[tuple[date, Decimal]]] = {}

    # -- small helpers -------------------------------------------------
    def next_key(self, prefix: str, width: int) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def note(self, label: str, key: str) -> None:
        self.notable.setdefault(label, []).append(key)

    def amount(self, lo: int, hi: int, step: int = 1000) -> Decimal:
        return d(self.rng.randint(lo // step, hi // step) * step)

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def place(self, city: str) -> tuple[str, str]:
        district = self.rng.choice(N.CITIES[city][1])
        return district

    # -- parties -------------------------------------------------------
    def uscc(self, kind_digit: str, division: str) -> str:
        while True:
            org = "".join(self.rng.choice(ALPHABET) for _ in range(8))
            org += self.rng.choice(ALPHABET[:10])
            if org not in self.orgs:
                self.orgs.add(org)
                return make("9" + kind_digit + division + org)

    def unique_name(self, build: object) -> str:
        for _ in range(200):
            name = build()  # type: ignore[operator]
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("name pool exhausted")

    def co_name(self, city: str, word: str, suffix: str = "有限公司") -> str:
        return self.unique_name(
            lambda: f"{N.short_city(city)}{N.trade_name(self.rng)}{word}{suffix}"
        )

    def ib_name(self, city: str, district: str, word: str) -> str:
        return self.unique_name(lambda: f"{city}{district}{N.trade_name(self.rng)}{word}")

    def person(self, city: str, born: date | None = None, roles: str = "") -> str:
        key = self.next_key("P", 4)
        born = born or self.day_between(date(1962, 1, 1), date(1992, 12, 31))
        branch = N.CITIES[city][2]
        row = {
            "key": key,
            "kind": "person",
            "name": N.person_name(self.rng, self.person_names),
            "province": N.PROVINCE,
            "city": city,
            "branch": branch,
            "birth_date": born.isoformat(),
            "roles": roles,
        }
        self.add_party(row)
        return key

    def add_party(self, row: dict[str, str]) -> None:
        self.rows["parties"].append(row)
        self.party[row["key"]] = row

    def firm(
        self,
        kind: str,
        name: str,
        industry: str,
        city: str,
        roles: list[str],
        size: str = "small",
        established: date | None = None,
        case: str | None = None,
        district: tuple[str, str] | None = None,
        legal_rep: str | None = None,
    ) -> str:
        key = self.next_key("P", 4)
        division = (district or self.place(city))[0]
        _, _, branch, rm = N.CITIES[city]
        established = established or self.day_between(date(2005, 1, 1), date(2021, 6, 30))
        self.add_party(
            {
                "key": key,
                "kind": kind,
                "uscc": self.uscc("2" if kind == "individual_business" else "1", division),
                "name": name,
                "industry": industry,
                "province": N.PROVINCE,
                "city": city,
                "established_on": established.isoformat(),
                "branch": branch,
                "rm": rm,
                "roles": ";".join(roles),
            }
        )
        self.profile[key] = {"size": size, "case": case, "industry": industry, "roles": roles}
        rep = legal_rep or self.person(city, roles="legal_representative")
        self.legal_rep[key] = rep
        self.rel("legal_representative_of", rep, key, valid_from=established)
        if case:
            self.note(f"case:{case}", key)
        return key

    def add_role(self, key: str, role: str) -> None:
        roles = self.party[key]["roles"].split(";") if self.party[key]["roles"] else []
        if role not in roles:
            roles.append(role)
            self.party[key]["roles"] = ";".join(roles)

    def rel(
        self,
        kind: str,
        source: str,
        target: str,
        amount: Decimal | None = None,
        percentage: Decimal | None = None,
        valid_from: date | None = None,
        valid_to: date | None = None,
        loan: str = "",
    ) -> str:
        key = self.next_key("R", 5)
        self.rows["relationships"].append(
            {
                "key": key,
                "kind": kind,
                "source_key": source,
                "target_key": target,
                "amount": money_text(amount) if amount is not None else "",
                "percentage": ratio_text(percentage) if percentage is not None else "",
                "valid_from": valid_from.isoformat() if valid_from else "",
                "valid_to": valid_to.isoformat() if valid_to else "",
                "loan_key": loan,
            }
        )
        return key

    # -- credit ----------------------------------------------------------
    def add_facility(
        self,
        party: str,
        product: str,
        limit: Decimal,
        start: date,
        months: int = 12,
        programme: str = "",
        group: str = "",
        revolving: bool = True,
        status: str | None = None,
    ) -> str:
        key = self.next_key("F", 4)
        end = add_months(start, months)
        status = status or ("active" if end > SEED_AS_OF else "expired")
        row = {
            "key": key,
            "party_key": party,
            "programme_key": programme,
            "group_key": group,
            "product": product,
            "limit_amount": money_text(limit),
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "revolving": "true" if revolving else "false",
            "status": status,
            "review_date": next_review(start, end, months).isoformat(),
        }
        self.rows["facilities"].append(row)
        self.facility[key] = row
        return key

    def add_loan(
        self,
        facility: str,
        principal: Decimal,
        drawn: date,
        maturity: date,
        method: str,
        instalments: int = 1,
        overdue: int = 0,
        rate: Decimal | None = None,
    ) -> str:
        """A loan whose ``paid_instalments`` is what fell due before SEED_AS_OF,
        less ``overdue`` instalments left unpaid."""
        fac = self.facility[facility]
        assert principal <= d(fac["limit_amount"]), (facility, principal)
        if method == "bullet":
            instalments = 1
        due = [x for x in due_dates(drawn, maturity, instalments) if x < SEED_AS_OF]
        assert SEED_AS_OF not in due_dates(drawn, maturity, instalments)
        paid = len(due) - overdue
        assert paid >= 0
        key = self.next_key("L", 4)
        rate = rate or d(self.rng.randint(4350, 9200)) / 100000
        row = {
            "key": key,
            "facility_key": facility,
            "party_key": fac["party_key"],
            "product": fac["product"],
            "principal": money_text(principal),
            "rate_annual": ratio_text(rate, 6),
            "drawn_on": drawn.isoformat(),
            "maturity_date": maturity.isoformat(),
            "repayment_method": method,
            "instalments": str(instalments),
            "paid_instalments": str(paid),
        }
        self.rows["loans"].append(row)
        self.loans_of.setdefault(fac["party_key"], []).append(row)
        if overdue:
            self.note("overdue_loan", f"{key}({(SEED_AS_OF - due[paid]).days}d)")
        return key

    def personal_guarantee(self, loan: str, borrower: str, principal: Decimal) -> None:
        """Legal representative (or the operator's spouse) guarantees [DOMAIN §7]."""
        guarantor = self.legal_rep[borrower]
        if self.party[borrower]["kind"] == "individual_business":
            guarantor = self.spouse.get(guarantor, "")
        if guarantor:
            self.rel("guarantees", guarantor, borrower, amount=principal, loan=loan)

    def price_on(self, commodity: str, day: date) -> Decimal:
        best = self.prices[commodity][0][1]
        for when, price in self.prices[commodity]:
            if when <= day:
                best = price
        return best
