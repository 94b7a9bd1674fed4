"""Batch onboarding for integrations: upload a file (multipart), get the report as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from scf.platform.api import actor, make_blueprint
from scf.platform.api.schemas.common import money_field
from scf.platform.auth.access import visible_batch
from scf.platform.errors import ValidationFailed
from scf.platform.http_errors import problem
from scf.platform.services.onboarding.batches import onboard
from scf.platform.services.onboarding.downloads import template_download
from scf.platform.services.onboarding.limits import TOO_LARGE, FileLimits, size_limit
from scf.platform.services.onboarding.queries import list_batches
from scf.platform.web_session import db_session

blp = make_blueprint(
    "onboarding_api", "/onboarding", "Batch onboarding of suppliers, dealers, merchants (批量导入)"
)


class UploadForm(Schema):
    """One multipart/form-data body: the file and the fields (``file`` is read from
    ``request.files``; it is declared here so that the OpenAPI spec shows one body)."""

    file = Upload(metadata={"description": "required: .csv (UTF-8 or GBK) or .xlsx"})
    core = fields.String(metadata={"description": "the core enterprise's USCC"})
    market = fields.String(metadata={"description": "the market's id or code"})
    as_of = fields.Date(metadata={"description": "date the figures describe (default today)"})
    dry_run = fields.Boolean(load_default=False)
    accept_valid = fields.Boolean(
        load_default=False, metadata={"description": "load valid rows, report the rest"}
    )


class TemplateQuery(Schema):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


class ReportLineSchema(Schema):
    row = fields.Integer(metadata={"description": "row number as in Excel (header = 1)"})
    uscc = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    relation = fields.String(allow_none=True)
    status = fields.String(
        metadata={"description": "created, updated, unchanged, rejected, not_loaded"}
    )
    errors = fields.List(fields.String())
    changed = fields.List(
        fields.String(), metadata={"description": "party, snapshot, relationship"}
    )
    size_class = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    tier = fields.String(allow_none=True)
    reference_limit = money_field(allow_none=True)
    requested_amount = money_field(allow_none=True)
    granted_amount = money_field(allow_none=True)
    reasons = fields.List(fields.String(), metadata={"description": "rules that refer or fail"})
    policy_version = fields.String(allow_none=True)


class BatchSummarySchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    checksum = fields.String(metadata={"description": "SHA-256 of the file"})
    actor = fields.String()
    as_of = fields.Date()
    status = fields.String(metadata={"description": "loaded, partially_loaded, rejected"})
    dry_run = fields.Boolean()
    accept_valid = fields.Boolean()
    programme_id = fields.Integer(allow_none=True)
    core_party_id = fields.Integer(allow_none=True)
    market_id = fields.Integer(allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    notes = fields.List(fields.String())
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class BatchSchema(BatchSummarySchema):
    report = fields.List(fields.Nested(ReportLineSchema))


@blp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> Response:
    limits = FileLimits.of(current_app.extensions["scf_settings"])
    return problem(413, TOO_LARGE, size_limit(limits.max_bytes))


@blp.route("")
class Batches(MethodView):
    @blp.arguments(UploadForm, location="form", content_type="multipart/form-data")
    @blp.response(201, BatchSchema)
    def post(self, form: dict[str, Any]) -> Any:
        """Load a file for a core enterprise (``core``) or a market (``market``).

        All or nothing unless ``accept_valid``; the report says, per row, what happened
        and, for each firm taken, the credit engine's decision. A file that cannot be
        read at all is a 422 problem and nothing is written.
        """
        upload = request.files.get("file")
        if upload is None:
            raise ValidationFailed(
                "file (文件): 必填，请以 multipart/form-data 上传 (required: send the file as "
                "multipart/form-data)",
                errors={"file": ["required"]},
            )
        session = db_session()
        batch = onboard(
            session,
            actor(),
            filename=upload.filename or "upload",
            data=upload.read(),
            as_of=form.get("as_of") or dt.date.today(),
            core=form.get("core"),
            market=form.get("market"),
            dry_run=form["dry_run"],
            accept_valid=form["accept_valid"],
            limits=FileLimits.of(current_app.extensions["scf_settings"]),
        )
        return batch

    @blp.response(200, BatchSummarySchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: Any) -> Any:
        """Batches you may read, newest first (without their reports)."""
        total, batches = list_batches(
            db_session(),
            actor(),
            limit=pagination_parameters.page_size,
            offset=pagination_parameters.first_item,
        )
        pagination_parameters.item_count = total
        return batches


@blp.route("/<int:batch_id>")
class BatchDetail(MethodView):
    @blp.response(200, BatchSchema)
    def get(self, batch_id: int) -> Any:
        """One batch with its report."""
        return visible_batch(db_session(), actor(), batch_id)


@blp.route("/template")
class Template(MethodView):
    @blp.arguments(TemplateQuery, location="query")
    @blp.response(200, content_type="application/octet-stream")
    def get(self, args: dict[str, str]) -> Response:
        """The onboarding template as CSV (UTF-8 with BOM) or XLSX."""
        template = template_download(args["format"])
        return Response(template.content, content_type=template.mimetype, headers=template.headers)
