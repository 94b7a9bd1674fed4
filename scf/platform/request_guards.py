"""Bounds on what a request may carry, checked before any view reads it.

Each bound turns what would have been a database error (a 500) into a clear 4xx:
- a NUL character in a query parameter or a form field (PostgreSQL refuses it in text):
  400 naming the field;
- an id in a URL beyond what an integer column holds: 404, like any id that does not
  exist (the answer never tells an absent object from one out of range).
JSON bodies are bounded where they are parsed (``scf.platform.json``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from scf.platform.errors import ValidationFailed

MAX_ID = 2**31 - 1  # INTEGER columns (SQLite and PostgreSQL alike hold at least this)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` in routes: at most ``MAX_ID``; a larger number matches no route (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def refuse_nul_characters() -> None:
    for source in (request.args, request.form):
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                name = key.replace("\x00", "")
                raise ValidationFailed(
                    f"{name}: 不能含有 NUL 字符 (a NUL character is not allowed)",
                    errors={name: ["不能含有 NUL 字符 (no NUL character)"]},
                )


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_nul_characters)
