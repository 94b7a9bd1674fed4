"""Small helpers shared by the page blueprints: dates and page numbers from the query
string, and the pagination of a list."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from flask import request, url_for

from scf.platform.errors import ValidationFailed

PAGE_SIZE = 25


def as_of_arg(name: str = "as_of") -> dt.date:
    """The ``as_of`` query argument (YYYY-MM-DD), today when absent."""
    text = request.args.get(name, "").strip()
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"{name} (日期): “{text}” 不是有效日期，应为 YYYY-MM-DD (not a date)",
            errors={name: ["YYYY-MM-DD"]},
        ) from None


@dataclass(frozen=True)
class Pager:
    page: int
    page_size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last_item(self) -> int:
        return min(self.offset + self.page_size, self.total)


def page_arg(page_size: int = PAGE_SIZE) -> Pager:
    """The ``page`` query argument (1-based; nonsense becomes 1). ``total`` is set later."""
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    return Pager(page, page_size, 0)


def with_total(pager: Pager, total: int) -> Pager:
    return Pager(pager.page, pager.page_size, total)


def url_with(**changes: object) -> str:
    """This page's address with some query arguments changed (pagination links)."""
    args: dict[str, object] = dict(request.args.items())
    args.update(changes)
    return url_for(str(request.endpoint), **(request.view_args or {}), **args)
