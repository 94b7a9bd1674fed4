"""One discipline for money: ``Decimal`` end to end, rounded in one place.

Money is CNY held as ``Decimal`` with two places (the fen); ratios are ``Decimal``
too (0.70, not 70). Floats are refused at the door so that a value read from JSON,
a spreadsheet or a careless caller never turns into a binary approximation.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0")


class MoneyError(ValueError):
    """A value that cannot be money (a float, text that is not a number, NaN)."""


def to_decimal(value: object, *, field: str = "value") -> Decimal:
    """Turn an int, a Decimal or a numeric string into a Decimal; refuse floats.

    Floats are refused rather than converted because ``Decimal(0.1)`` is
    0.1000000000000000055511151231257827..., and a bank's figures must reconcile.
    """
    if isinstance(value, bool):
        raise MoneyError(f"{field}: 布尔值不是金额 (a boolean is not a number)")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"{field}: “{value}”不是数字 (not a number)") from None
    elif isinstance(value, float):
        raise MoneyError(
            f"{field}: 金额不得为浮点数，请用字符串 (float refused; pass a decimal string)"
        )
    else:
        raise MoneyError(f"{field}: 无法识别的数值类型 {type(value).__name__} (unsupported type)")
    if not result.is_finite():
        raise MoneyError(f"{field}: 数值无效 (not a finite number)")
    return result


def quantize_fen(amount: Decimal) -> Decimal:
    """Round to the fen, half-up: the bank's rounding unless a rule says otherwise."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def floor_fen(amount: Decimal) -> Decimal:
    """Round a limit down to the fen: a cap computed as a share of something must never
    allow more than that share (70% of 0.01 is 0.00, not 0.01)."""
    return amount.quantize(FEN, rounding=ROUND_DOWN)


def quantize_to(amount: Decimal, places: int) -> Decimal:
    """Round half-up to ``places`` decimal places (rates, quantities)."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value: object, *, field: str = "amount") -> Decimal:
    """Parse and round to the fen in one step."""
    return quantize_fen(to_decimal(value, field=field))


def format_yuan(amount: Decimal) -> str:
    """``1234567.8`` -> ``"1,234,567.80"``: thousands separators, two places."""
    return f"{quantize_fen(amount):,.2f}"


def format_wan(amount: Decimal) -> str:
    """Amounts in 万元 (10,000 yuan) with two places, as credit reports show them."""
    return f"{quantize_fen(amount / Decimal(10000)):,.2f}"
