"""Setting the bank's business date (``SCF_BUSINESS_DATE``) for a step of a test."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def business_date(day: dt.date) -> Iterator[None]:
    """``day`` is the bank's business date inside the block; the suite's date after it."""
    before = os.environ.get("SCF_BUSINESS_DATE")
    os.environ["SCF_BUSINESS_DATE"] = day.isoformat()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SCF_BUSINESS_DATE", None)
        else:
            os.environ["SCF_BUSINESS_DATE"] = before
