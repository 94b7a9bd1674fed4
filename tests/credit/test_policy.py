"""Policy files: dated values, versions that reproduce, bad files refused [STYLE §10]."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scf.credit.policy import DEFAULT_POLICY_DIR, PolicyError, load_policy


def copy_policy(tmp_path: Path) -> Path:
    target = tmp_path / "policy"
    shutil.copytree(DEFAULT_POLICY_DIR, target)
    return target


def test_values_are_decimals_with_their_clause() -> None:
    p = load_policy(date(2024, 1, 1))
    assert p.decimal("admission.debt_ratio_max.manufacturing") == Decimal("0.60")
    assert p.param("admission.debt_ratio_max.manufacturing").reference == "[003 §五(一)1(4)]"
    assert p.param("limit.revenue_coefficient.other").assumed is True
    assert "(assumed)" in p.ref("limit.revenue_coefficient.other")


@pytest.mark.parametrize(
    ("as_of", "table"),
    [(date(2011, 6, 17), "size-2003"), (date(2011, 6, 18), "size-2011")],
)
def test_size_table_is_chosen_by_as_of_date(as_of: date, table: str) -> None:
    assert load_policy(as_of).size_table.label == table


def test_version_names_label_date_table_and_hash() -> None:
    version = load_policy(date(2024, 1, 1)).version
    assert version.startswith("hebei-2012@2012-01-01+size-2011#")


def test_loading_is_cached() -> None:
    assert load_policy(date(2024, 1, 1)) is load_policy(date(2024, 1, 1))


def test_new_dated_value_applies_only_from_its_date(tmp_path: Path) -> None:
    directory = copy_policy(tmp_path)
    path = directory / "admission.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '      2012-01-01: {value: "0.60", reference: "[003 §五(一)1(4)]"}\n'
        "  admission.debt_ratio_max.wholesale_retail:",
        '      2012-01-01: {value: "0.60", reference: "[003 §五(一)1(4)]"}\n'
        '      2025-01-01: {value: "0.55", reference: "circular 2024-17"}\n'
        "  admission.debt_ratio_max.wholesale_retail:",
    )
    path.write_text(text, encoding="utf-8")
    old = load_policy(date(2024, 12, 31), directory)
    new = load_policy(date(2025, 1, 1), directory)
    assert old.decimal("admission.debt_ratio_max.manufacturing") == Decimal("0.60")
    assert new.decimal("admission.debt_ratio_max.manufacturing") == Decimal("0.55")
    assert old.version == load_policy(date(2024, 12, 31)).version
    assert new.version.startswith("hebei-2012@2025-01-01+size-2011#")


BAD_FILES = [
    (
        "duplicate key",
        "kind: parameters\nparameters:\n  a.b:\n    values:\n"
        '      2012-01-01: {value: "1", reference: "x"}\n'
        "  a.b:\n    values:\n"
        '      2012-01-01: {value: "2", reference: "x"}\n',
        "a.b",
    ),
    (
        "unknown key",
        "kind: parameters\nparameters:\n  a.b:\n    valeus: {}\n",
        "a.b.valeus",
    ),
    (
        "not a decimal number",
        "kind: parameters\nparameters:\n  a.b:\n    values:\n"
        '      2012-01-01: {value: "0,6x", reference: "x"}\n',
        "a.b.2012-01-01.value",
    ),
    (
        "quoted decimal string",
        "kind: parameters\nparameters:\n  a.b:\n    values:\n"
        '      2012-01-01: {value: 0.6, reference: "x"}\n',
        "a.b.2012-01-01.value",
    ),
    (
        "is not a date",
        "kind: parameters\nparameters:\n  a.b:\n    values:\n"
        '      2012-13-01: {value: "1", reference: "x"}\n',
        "a.b.2012-13-01",
    ),
    (
        "cite its source",
        'kind: parameters\nparameters:\n  a.b:\n    values:\n      2012-01-01: {value: "1"}\n',
        "a.b.2012-01-01.reference",
    ),
]


@pytest.mark.parametrize(("reason", "content", "key"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_policy_file_is_refused_naming_file_key_and_reason(
    tmp_path: Path, reason: str, content: str, key: str
) -> None:
    directory = copy_policy(tmp_path)
    (directory / "zz_bad.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_policy(date(2024, 1, 1), directory)
    assert err.value.file == "zz_bad.yaml"
    assert err.value.key == key
    assert reason in err.value.reason


def test_parameter_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    directory = copy_policy(tmp_path)
    (directory / "zz_dup.yaml").write_text(
        "kind: parameters\nparameters:\n  rating.floor.general:\n    type: text\n    values:\n"
        '      2012-01-01: {value: "BB", reference: "x"}\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match="also defined in rating.yaml"):
        load_policy(date(2024, 1, 1), directory)


def test_missing_parameter_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="no value in force"):
        load_policy(date(2024, 1, 1)).decimal("no.such.parameter")


def test_snapshot_records_every_value_in_force_as_strings() -> None:
    snap = load_policy(date(2024, 1, 1)).snapshot()
    assert snap["admission.debt_ratio_max.wholesale_retail"] == "0.70"
    assert snap["size_table"] == "size-2011"
    assert snap["rating.scale"].startswith("AAA,AA+,AA,AA-")
