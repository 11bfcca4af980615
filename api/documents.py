"""Routes for a dossier's documents: upload or reuse, list, download.

`POST /dossiers/<code>/documents` takes either multipart (`file` plus its
metadata) or JSON `{"reuse": <document id>}`; the guard in `api.guards` lets
multipart reach this endpoint (`documents.upload_document`). Size limit,
accepted types and the documents' folder are the engine's settings.
"""
from flask import request, send_file
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from engine.dossier import documents
from engine.kernel.errors import BadRequest, Invalid, UnsupportedMediaType, field_errors

from .auth import context, log_read
from .fields import PageArgs, page_schema
from .openapi import problems
from .schemas import DocumentOut

blp = Blueprint("documents", __name__, description="Dossier documents")

BINARY = {"type": "string", "format": "binary"}
FILE = {"application/pdf": {"schema": BINARY}, "image/jpeg": {"schema": BINARY},
        "image/png": {"schema": BINARY}}


class UploadIn(Schema):
    document_type = fields.String(required=True, validate=validate.Length(min=1, max=64))
    pages = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100_000))
    digitized = fields.Boolean(load_default=False)
    is_result = fields.Boolean(load_default=False)


class ReuseIn(Schema):
    reuse = fields.Integer(required=True, strict=True,
                           validate=validate.Range(min=1, max=2 ** 31 - 1))


@blp.post("/dossiers/<code>/documents")
@blp.doc(requestBody={"content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file", "document_type"],
                                       "properties": {
                                           "file": BINARY, "document_type": {"type": "string"},
                                           "pages": {"type": "integer"},
                                           "digitized": {"type": "boolean"},
                                           "is_result": {"type": "boolean"}}}},
    "application/json": {"schema": {"type": "object", "required": ["reuse"],
                                    "properties": {"reuse": {"type": "integer"}}}}}})
@blp.response(201, DocumentOut)
@problems((400, "Malformed request, or a multipart body without its `file`"), 403,
          (404, "No such dossier, or no document to reuse of this applicant that the "
                "caller may see"),
          (409, "The dossier is closed, or the document is attached already"),
          (413, "The file is over the size limit"),
          (415, "Neither multipart nor JSON, or a file that is not PDF, JPEG or PNG"),
          (422, "Invalid metadata, or an applicant with no identity number to reuse by"))
def upload_document(code):
    """Attach a document (reception, officers)

    Multipart: the `file` (PDF, JPEG or PNG, judged by its content) with its
    `document_type`, `pages`, `digitized` and `is_result`; or JSON `{"reuse":
    <document id>}` to attach by reference a document of the same applicant held
    for another dossier the caller may see."""
    ctx = context()
    if request.mimetype == "application/json":
        body = _load(ReuseIn(), request.get_json())
        return documents.reuse(ctx, code, body["reuse"])
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("Send multipart/form-data with a file, or JSON "
                                   "{\"reuse\": <document id>}.")
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("Send the document as the multipart field 'file'.",
                         [{"field": "file", "message": "missing"}])
    return documents.upload(
        ctx, code, content=upload.stream, filename=upload.filename,
        content_type_claimed=upload.mimetype, **_load(UploadIn(), request.form.to_dict()))


@blp.get("/dossiers/<code>/documents")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(DocumentOut, "DocumentPage"))
@problems(404)
def list_documents(args, code):
    """List a dossier's documents

    Paginated; reading it is logged."""
    ctx = context()
    page = documents.list_documents(ctx, code, **args)
    log_read(ctx, code, "dossier.viewed", what="documents")
    return page


# ids are PostgreSQL integers: a larger one names nothing (404), not a server error
@blp.get("/dossiers/<code>/documents/<int:document_id>/content")
@blp.doc(responses={
    "200": {"description": "The document's file", "content": FILE},
    "206": {"description": "The part of the file a `Range` header asked for", "content": FILE},
    "304": {"description": "Unchanged: `If-None-Match` named its ETag"}})
@problems(404, (416, "The `Range` asked for lies outside the file"))
def download_document(code, document_id):
    """Download a document

    The file as an attachment, with its checksum as ETag (conditional and range
    requests are answered); the download is logged."""
    ctx = context()
    document, path = documents.open_document(ctx, code, document_id)
    log_read(ctx, code, "document.downloaded", dossier_id=document.dossier_id,
             document_id=document.id)
    response = send_file(path, mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, etag=document.checksum)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True  # personal papers: no shared caches
    return response


def _load(schema, data) -> dict:
    try:
        return schema.load(data if data is not None else {})
    except ValidationError as exc:
        raise Invalid("The request is invalid.", field_errors(exc.messages)) from None
