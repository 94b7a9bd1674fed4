"""The bank's business date (营业日): what "today" means for a use case, a page or a job.

Today in the bank's time zone (``SCF_JOBS_TIMEZONE``, default Asia/Shanghai: a
repayment booked at 00:30 Beijing time belongs to that day, not to UTC's yesterday),
or a fixed date when ``SCF_BUSINESS_DATE`` is set — the demo opens on its data's own
date, and tests fix their day. Rules never call this: they take ``as_of``; the
platform asks the clock once and passes the date down.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scf.platform.config import Settings
from scf.platform.errors import ConfigurationError


def business_today(settings: Settings | None = None) -> dt.date:
    settings = settings or Settings.from_env(serving=False)
    if settings.business_date:
        try:
            return dt.date.fromisoformat(settings.business_date)
        except ValueError:
            raise ConfigurationError(
                f"SCF_BUSINESS_DATE 应为 YYYY-MM-DD (must be a date), got “{settings.business_date}”"
            ) from None
    try:
        zone = ZoneInfo(settings.jobs_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"SCF_JOBS_TIMEZONE 无效 (unknown time zone): “{settings.jobs_timezone}”"
        ) from None
    return dt.datetime.now(zone).date()
