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
    """Upgrade the embedded database, load the demo network, run the morning's monitoring
    jobs once (as the scheduler would) and serve it."""
    from scf.platform.demo.seed_loader import DEFAULT_DATA_DIR, DEMO_PASSWORD, load_seed
    from scf.platform.migrate import upgrade

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
    open_alerts = _run_monitoring_once(app)
    click.echo(
        f"\nscf 演示平台 (demo) → http://{host}:{port}/   API docs → http://{host}:{port}/api/v1/docs"
    )
    click.echo(f"数据库 (database): {db.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"演示账号 (demo logins), 密码 password: {DEMO_PASSWORD}")
    for username, role in users:
        click.echo(f"  {username:<14} {role.value}")
    click.echo(
        f"监控任务已按演示数据日期运行 (monitoring jobs run for the demo's date): "
        f"{open_alerts} open alerts; "
        "`scf jobs run` keeps them running every morning"
    )
    click.echo("")
    _serve(app, host, port)


def _run_monitoring_once(app: object) -> int:
    """Every monitoring job that has never run here, in order, for the date the demo data
    describes (so the planted cases show as seed/README.md tells them); a restart, or a
    database the scheduler already works on, runs nothing again. Returns the number of
    open alerts."""
    import sqlalchemy as sa

    from scf.jobs.registry import JOBS
    from scf.jobs.runner import run_job
    from scf.platform.demo.seed_loader import SEED_AS_OF
    from scf.platform.models import Alert, JobRun
    from scf.platform.models.enums import AlertStatus

    database = app.extensions["scf_db"]  # type: ignore[attr-defined]
    settings = app.extensions["scf_settings"]  # type: ignore[attr-defined]
    with database.session() as session:
        done = set(session.scalars(sa.select(JobRun.job_name).where(JobRun.status == "succeeded")))
    for job in JOBS:
        if job.name in done:  # the scheduler has taken over this database: leave it be
            continue
        outcome = run_job(database, settings, job.name, as_of=SEED_AS_OF)
        if outcome.status != "succeeded":
            click.echo(f"  {job.name}: {outcome.status} {outcome.error or ''}", err=True)
    with database.session() as session:
        return (
            session.scalar(
                sa.select(sa.func.count(Alert.id)).where(Alert.status == AlertStatus.OPEN)
            )
            or 0
        )
