"""The platform's named errors. Each carries a message a user can act on.

The CLI prints the message on one line and exits non-zero; the API turns these
into problem+json responses. Nobody sees a traceback.
"""

from __future__ import annotations

from typing import Any


class ScfError(Exception):
    """Base class: ``str(error)`` is the whole user-facing message; ``errors`` names the
    fields (or rules) at fault. Each subclass fixes its HTTP status and problem title."""

    status = 400
    title = "请求无效 (bad request)"

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}

    def __init_subclass__(
        cls, *, status: int | None = None, title: str = "", **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
        if title:
            cls.title = title


class ConfigurationError(ScfError, status=500, title="配置错误 (configuration error)"):
    """A setting is missing or malformed: the operator fixes the environment."""


class DatabaseUnavailable(ScfError, status=503, title="数据库不可用 (database unavailable)"):
    """The database cannot be reached: nothing was read or written."""


class SchemaMismatch(ScfError, status=503, title="数据库结构版本不符 (schema version mismatch)"):
    """The database's schema is not this code's: run ``scf db upgrade`` (or upgrade scf)."""


class ValidationFailed(ScfError, status=422, title="输入有误 (validation failed)"):
    """Bad input: ``errors`` maps each field (or row) to what is wrong with it."""


class NotFound(ScfError, status=404, title="未找到 (not found)"):
    """Absent, or not visible to the caller: the two answers are the same."""


class Forbidden(ScfError, status=403, title="无权访问 (forbidden)"):
    """The caller's role may not do this at all."""


class Conflict(ScfError, status=409, title="冲突 (conflict)"):
    """The object is not in a state that allows this (already approved, being written)."""


class RuleRefused(ScfError, status=422, title="不符合授信规则 (refused by rule)"):
    """A credit or limit rule refused the operation; ``errors["rules"]`` lists each rule
    with its clause, observed value and threshold."""
