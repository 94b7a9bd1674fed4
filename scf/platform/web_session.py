"""The request-scoped database session: opened on first use, closed at teardown."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from scf.platform.db import Database


def database() -> Database:
    db: Database = current_app.extensions["scf_db"]
    return db


def db_session() -> Session:
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
    session: Session = g.db_session
    return session


def close_db_session(_error: BaseException | None = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()
