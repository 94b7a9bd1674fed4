"""Unified social credit code check character, GB 32100-2015 [DOMAIN §1]."""

import pytest

from scf.credit import uscc

# Codes published by their holders; the check character is theirs, not ours.
KNOWN_VALID = ["91350100M000100Y43", "91110000600037341L"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_pass(code: str) -> None:
    assert uscc.validate(code).code == code


def test_full_width_and_lower_case_are_normalised() -> None:
    assert uscc.validate(" ９１３５０１００m０００１００y４３ ").code == "91350100M000100Y43"


def test_wrong_check_character_names_position_and_expected_value() -> None:
    with pytest.raises(uscc.InvalidUSCC) as error:
        uscc.validate("91350100M000100Y44")
    assert "第18位" in str(error.value)
    assert "“3”" in str(error.value)


@pytest.mark.parametrize("bad_char", ["I", "O", "S", "V", "Z"])
def test_letters_outside_the_alphabet_are_named(bad_char: str) -> None:
    code = "91350100M000100" + bad_char + "43"
    with pytest.raises(uscc.InvalidUSCC) as error:
        uscc.validate(code)
    assert "第16位" in str(error.value)


def test_wrong_length_is_reported() -> None:
    with pytest.raises(uscc.InvalidUSCC, match="18位"):
        uscc.validate("91350100M000100Y4")


def test_make_produces_codes_that_validate() -> None:
    assert uscc.is_valid(uscc.make("91130100MA0ABCDE1"))


def test_check_character_hand_computed() -> None:
    # 9*1+1*3+1*9+1*27+0*19+0*26+0*16+0*17+6*20+0*29+0*25+0*13+3*8+7*24+3*10+4*30+1*28
    # = 9+3+9+27+120+24+168+30+120+28 = 538; 538 mod 31 = 11; 31-11 = 20 -> 'L'
    assert uscc.check_character("91110000600037341") == "L"
