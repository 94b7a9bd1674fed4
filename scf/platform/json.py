"""JSON in and out of the web platform, exact for money.

Python's ``json`` turns ``0.1`` into a binary float; a bank's figures must not pass
through one. Request bodies parse numbers with a fraction as ``Decimal``, and
responses write ``Decimal`` as a decimal string (Flask's default), so an amount
sent as ``1234.56`` or ``"1234.56"`` arrives as ``Decimal("1234.56")``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import flask
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class DecimalJSONProvider(DefaultJSONProvider):
    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_float", Decimal)
        return super().loads(s, **kwargs)


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
        return json.loads(text, parse_float=Decimal)
