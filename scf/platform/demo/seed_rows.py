"""Reading the seed's CSV files: one row at a time, each value typed where it is read.

A bad value names its file, line and column (``parties.csv 第12行 (line 12) birth_date``),
so that whoever edits ``seed/data`` by hand finds the cell at once; the loader raises it
before anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from scf.credit.money import MoneyError, to_decimal
from scf.platform.errors import ConfigurationError, ValidationFailed

T = TypeVar("T")
TRUE_WORDS = frozenset({"true", "yes", "1", "是"})
FALSE_WORDS = frozenset({"false", "no", "0", "否"})


def read_rows(data_dir: Path, name: str) -> Iterator[Row]:
    """The rows of ``name.csv``, numbered as an editor shows them (the header is line 1)."""
    path = data_dir / f"{name}.csv"
    if not path.exists():
        raise ConfigurationError(f"缺少演示数据文件 (missing seed file): {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        for line, data in enumerate(csv.DictReader(handle), start=2):
            yield Row(path.name, line, data)


class Row:
    """One CSV row with typed getters whose errors name file, line and column."""

    def __init__(self, file: str, line: int, data: dict[str, str]) -> None:
        self.file, self.line, self.data = file, line, data

    def fail(self, column: str, reason: str) -> ValidationFailed:
        where = f"{self.file} 第{self.line}行 (line {self.line}) {column}"
        return ValidationFailed(
            f"{where}: {reason}", errors={f"{self.file}:{self.line}": [f"{column}: {reason}"]}
        )

    def typed(self, **columns: tuple[str, ...]) -> dict[str, Any]:
        """Several columns at once, by getter: ``typed(date=("issued_on", "due_on"))`` is
        ``{"issued_on": row.date("issued_on"), "due_on": row.date("due_on")}``."""
        return {
            column: getattr(self, getter)(column)
            for getter, names in columns.items()
            for column in names
        }

    def text(self, column: str) -> str | None:
        value = (self.data.get(column) or "").strip()
        return value or None

    def req(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            raise self.fail(column, "必填 (required)")
        return value

    def decimal(self, column: str) -> Decimal | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return to_decimal(value, field=column)
        except MoneyError as error:
            raise self.fail(column, str(error)) from None

    def date(self, column: str) -> dt.date | None:
        return self._parsed(column, dt.date.fromisoformat, "日期格式应为YYYY-MM-DD (bad date)")

    def integer(self, column: str) -> int | None:
        return self._parsed(column, int, "应为整数 (not an integer)")

    def _parsed(self, column: str, parse: Callable[[str], T], reason: str) -> T | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError:
            raise self.fail(column, f"{reason} “{value}”") from None

    def boolean(self, column: str) -> bool | None:
        value = self.text(column)
        if value is None:
            return None
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise self.fail(column, f"应为true/false (not a boolean) “{value}”")

    def flags(self, column: str) -> list[str]:
        value = self.text(column)
        return [] if value is None else [f for f in value.split(";") if f]

    def enum(self, column: str, enum_cls: Any) -> Any:
        value = self.req(column)
        try:
            return enum_cls(value)
        except ValueError:
            raise self.fail(column, f"未知取值 (unknown value) “{value}”") from None
