"""Errors as RFC 9457 problem details (``application/problem+json``) with field errors."""

from __future__ import annotations

from typing import Any

from flask import Response, json


def problem(status: int, title: str, detail: str, errors: Any = None) -> Response:
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
