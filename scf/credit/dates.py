"""Calendar arithmetic used by the rules, with the as-of date always passed in.

Anniversaries fall on the same day of the month; a 29 February anniversary in a
non-leap year falls on 28 February (the usual reading of “满N年”). Business days are
weekdays: holiday calendars are not in the documents, so stale-price checks count
Monday to Friday only [DOMAIN §6] *(assumed)*.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, clipped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``, at least one: a part month counts as a month,
    so a loan's term in months is never shorter than its days say [003 §十(一)]."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) < end:
        months += 1
    return max(months, 1)


def completed_years(since: date, as_of: date) -> int:
    """Whole years from ``since`` to ``as_of`` (an age, a firm's years in business)."""
    years = as_of.year - since.year
    if add_years(since, years) > as_of:
        years -= 1
    return years


def business_days_between(earlier: date, later: date) -> int:
    """Weekdays after ``earlier`` up to and including ``later`` (0 when the same day)."""
    if later <= earlier:
        return 0
    days = 0
    current = earlier
    while current < later:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days
