"""JSON in and out of the web platform, exact for money and bounded for safety.

Python's ``json`` turns ``0.1`` into a binary float; a bank's figures must not pass
through one. Request bodies parse numbers with a fraction as ``Decimal``, and
responses write ``Decimal`` as a decimal string (Flask's default), so an amount
sent as ``1234.56`` or ``"1234.56"`` arrives as ``Decimal("1234.56")``.

A request body is also bounded before anything reads it: no nesting deeper than
``MAX_DEPTH`` (Python's parser would recurse until it crashes), no integer longer than
``MAX_DIGITS`` (and none that Python refuses to convert), no ``NaN``/``Infinity``, no
NUL character in a string (PostgreSQL refuses it in text). Each is a 400 naming the
problem, never a 500.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import flask
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

MAX_DEPTH = 32
MAX_DIGITS = 30  # digits of an integer or of a number's mantissa; money has at most 17


class UnsafeJSON(json.JSONDecodeError):
    """A body refused before or while parsing; webargs answers it as a 400."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "(request body)", 0)  # a non-empty doc: not "no body"


def _depth_within(text: str, limit: int) -> bool:
    """Nesting of arrays and objects, counted outside strings, stays within ``limit``."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth -= 1
    return True


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise UnsafeJSON(f"整数位数过多 (integer longer than {MAX_DIGITS} digits)")
    return int(text)


def _decimal(text: str) -> Decimal:
    mantissa = text.lower().split("e")[0].lstrip("-").replace(".", "")
    if len(mantissa) > MAX_DIGITS:
        raise UnsafeJSON(f"数字位数过多 (number longer than {MAX_DIGITS} digits)")
    value = Decimal(text)
    if abs(value.adjusted()) > MAX_DIGITS:
        raise UnsafeJSON(f"数字超出范围 (number out of range): {text}")
    return value


def _constant(name: str) -> Any:
    raise UnsafeJSON(f"不接受 {name} (NaN and Infinity are not numbers here)")


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise UnsafeJSON("文本中不能含有 NUL 字符 (a NUL character is not allowed in text)")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    elif isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


def loads_bounded(text: str) -> Any:
    """Parse a request body: exact decimals, bounded depth and size of numbers, no NUL."""
    if not _depth_within(text, MAX_DEPTH):
        raise UnsafeJSON(f"JSON 嵌套过深 (nested deeper than {MAX_DEPTH} levels)")
    try:
        value = json.loads(text, parse_float=_decimal, parse_int=_integer, parse_constant=_constant)
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise UnsafeJSON("JSON 嵌套过深 (nested too deep)") from None
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            raise
        raise UnsafeJSON(f"无法读取的数字 (unreadable number): {error}") from None
    return _no_nul(value)


class DecimalJSONProvider(DefaultJSONProvider):
    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if kwargs:
            kwargs.setdefault("parse_float", Decimal)
            return super().loads(s, **kwargs)
        return loads_bounded(s.decode("utf-8") if isinstance(s, bytes) else s)


class DecimalFlaskParser(FlaskParser):
    """webargs' parser for flask-smorest, reading JSON numbers with a fraction as ``Decimal``."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError(f"Bytes decoding error : {error.reason}", "", 0) from error
        return loads_bounded(text)

    def _handle_invalid_json_error(
        self,
        error: json.JSONDecodeError | UnicodeDecodeError,
        req: flask.Request,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        """A 400 that says what was wrong with the body, not only that it was."""
        reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        abort(400, exc=error, messages={"json": [f"无法读取的 JSON (invalid JSON body): {reason}"]})
