"""Validating one row of an onboarding file (marshmallow), with messages a user can act on.

Each field knows what a spreadsheet really contains: numbers typed with thousands
separators, full-width digits (１２３), a ``¥`` or a trailing ``元``, Excel's own
numbers and dates, ``是``/``否``. Money keeps at most two decimals and is never a
float: a number Excel stored as a double is read through its shortest decimal
representation (what Excel displays). Scientific notation is refused: it is how
Excel writes a long number it has already rounded.

Every message says what is wrong in Chinese and English; ``row_errors`` puts the
row number, the spreadsheet column and the column's name in front of it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

from scf.credit.industries import UnknownIndustry, parse_industry
from scf.credit.uscc import InvalidUSCC, validate
from scf.platform.services.onboarding.columns import (
    BY_KEY,
    COLUMNS,
    HeaderMap,
    TargetKind,
    column_letter,
)
from scf.platform.services.onboarding.parsed import RawRow

REQUIRED = "必填 (required)"
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {
    0x3000: 0x20,  # ideographic space
    0x2212: 0x2D,  # minus sign
}
_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MIDNIGHT = re.compile(r"\s+0{1,2}:00(:00)?$")
ECHO_CHARS = 40


def quoted(value: Any) -> str:
    """What was typed, as a message repeats it: in quotes, cut after 40 characters, so that
    the errors of a 50,000-row file stay small whatever its cells hold."""
    text = str(value)
    return f"“{text[:ECHO_CHARS]}…”" if len(text) > ECHO_CHARS else f"“{text}”"


def half_width(text: str) -> str:
    """Full-width ASCII (１２３，ＡＢ) to half-width, surrounding spaces gone."""
    return text.translate(_FULL_WIDTH).strip()


class Text(fields.Field):  # type: ignore[type-arg]
    """Free text such as a registered name: kept as written (full-width brackets stay)."""

    def __init__(self, max_length: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = " ".join(str(value).split())
        if len(text) > self.max_length:
            raise ValidationError(
                f"过长，最多{self.max_length}字 (too long: at most {self.max_length} characters)"
            )
        return text


class Code(fields.Field):  # type: ignore[type-arg]
    """A unified social credit code; the check character names the wrong character."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        try:
            return validate(str(value)).code
        except InvalidUSCC as error:
            raise ValidationError(str(error)) from None


