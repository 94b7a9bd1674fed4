"""The migrations are the schema: one head, and they create exactly what the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from scf.platform.migrate import head_revision, include_object
from scf.platform.models import Base


def test_migrations_have_exactly_one_head() -> None:
    assert head_revision()


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "include_object": include_object}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
