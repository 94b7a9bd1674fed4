"""``scf db upgrade`` and ``scf seed``."""

from __future__ import annotations

from pathlib import Path

import click

from scf.platform.cli import app_session, make_app


@click.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command()
def upgrade() -> None:
    """Apply all migrations to the database in SCF_DATABASE_URL."""
    from scf.platform.migrate import current_revision
    from scf.platform.migrate import upgrade as run_upgrade

    app = make_app()
    engine = app.extensions["scf_db"].engine
    try:
        run_upgrade(engine)
        revision = current_revision(engine)
    finally:
        engine.dispose()
    click.echo(
        f"数据库已是最新 (schema at revision {revision}): {engine.url.render_as_string(hide_password=True)}"
    )


@click.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of seed CSV files (default: the repository's seed/data).",
)
def seed(data_dir: Path | None) -> None:
    """Load the demo network. Idempotent: a second run changes nothing."""
    from scf.platform.demo.seed_loader import DEFAULT_DATA_DIR, load_seed

    with app_session() as session:
        counts = load_seed(session, data_dir or DEFAULT_DATA_DIR)
    created = sum(counts.values())
    summary = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
    click.echo(
        f"演示数据已加载 (seed loaded): {created} new rows"
        + (f" ({summary})" if summary else " — nothing changed")
    )