class Choice(fields.Field):  # type: ignore[type-arg]
    """One of a few values, written in English or Chinese."""

    def __init__(self, choices: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = half_width(str(value))
        found = self.choices.get(text) or self.choices.get(text.lower())
        if found is None:
            allowed = sorted(set(self.choices.values()))
            shown = " / ".join(f"{CHOICE_NAMES.get(v, v)} {v}" for v in allowed)
            raise ValidationError(
                f"取值{quoted(value)}无效，应为 {shown} (one of {', '.join(allowed)})"
            )
        return found


class Industry(fields.Field):  # type: ignore[type-arg]
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        try:
            return parse_industry(half_width(str(value)))
        except UnknownIndustry:
            raise ValidationError(
                f"未知行业{quoted(value)} (unknown industry); "
                "见模板“说明”页 (see the template's instructions sheet)"
            ) from None


def _number_text(value: Any) -> str:
    """A cell as decimal text: Excel's doubles via their shortest repr, never a float."""
    if isinstance(value, str):
        if value.isascii():  # the common case: skip the full-width translation
            return value.replace(",", "").replace(" ", "")
        text = half_width(value).replace(",", "").replace(" ", "")
        return text.removeprefix("¥").removesuffix("元").strip()
    if isinstance(value, bool):
        raise ValidationError(f"{quoted(value)}不是数字 (not a number)")
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return half_width(str(value))


def _decimal(value: Any) -> Decimal:
    text = _number_text(value)
    if "e" in text.lower() and not isinstance(value, float):
        raise ValidationError(
            f"{quoted(value)}是科学计数法，数值可能已被Excel截断 (scientific notation: Excel may "
            "have rounded it; format the column as a number and save again)"
        )
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{quoted(value)}不是数字 (not a number)") from None
    if not number.is_finite():
        raise ValidationError(f"{quoted(value)}不是数字 (not a number)")
    return number


class Money(fields.Field):  # type: ignore[type-arg]
    """Yuan with at most two decimals; negative only where a loss is possible (net profit)."""

    def __init__(self, *, signed: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.signed = signed

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        number = _decimal(value)
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(
                f"{quoted(value)}超过两位小数 (more than two decimal places: amounts are in yuan)"
            )
        if number < 0 and not self.signed:
            raise ValidationError(f"不能为负数 (must not be negative): {value}")
        return number.quantize(Decimal("0.01"))


class Count(fields.Field):  # type: ignore[type-arg]
    """A whole number ≥ 0 (employees, years)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        number = _decimal(value)
        if number != number.to_integral_value():
            raise ValidationError(f"{quoted(value)}应为整数 (must be a whole number)")
        if number < 0:
            raise ValidationError(f"不能为负数 (must not be negative): {value}")
        return int(number)


class Day(fields.Field):  # type: ignore[type-arg]
    """A date: Excel's own, or written 2020-01-31, 2020/1/31, 2020.1.31, 2020年1月31日, 20200131."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _MIDNIGHT.sub("", half_width(str(value)))
        for form in _DATE_FORMS:
            match = form.match(text)
            if match:
                try:
                    return dt.date(*(int(part) for part in match.groups()))
                except ValueError:
                    break
        raise ValidationError(
            f"{quoted(value)}不是有效日期，应为 YYYY-MM-DD (not a valid date; use YYYY-MM-DD)"
        )


class YesNo(fields.Field):  # type: ignore[type-arg]
    YES = {"是", "有", "yes", "y", "true", "1"}
    NO = {"否", "无", "没有", "no", "n", "false", "0"}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = half_width(str(value)).lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValidationError(f"{quoted(value)}应为 是/否 (must be yes or no)")


class Rating(fields.Field):  # type: ignore[type-arg]
    """An internal rating on the policy's scale (AAA … D)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        scale: tuple[str, ...] = self.parent.ratings  # type: ignore[union-attr]
        text = half_width(str(value)).upper().replace(" ", "")
        if text not in scale:
            raise ValidationError(
                f"评级{quoted(value)}不在评级序列中 (not on the rating scale {', '.join(scale)})"
            )
        return text


PARTY_TYPES = {
    "enterprise": "enterprise",
    "企业": "enterprise",
    "individual_business": "individual_business",
    "个体工商户": "individual_business",
    "个体户": "individual_business",
    "个体": "individual_business",
}
RELATIONS = {
    "supplier": "supplier",
    "供应商": "supplier",
    "上游供应商": "supplier",
    "dealer": "dealer",
    "经销商": "dealer",
    "下游经销商": "dealer",
    "代理商": "dealer",
    "merchant": "merchant",
    "商户": "merchant",
}
CHOICE_NAMES = {
    "enterprise": "企业",
    "individual_business": "个体工商户",
    "supplier": "供应商",
    "dealer": "经销商",
    "merchant": "商户",
}
_NEEDED_BY = {
    kind: tuple(c.key for c in COLUMNS if c.need == kind)
    for kind in ("enterprise", "individual_business")
}
# GB 32100-2015: a code registered by market regulation (9) says the entity type in
# its second character: 1 enterprise, 2 individual business (个体工商户).
_CODE_TYPES = {"91": "enterprise", "92": "individual_business"}


class RowSchema(Schema):
    """One row of an onboarding file for a core enterprise or a market, as of a date."""

    class Meta:
        unknown = EXCLUDE

    uscc = Code(required=True)
    name = Text(200, required=True)
    party_type = Choice(PARTY_TYPES)
    relation = Choice(RELATIONS)
    industry = Industry(required=True)
    employees = Count()
    revenue_12m = Money(required=True)
    revenue_prior_year = Money()
    total_assets = Money(required=True)
    total_liabilities = Money(required=True)
    existing_exposure = Money()
    net_profit_last_year = Money(signed=True)
    net_profit_prior_year = Money(signed=True)
    established_on = Day(required=True)
    cooperation_since = Day(required=True)
    rating = Rating()
    bad_credit_3y = YesNo()
    controller_bad_credit_1y = YesNo(required=True)
    requested_amount = Money()
    operator_birth_date = Day()
    household_net_assets = Money(signed=True)
    years_in_trade = Count()
    years_at_premises = Count()

    def __init__(self, *, target: TargetKind, as_of: dt.date, ratings: tuple[str, ...]) -> None:
        self.target = target
        self.as_of = as_of
        self.ratings = ratings
        super().__init__()
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _row_rules(self, data: dict[str, Any], original: dict[str, Any], **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        if "party_type" in data or "party_type" not in original:
            self._party_type(data, errors)
        if "relation" in data or "relation" not in original:
            self._relation(data, errors)
        for key in _NEEDED_BY.get(data.get("party_type", ""), ()):
            if key not in original:
                who = "企业" if data["party_type"] == "enterprise" else "个体工商户"
                errors.setdefault(key, []).append(
                    f"{who}必填 (required for {'an enterprise' if who == '企业' else 'an individual business'})"
                )
        for key in ("established_on", "cooperation_since", "operator_birth_date"):
            value = data.get(key)
            if value is not None and value > self.as_of:
                errors.setdefault(key, []).append(
                    f"{value} 晚于评估日 {self.as_of} (after the as-of date)"
                )
        if errors:
            raise ValidationError(errors)

    def _party_type(self, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
        by_code = _CODE_TYPES.get(data.get("uscc", "")[:2])
        given = data.get("party_type")
        if given is None:
            data["party_type"] = by_code or "enterprise"
        elif by_code is not None and given != by_code:
            errors.setdefault("party_type", []).append(
                f"与统一社会信用代码不符：代码前两位“{data['uscc'][:2]}”表示"
                f"{CHOICE_NAMES[by_code]} (the code says {by_code})"
            )

    def _relation(self, data: dict[str, Any], errors: dict[str, list[str]]) -> None:
        relation = data.get("relation")
        if self.target == "market":
            if relation is None:
                data["relation"] = "merchant"
            elif relation != "merchant":
                errors.setdefault("relation", []).append(
                    "商圈文件只能导入商户 (a market file holds merchants only)"
                )
        elif relation is None:
            errors.setdefault("relation", []).append(
                "必填：供应商 supplier 或 经销商 dealer (required: supplier or dealer)"
            )
        elif relation == "merchant":
            errors.setdefault("relation", []).append(
                "核心企业文件只能是 供应商 supplier 或 经销商 dealer (merchant is for market files)"
            )


def row_errors(row: RawRow, header: HeaderMap, errors: dict[str, Any]) -> list[str]:
    """Flatten marshmallow's errors into lines naming row, column letter, column and reason."""
    lines = []
    for key in sorted(errors, key=_column_order):
        messages = errors[key]
        if isinstance(messages, dict):  # nested: never in our flat schema, but be safe
            messages = [str(m) for m in messages.values()]
        for message in messages:
            lines.append(f"{cell_name(row.number, key, header)}: {message}")
    return lines


def cell_name(number: int, key: str, header: HeaderMap) -> str:
    """``第5行 F列 成立日期 (established_on)``; a column absent from the file says so."""
    column = BY_KEY.get(key)
    name = f"{column.header} ({key})" if column else key
    if key in header.positions:
        return f"第{number}行 {column_letter(header.positions[key])}列 {name}"
    return f"第{number}行 {name} [文件中没有此列 (column not in the file)]"


def _column_order(key: str) -> int:
    keys = [c.key for c in COLUMNS]
    return keys.index(key) if key in keys else len(keys)
