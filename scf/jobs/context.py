"""What a job receives: one session (one transaction), the as-of date, the clock's time."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from scf.credit.policy import Policy, load_policy
from scf.platform.auth.access import Actor
from scf.platform.config import Settings

Counts = dict[str, Any]
log = logging.getLogger("scf.jobs")
log.addHandler(logging.NullHandler())  # a library: the process (`scf jobs run`) configures output


@dataclass
class JobContext:
    """A job's unit of work. The runner commits ``session`` once the job returns; anything
    outside the database (moving an imported file) waits in ``after_commit``."""

    job_name: str
    session: Session
    as_of: dt.date
    now: dt.datetime
    settings: Settings
    actor: Actor
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    @cached_property
    def policy(self) -> Policy:
        """The policy in force on the as-of date: a rerun for a past date reproduces it."""
        return load_policy(self.as_of)
