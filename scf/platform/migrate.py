"""Schema migrations, driven from code so that `scf db upgrade` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from scf.platform.db import check_connection
from scf.platform.errors import SchemaMismatch

MIGRATIONS = Path(__file__).with_name("migrations")


# Tables that others own: APScheduler creates and migrates its job store itself.
FOREIGN_TABLES = {"apscheduler_jobs"}


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise SchemaMismatch(f"迁移脚本有多个head (migrations have {len(heads)} heads): {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` in one transaction."""
    check_connection(engine)
    _refuse_unknown_revision(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is older or newer than this code."""
    check_connection(engine)
    _refuse_unknown_revision(engine)
    current = current_revision(engine)
    if current != head_revision():
        raise SchemaMismatch(
            f"数据库结构版本为 {current or '空 (empty)'}，程序需要 {head_revision()} "
            "(database schema is behind this code): run `scf db upgrade` first"
        )


def _refuse_unknown_revision(engine: Engine) -> None:
    current = current_revision(engine)
    if current is None:
        return
    if not _known(ScriptDirectory.from_config(alembic_config()), current):
        raise SchemaMismatch(
            f"数据库结构版本 {current} 比本程序新 (the database schema is newer than this "
            "code): upgrade scf to the release that wrote it; nothing was changed"
        )


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False
