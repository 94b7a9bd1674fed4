"""The ``scf`` command line. Each command is a few lines calling a service.

Errors a user can act on are printed as one line (no traceback) with a non-zero exit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask

from scf.platform.errors import DatabaseUnavailable, ScfError


class ScfGroup(click.Group):
    """Turns the platform's named errors into one clear line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScfError as error:
            _fail(str(error), error.errors)
        except sa.exc.OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            _fail(str(DatabaseUnavailable(f"数据库错误 (database error): {reason}")), None)
        except sa.exc.DBAPIError as error:  # a constraint or a broken statement: one line
            reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
            _fail(f"数据库错误，未写入任何数据 (database error, nothing written): {reason}", None)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as error:  # the last line of defence: never a traceback
            if os.environ.get("SCF_DEBUG") == "1":
                raise
            _fail(
                f"内部错误，未写入任何数据 (internal error, nothing written): "
                f"{type(error).__name__}: {error}. Set SCF_DEBUG=1 for details.",
                None,
            )


def _fail(message: str, errors: Any) -> None:
    click.echo(f"错误 (error): {message}", err=True)
    if errors:
        for field, problems in sorted(errors.items()):
            details = [str(p) for p in problems if str(p) != message]  # no echo of the line
            if details:
                click.echo(f"  {field}: {'; '.join(details)}", err=True)
    sys.exit(1)


def make_app(*, demo: bool = False, serving: bool = False) -> Flask:
    from scf.platform import create_app

    return create_app(demo=demo, serving=serving)


@contextmanager
def app_session(*, demo: bool = False, check_schema: bool = True) -> Iterator[Any]:
    """An application context and a session on a database whose schema is current."""
    app = make_app(demo=demo)
    db = app.extensions["scf_db"]
    try:
        with app.app_context():
            if check_schema:
                from scf.platform.migrate import ensure_current

                ensure_current(db.engine)
            with db.session() as session:
                yield session
    finally:
        db.engine.dispose()


@click.group(cls=ScfGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """scf — supply-chain and commerce-circle SME credit platform (供应链·商圈融资)."""


def _register() -> None:
    from scf.platform.cli import (
        admin,
        alerts,
        db,
        demo,
        jobs,
        lending,
        listing,
        network,
        onboarding,
        users,
    )

    main.add_command(db.db)
    main.add_command(db.seed)
    main.add_command(demo.serve)
    main.add_command(demo.demo)
    main.add_command(listing.parties)
    main.add_command(listing.markets)
    main.add_command(users.users)
    main.add_command(network.network)
    main.add_command(admin.branches)
    main.add_command(lending.lending)
    main.add_command(onboarding.onboard)
    main.add_command(jobs.jobs)
    main.add_command(alerts.alerts)


_register()
