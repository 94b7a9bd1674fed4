"""Pages for batch onboarding: upload a file, read its report, download the template.

``onboarding.upload`` (GET the form, POST the file) and ``onboarding.report`` (by batch
id) are the endpoints other areas link to (the market administrators' portal).

Progress: the page's script posts the form itself and asks for a stream of progress
events (``X-Progress: ndjson``); the load then runs in a worker thread (one session,
one transaction, committed once) while the response streams its progress, and the
browser moves to the report when it is done. The response ends only when the worker
has finished, so nothing outlives the request. Without the script, the form posts
normally and is redirected to the report.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from scf.credit.industries import INDUSTRIES
from scf.platform.auth.access import Actor, visible_batch
from scf.platform.errors import ScfError, ValidationFailed
from scf.platform.services.onboarding.batches import onboard
from scf.platform.services.onboarding.columns import COLUMNS, single_row_file
from scf.platform.services.onboarding.downloads import (
    Download,
    report_download,
    template_download,
)
from scf.platform.services.onboarding.limits import FileLimits, too_large
from scf.platform.services.onboarding.queries import list_batches, onboarding_targets
from scf.platform.services.onboarding.report import STATUSES
from scf.platform.web_session import database, db_session

bp = Blueprint("onboarding", __name__, url_prefix="/onboarding")
log = logging.getLogger(__name__)
PAGE_SIZE = 200


@bp.route("", methods=["GET", "POST"])
def upload() -> Any:
    """The upload form; a POST loads the file."""
    if request.method == "GET":
        return _form()
    session = db_session()
    try:
        arguments = _arguments()
    except ScfError as error:
        return _form(error, status=error.status)
    if request.headers.get("X-Progress") == "ndjson":
        return _streamed(g.actor, arguments)
    try:
        batch = onboard(session, g.actor, **arguments)
    except ScfError as error:
        return _form(error, status=error.status)
    return redirect(url_for("onboarding.report", batch_id=batch.id), code=303)


@bp.route("/single", methods=["GET", "POST"])
def single() -> Any:
    """One firm typed into a form (a market administrator recommending a merchant, a
    relationship manager adding a supplier): loaded as a one-row file, so every rule and
    message is the upload's. A refused entry comes back to the form with its errors."""
    session = db_session()
    today = dt.date.today()
    targets = onboarding_targets(session, g.actor, today)
    if request.method == "GET":
        return _single_form(targets, today)
    try:
        kind, key, as_of = _target_and_date()
        batch = onboard(
            session,
            g.actor,
            filename="单户录入 (form entry).csv",
            data=single_row_file(request.form.to_dict()),
            as_of=as_of,
            limits=_limits(),
            **{kind: key},
        )
    except ScfError as error:
        return _single_form(targets, today, [str(error)], status=error.status)
    line = batch.report[0] if batch.report else {}
    if batch.status == "rejected":
        return _single_form(targets, today, list(line.get("errors") or []), status=422)
    return redirect(url_for("onboarding.report", batch_id=batch.id), code=303)


