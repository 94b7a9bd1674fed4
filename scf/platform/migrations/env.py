"""Alembic environment: runs on the connection the platform hands over (see scf/platform/migrate.py)."""

from __future__ import annotations

from alembic import context

from scf.platform.migrate import include_object
from scf.platform.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via `alembic` run by hand
    raise SystemExit("Run migrations with `scf db upgrade`, which supplies the connection.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    user_module_prefix="sct.",
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
