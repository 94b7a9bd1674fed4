"""Unified social credit code (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-character alphabet (digits and capitals without
I, O, S, V, Z): registration authority (1), entity type (1), administrative
division (6 digits), organisation code (9), check character (1). The check
character makes a mistyped code detectable, so a code that fails it is bad input.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


class InvalidUSCC(ValueError):
    """A code that is not a valid unified social credit code; the message says why."""


@dataclass(frozen=True)
class USCC:
    code: str

    @property
    def division(self) -> str:
        """Administrative division code (行政区划码), characters 3-8."""
        return self.code[2:8]


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (GB 32100-2015 §5)."""
    if len(first17) != LENGTH - 1:
        raise InvalidUSCC(f"需要17位本体代码，收到{len(first17)}位 (need 17 characters)")
    total = 0
    for position, (ch, weight) in enumerate(zip(first17, WEIGHTS, strict=True), start=1):
        if ch not in _VALUE:
            raise InvalidUSCC(
                f"第{position}位字符“{ch}”不是合法字符 (character {position} '{ch}' is not allowed)"
            )
        total += _VALUE[ch] * weight
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    """Strip spaces and turn full-width characters and lower case into the canonical form."""
    out = []
    for ch in code.strip():
        if "\uff01" <= ch <= "\uff5e":  # full-width ASCII block
            ch = chr(ord(ch) - 0xFEE0)
        out.append(ch)
    return "".join(out).replace(" ", "").upper()


def validate(code: str) -> USCC:
    """Return the normalised code, or raise ``InvalidUSCC`` naming the wrong character."""
    text = normalize(code)
    if len(text) != LENGTH:
        raise InvalidUSCC(
            f"统一社会信用代码应为18位，实际为{len(text)}位 (must be 18 characters, got {len(text)})"
        )
    for position, ch in enumerate(text, start=1):
        if ch not in _VALUE:
            raise InvalidUSCC(
                f"第{position}位字符“{ch}”不是合法字符 (character {position} '{ch}' is not allowed; "
                "I, O, S, V, Z are never used)"
            )
    if not text[2:8].isdigit():
        raise InvalidUSCC("第3-8位行政区划码应为数字 (characters 3-8 must be digits)")
    expected = check_character(text[:17])
    if text[17] != expected:
        raise InvalidUSCC(
            f"第18位校验码应为“{expected}”，实际为“{text[17]}” "
            f"(check character 18 should be '{expected}', got '{text[17]}')"
        )
    return USCC(text)


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except InvalidUSCC:
        return False
    return True


def make(first17: str) -> str:
    """Complete 17 characters with their check character (used by the demo seed)."""
    return first17 + check_character(first17)
