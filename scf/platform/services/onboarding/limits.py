"""How much an uploaded file may hold, and how a refusal says which limit it hit.

Two limits apply to every file: its size (``SCF_ONBOARDING_MAX_BYTES``; the web server
refuses a larger body before reading it) and its data rows (``SCF_ONBOARDING_MAX_ROWS``).
An .xlsx is a zip archive whose size says little about what it inflates to — a 4 MB
workbook once took a worker to 4.3 GB (issue #12) — so three more bound the archive,
read from its central directory before anything is inflated: what all parts inflate to
together (``SCF_ONBOARDING_MAX_UNCOMPRESSED``), how far one part may inflate against its
compressed size (``SCF_ONBOARDING_MAX_RATIO``) and how many parts it may hold
(``SCF_ONBOARDING_MAX_ENTRIES``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from scf.platform.config import Settings


def _default(setting: str) -> int:
    """A setting's default, so that a test or a script naming only bytes and rows gets
    the archive limits production has."""
    return int(next(f.default for f in fields(Settings) if f.name == setting))  # type: ignore[call-overload]


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int
    max_rows: int
    max_uncompressed: int = _default("onboarding_max_uncompressed")
    max_ratio: int = _default("onboarding_max_ratio")
    max_entries: int = _default("onboarding_max_entries")

    @classmethod
    def of(cls, settings: Settings) -> FileLimits:
        return cls(
            settings.onboarding_max_bytes,
            settings.onboarding_max_rows,
            settings.onboarding_max_uncompressed,
            settings.onboarding_max_ratio,
            settings.onboarding_max_entries,
        )


TOO_LARGE = "文件过大 (file too large)"


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def size_limit(max_bytes: int) -> str:
    """The limit as a refused file is told it, wherever the size was caught."""
    return (
        f"上限 {megabytes(max_bytes)} MB (limit SCF_ONBOARDING_MAX_BYTES); "
        "请拆分文件 (split the file)"
    )


def too_large(max_bytes: int, size: int | None = None) -> str:
    """The refusal of a file over the limit; ``size`` is unknown when the web server
    refused the body unread."""
    read = "" if size is None else f"{megabytes(size)} MB，"
    return f"{TOO_LARGE}: {read}{size_limit(max_bytes)}"
