"""The platform's named errors. Each carries a message a user can act on.

The CLI prints the message on one line and exits non-zero; the API turns these
into problem+json responses. Nobody sees a traceback.
"""

from __future__ import annotations

from typing import Any


class ScfError(Exception):
    """Base class: ``str(error)`` is the whole user-facing message."""

    status = 400
    title = "请求无效 (bad request)"

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


class ConfigurationError(ScfError):
    status = 500
    title = "配置错误 (configuration error)"


class DatabaseUnavailable(ScfError):
    status = 503
    title = "数据库不可用 (database unavailable)"


class SchemaMismatch(ScfError):
    status = 503
    title = "数据库结构版本不符 (schema version mismatch)"


class ValidationFailed(ScfError):
    status = 422
    title = "输入有误 (validation failed)"


class NotFound(ScfError):
    status = 404
    title = "未找到 (not found)"


class Forbidden(ScfError):
    status = 403
    title = "无权访问 (forbidden)"


class Conflict(ScfError):
    status = 409
    title = "冲突 (conflict)"


class RuleRefused(ScfError):
    """A credit or limit rule refused the operation; ``errors`` names the rule."""

    status = 422
    title = "不符合授信规则 (refused by rule)"
