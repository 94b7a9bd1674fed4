"""``scf serve`` and ``scf demo``."""

from __future__ import annotations

import click

from scf.platform.cli import make_app


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the web platform with the development server (use gunicorn in production)."""
    _serve(make_app(serving=True), host, port)


def _serve(app: object, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False)  # type: ignore[arg-type]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Upgrade the embedded database, load the demo network and serve it."""
    from scf.platform.migrate import upgrade
    from scf.platform.services.seed_loader import DEFAULT_DATA_DIR, DEMO_PASSWORD, load_seed

    app = make_app(demo=True, serving=True)
    db = app.extensions["scf_db"]
    upgrade(db.engine)
    with app.app_context(), db.session() as session:
        load_seed(session, DEFAULT_DATA_DIR)
        import sqlalchemy as sa

        from scf.platform.models import User

        users = session.execute(
            sa.select(User.username, User.role).order_by(User.role, User.username)
        ).all()
    click.echo(
        f"\nscf 演示平台 (demo) → http://{host}:{port}/   API docs → http://{host}:{port}/api/v1/docs"
    )
    click.echo(f"数据库 (database): {db.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"演示账号 (demo logins), 密码 password: {DEMO_PASSWORD}")
    for username, role in users:
        click.echo(f"  {username:<14} {role.value}")
    click.echo("")
    _serve(app, host, port)