def _single_form(
    targets: list[tuple[str, str]],
    today: dt.date,
    errors: list[str] | None = None,
    *,
    status: int = 200,
) -> tuple[str, int]:
    return (
        render_template(
            "onboarding/single.html",
            targets=targets,
            today=today.isoformat(),
            errors=errors or [],
            form=request.form,
            columns=COLUMNS,
            industries=tuple(INDUSTRIES),
        ),
        status,
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> Any:
    error = ValidationFailed(too_large(_limits().max_bytes))
    if request.headers.get("X-Progress") == "ndjson":
        return Response(_event({"error": str(error)}), status=413, mimetype="application/x-ndjson")
    return _form(error, status=413, keep_form=False)  # the body was never read


@bp.route("/<int:batch_id>")
def report(batch_id: int) -> Any:
    """A batch's report, filtered by row status, a page at a time."""
    batch = visible_batch(db_session(), g.actor, batch_id)
    wanted = request.args.get("status") or None
    lines = [line for line in batch.report if wanted is None or line["status"] == wanted]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    shown = [_for_page(line) for line in lines[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    return render_template(
        "onboarding/report.html",
        batch=batch,
        lines=shown,
        wanted=wanted,
        page=page,
        pages=max((len(lines) + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        statuses=tuple(STATUSES),
    )


@bp.route("/<int:batch_id>/report.<any(csv, xlsx):file_format>")
def download(batch_id: int, file_format: str) -> Response:
    batch = visible_batch(db_session(), g.actor, batch_id)
    return _attachment(report_download(batch.id, list(batch.report), file_format))


@bp.route("/template.<any(csv, xlsx):file_format>")
def template(file_format: str) -> Response:
    return _attachment(template_download(file_format))


def _attachment(file: Download) -> Response:
    return Response(file.content, content_type=file.mimetype, headers=file.headers)


def _limits() -> FileLimits:
    return FileLimits.of(current_app.extensions["scf_settings"])


def _form(
    error: ScfError | None = None, status: int = 200, *, keep_form: bool = True
) -> tuple[str, int]:
    session = db_session()
    today = dt.date.today()
    _, recent = list_batches(session, g.actor, limit=10)
    return (
        render_template(
            "onboarding/upload.html",
            targets=onboarding_targets(session, g.actor, today),
            recent=recent,
            today=today.isoformat(),
            error=error,
            form=request.form if keep_form else {},
            columns=COLUMNS,
        ),
        status,
    )


def _target_and_date() -> tuple[str, str, dt.date]:
    """The core enterprise or market chosen on a form, and the as-of date."""
    kind, _, key = request.form.get("target", "").partition(":")
    if kind not in ("core", "market") or not key:
        raise ValidationFailed(
            "请选择核心企业或市场 (choose a core enterprise or a market)",
            errors={"target": ["required"]},
        )
    text = request.form.get("as_of") or dt.date.today().isoformat()
    try:
        as_of = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"as_of (评估日期): “{text}”不是有效日期 (not a date, use YYYY-MM-DD)",
            errors={"as_of": ["YYYY-MM-DD"]},
        ) from None
    return kind, key, as_of


def _arguments() -> dict[str, Any]:
    """The service's arguments from the upload form, each bad field named."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(
            "请选择要上传的文件 (choose a file to upload)", errors={"file": ["required"]}
        )
    kind, key, as_of = _target_and_date()
    return {
        "filename": upload.filename,
        "data": upload.read(),
        "as_of": as_of,
        kind: key,
        "dry_run": request.form.get("dry_run") == "1",
        "accept_valid": request.form.get("accept_valid") == "1",
        "limits": _limits(),
    }


def _streamed(actor: Actor, arguments: dict[str, Any]) -> Response:
    """Run the load in a worker thread with a session of its own, streaming its progress.

    Flask tears the request's context down between returning a streamed response and
    sending its body, closing the request's session: the worker must not share it. The
    request's session is closed here first, so that only the worker touches the database.
    """
    request_session = g.pop("db_session", None)
    if request_session is not None:
        request_session.close()
    session = database().sessionmaker()
    events: queue.Queue[dict[str, Any] | None] = queue.Queue()

    def progress(phase: str, done: int, total: int) -> None:
        events.put({"phase": phase, "done": done, "total": total})

    def work() -> None:
        try:
            batch = onboard(session, actor, progress=progress, **arguments)
            events.put({"batch_id": batch.id, "status": batch.status})
        except ScfError as error:
            events.put({"error": str(error), "errors": error.errors})
        except Exception:
            log.exception("onboarding upload failed")
            events.put({"error": "内部错误，未写入任何数据 (internal error, nothing written)"})
        finally:
            session.close()
            events.put(None)

    worker = threading.Thread(target=work, name="onboarding-upload", daemon=True)
    worker.start()

    def generate() -> Any:
        try:
            while (event := events.get()) is not None:
                if "batch_id" in event:
                    event["url"] = url_for("onboarding.report", batch_id=event["batch_id"])
                yield _event(event)
        finally:
            worker.join()  # the response ends when the load has committed or rolled back

    return Response(stream_with_context(generate()), mimetype="application/x-ndjson")


def _event(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False) + "\n"


def _for_page(line: dict[str, Any]) -> dict[str, Any]:
    """Money strings back to Decimal for the ``yuan`` filter."""
    shown = dict(line)
    for key in ("reference_limit", "requested_amount", "granted_amount"):
        if shown.get(key) is not None:
            shown[key] = Decimal(shown[key])
    return shown
