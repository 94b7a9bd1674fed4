"""The HTTP boundary for errors: one place turns every failure into what the caller reads.

The API answers ``application/problem+json`` (RFC 9457) with field errors; the pages
answer an HTML page in the reader's language. Both see the same named errors
(``scf.platform.errors``): a refusal, a validation error, a missing or invisible object,
a form that expired, a request too large, a crash. Nobody sees a traceback, and the
answer says that nothing was written.

The API package and the pages package both use this module and never each other.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, json, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from scf.credit.policy_files import NoPolicyInForce
from scf.platform.errors import ScfError, ValidationFailed


def problem(status: int, title: str, detail: str, errors: Any = None) -> Response:
    """A problem+json response: title, status, detail and, for bad input, field errors."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        mimetype="application/problem+json",
    )


def render_error(status: int, title: str, message: str) -> tuple[str, int]:
    """An error page in the reader's language."""
    return render_template("error.html", status=status, title=title, message=message), status


def for_api() -> bool:
    return request.path.startswith("/api/")


# The problem title of an API error: Chinese with the English key, like the rest.
API_TITLES = {
    400: "请求无效 (bad request)",
    401: "未登录 (unauthorized)",
    403: "无权访问 (forbidden)",
    404: "未找到 (not found)",
    405: "不支持的方法 (method not allowed)",
    413: "内容过大 (payload too large)",
    500: "服务器错误 (server error)",
}

API_DETAILS = {
    404: "没有这个地址 (no such resource)",
    405: "此地址不接受这种请求 (method not allowed here)",
    413: "请求内容超过允许的大小 (request too large)",
    500: "请求未完成，未写入任何数据 (nothing was written)",
}


def api_title(status: int) -> str:
    return API_TITLES.get(status, "错误 (error)")


def _page_texts(status: int) -> tuple[str, str]:
    """Title and sentence of an error page, translated at request time."""
    pages = {
        400: (_("请求无效"), _("请求的格式或参数有误。")),
        403: (_("无权访问"), _("您的角色不能执行此操作。")),
        404: (_("未找到"), _("没有这个页面，或您无权查看。")),
        405: (_("不支持的操作"), _("此页面不接受这种请求。")),
        413: (_("文件过大"), _("上传的内容超过了允许的大小。")),
    }
    return pages.get(status, (_("服务器错误"), _("请求未完成，未写入任何数据。")))


HANDLED_STATUSES = (400, 403, 404, 405, 413, 500)


def http_exception_as_problem(error: HTTPException) -> Response:
    """An HTTP error raised inside an API view (webargs' 400/422 with their field errors, a
    404 from routing) as problem+json, keeping the field errors."""
    status = error.code or 500
    errors = None
    data = getattr(error, "data", None)
    if isinstance(data, dict) and "messages" in data:
        errors = data["messages"]
    if errors:
        detail = "请求参数有误，见 errors (invalid input, see errors)"
    else:
        detail = API_DETAILS.get(status) or (
            error.description if isinstance(error.description, str) else ""
        )
    return problem(status, API_TITLES.get(status, "输入有误 (validation failed)"), detail, errors)


def init_app(app: Flask) -> None:
    """Register the handlers: named errors, CSRF failures and HTTP statuses, for both."""

    @app.errorhandler(ScfError)
    def _scf_error(error: ScfError) -> Any:
        if for_api():
            return problem(error.status, error.title, str(error), error.errors or None)
        return render_error(error.status, error.title, str(error))

    @app.errorhandler(NoPolicyInForce)
    def _no_policy(error: NoPolicyInForce) -> Any:
        return _scf_error(
            ValidationFailed(
                f"as_of (基准日): {error.as_of} 无适用的授信政策 (no policy in force on that date)",
                errors={"as_of": ["无适用的授信政策 (no policy in force on that date)"]},
            )
        )

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> Any:
        return render_error(400, "CSRF", "页面已过期，请刷新后重试 (form expired, reload the page)")

    def _status(error: Any) -> Any:
        status = error.code if isinstance(error, HTTPException) and error.code else 500
        if for_api():
            if isinstance(error, HTTPException):
                return http_exception_as_problem(error)
            return problem(status, api_title(status), API_DETAILS.get(status, ""))
        return render_error(status, *_page_texts(status))

    for status in HANDLED_STATUSES:
        app.register_error_handler(status, _status)
