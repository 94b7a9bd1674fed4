"""A fresh database for one benchmark run, so that no run sees another's rows.

SQLite by default: a file in a folder the caller owns (a temporary one). PostgreSQL
when ``SCF_BENCH_DATABASE_URL`` names a server: a schema of the benchmark's own in that
database, dropped and created anew, reached through ``search_path``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

URL_VARIABLE = "SCF_BENCH_DATABASE_URL"


def schema_url(base: str, schema: str) -> str:
    """``base`` with every connection's ``search_path`` set to ``schema``."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"


def fresh_schema(base: str, schema: str) -> str:
    """Drop and create ``schema`` in the PostgreSQL database ``base``; its URL."""
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema_url(base, schema)


def fresh_database_url(schema: str, folder: Path) -> str:
    """A new PostgreSQL schema when ``SCF_BENCH_DATABASE_URL`` is set, else a SQLite file
    named after it in ``folder``."""
    base = os.environ.get(URL_VARIABLE)
    if not base:
        return f"sqlite:///{folder / f'{schema}.sqlite3'}"
    return fresh_schema(base, schema)
