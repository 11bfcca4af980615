"""A dossier's documents and their storage.

Owns uploading a file (its type is decided by its first bytes, never by its
name or the type the sender claims), attaching an applicant's earlier document,
held in a dossier the caller may see, to another dossier by reference,
listing documents (and those of the same applicant another dossier could
reuse) and opening their files. The folder, the size limit and the accepted
types are the settings' (`document_dir`, `max_document_bytes`, `document_types`).
Files live under `<document_dir>/<2-char prefix>/<storage_name>` with a random
name; each is written atomically before its row's transaction starts
(so the dossier is not locked while bytes arrive) and removed again if that
transaction fails. A reused document shares its source's file.
"""
import hashlib
import io
import os
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ..kernel import events
from ..kernel.errors import Conflict, Invalid, NotFound, TooLarge, UnsupportedMediaType
from ..kernel.queries import paginate
from ..kernel.uow import unit_of_work
from ..people.access import load_visible_dossier, require_role, visible_filter
from ..store.documents import Document
from ..store.dossiers import Dossier
from . import workflow

ROLES = ("reception", "officer")
MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
         (b"\x89PNG\r\n\x1a\n", "image/png"))
HEAD_BYTES = max(len(magic) for magic, _ in MAGIC)
CHUNK_BYTES = 64 * 1024
MAX_FILENAME = 255


@dataclass
class Stored:
    """A file written to storage, not yet recorded."""
    path: Path
    storage_name: str
    content_type: str
    size: int
    checksum: str


def upload(ctx, code, *, content, filename, document_type, pages=None, digitized=False,
           is_result=False, content_type_claimed=None) -> Document:
    """Store `content` (bytes or a binary stream) as a document of dossier `code`."""
    require_role(ctx.actor, *ROLES)
    load_visible_dossier(ctx.session, ctx.actor, code)  # not found before a byte is stored
    if isinstance(content, (bytes, bytearray)):
        content = io.BytesIO(content)
    settings = ctx.settings
    stored = _store(content, document_dir(settings), settings.max_document_bytes,
                    settings.document_types)
    try:
        with unit_of_work(ctx) as session:
            dossier = _lock(session, ctx.actor, code)
            document = Document(
                dossier_id=dossier.id, applicant_id_number=_id_number(dossier),
                document_type=document_type, pages=pages, digitized=digitized,
                is_result=is_result, filename=display_name(filename),
                storage_name=stored.storage_name, content_type=stored.content_type,
                size=stored.size, checksum=stored.checksum, uploaded_by=ctx.actor.username,
                uploaded_at=ctx.now())
            session.add(document)
            session.flush()
            workflow.touch(ctx, dossier)
            detail = _detail(document)
            if content_type_claimed and content_type_claimed != stored.content_type:
                detail["claimed_type"] = content_type_claimed  # worth a look in an audit
            events.record(ctx, "document.added", dossier=dossier, detail=detail)
    except BaseException:
        stored.path.unlink(missing_ok=True)  # the name is new: no other row shares the file
        raise
    return document


def reuse(ctx, code, document_id) -> Document:
    """Attach document `document_id` of the same applicant (same identity number) to
    dossier `code`, sharing its file. The source must lie in a dossier the caller
    may see: the identity number is typed by the caller and document ids are
    sequential, so anything wider would hand anyone's papers to any desk."""
    require_role(ctx.actor, *ROLES)
    with unit_of_work(ctx) as session:
        dossier = _lock(session, ctx.actor, code)
        id_number = _id_number(dossier)
        if id_number is None:
            raise Invalid("Documents are reused by the applicant's identity number, and this "
                          "dossier's applicant has none.",
                          [{"field": "reuse", "message": "the applicant has no id_number"}])
        found = select(Document).join(Dossier, Dossier.id == Document.dossier_id).where(
            Document.id == document_id, Document.applicant_id_number == id_number)
        source = session.scalar(_visible(found, session, ctx.actor))
        if source is None:
            raise NotFound(f"No document {document_id} of this dossier's applicant.")
        if session.scalar(select(Document.id).where(
                Document.dossier_id == dossier.id,
                Document.storage_name == source.storage_name).limit(1)):
            raise Conflict(f"Document {document_id} is already attached to dossier {code}.")
        document = Document(
            dossier_id=dossier.id, applicant_id_number=id_number,
            document_type=source.document_type, pages=source.pages,
            digitized=source.digitized, is_result=False, reused_from_id=source.id,
            filename=source.filename, storage_name=source.storage_name,
            content_type=source.content_type, size=source.size, checksum=source.checksum,
            uploaded_by=ctx.actor.username, uploaded_at=ctx.now())
        session.add(document)
        session.flush()
        workflow.touch(ctx, dossier)
        events.record(ctx, "document.reused", dossier=dossier, detail=_detail(document))
    return document


def list_documents(ctx, code, page=1, per_page=50) -> dict:
    dossier = load_visible_dossier(ctx.session, ctx.actor, code)
    query = select(Document).where(Document.dossier_id == dossier.id).order_by(Document.id)
    return paginate(ctx.session, query, page, per_page)


def reusable(ctx, code, page=1, per_page=20) -> dict:
    """What `reuse` would attach to dossier `code`: its applicant's documents (same
    identity number) held for other dossiers the caller may see, newest first,
    those sharing a file with one it holds left out. A page as `paginate` gives,
    plus `dossiers`, the code of each item's dossier by id."""
    require_role(ctx.actor, *ROLES)
    dossier = load_visible_dossier(ctx.session, ctx.actor, code)
    id_number = _id_number(dossier)
    held = select(Document.storage_name).where(Document.dossier_id == dossier.id)
    query = select(Document).join(Dossier, Dossier.id == Document.dossier_id).where(
        Document.applicant_id_number == (id_number or ""), Document.dossier_id != dossier.id,
        Document.storage_name.not_in(held)).order_by(Document.id.desc())
    found = paginate(ctx.session, _visible(query, ctx.session, ctx.actor), page, per_page)
    ids = {document.dossier_id for document in found["items"]}
    found["dossiers"] = dict(ctx.session.execute(
        select(Dossier.id, Dossier.code).where(Dossier.id.in_(ids))).all()) if ids else {}
    return found


def open_document(ctx, code, document_id) -> tuple[Document, Path]:
    """The document row and the path of its file, for a download: only through a
    dossier the caller may see that holds this very row (a reused copy is its
    own row, so seeing the copy's dossier never opens the source's)."""
    dossier = load_visible_dossier(ctx.session, ctx.actor, code)
    document = ctx.session.scalar(select(Document).where(
        Document.id == document_id, Document.dossier_id == dossier.id))
    if document is None:
        raise NotFound(f"No document {document_id} in dossier {code}.")
    return document, storage_path(document_dir(ctx.settings), document.storage_name)


def document_dir(settings) -> Path:
    """The documents' folder, absolute (a download's file is sent by its path)."""
    if settings.document_dir is None:
        raise RuntimeError("no document folder: the configuration sets document_dir")
    return Path(settings.document_dir).resolve()


def storage_path(folder: Path, storage_name: str) -> Path:
    # a two-character prefix keeps any one folder small
    return folder / storage_name[:2] / storage_name


def display_name(filename: str | None) -> str:
    """The sender's file name, fit for display and a download's name only: no
    folders, no control or bidirectional-override characters, no leading dots."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > MAX_FILENAME:
        stem, ext = os.path.splitext(name)
        ext = ext[:16]
        name = stem[:MAX_FILENAME - len(ext)] + ext
    return name or "document"


def sniff(head: bytes, allowed_types) -> str:
    """The content type the file's first bytes show, if it is an allowed one."""
    found = next((kind for magic, kind in MAGIC if head.startswith(magic)), None)
    if found is None or found not in allowed_types:
        accepted = ", ".join(sorted(allowed_types))
        raise UnsupportedMediaType(f"The file is not one of the accepted types ({accepted}).",
                                   [{"field": "file", "message": "unsupported file type"}])
    return found


def _store(stream, folder: Path, max_bytes: int, allowed_types) -> Stored:
    head = _read_head(stream)
    content_type = sniff(head, allowed_types)
    storage_name = uuid.uuid4().hex
    path = storage_path(folder, storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            size, checksum = _copy(head, stream, out, max_bytes)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return Stored(path, storage_name, content_type, size, checksum)


def _read_head(stream) -> bytes:
    head = b""
    while len(head) < HEAD_BYTES:
        chunk = stream.read(HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head


def _copy(head, stream, out, max_bytes) -> tuple[int, str]:
    digest, size, chunk = hashlib.sha256(), 0, head
    while chunk:
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"A document may hold {max_bytes} bytes at most.",
                           [{"field": "file", "message": "too large"}])
        digest.update(chunk)
        out.write(chunk)
        chunk = stream.read(CHUNK_BYTES)
    return size, digest.hexdigest()


def _sync_folder(folder: Path):
    """Make the rename itself durable (POSIX; other systems have no folder handles)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


CLOSED = ("refused", "withdrawn", "stopped", "returned")


def _lock(session, actor, code):
    dossier = workflow.lock(session, load_visible_dossier(session, actor, code).id)
    if dossier.status in CLOSED:
        raise Conflict(f"Dossier {code} is {dossier.status}: it takes no more documents.")
    return dossier


def _visible(query, session, actor):
    """`query` narrowed to documents of dossiers `actor` may see; one not visible
    reads as missing (404, same message), never as forbidden."""
    clause = visible_filter(session, actor)
    return query if clause is None else query.where(clause)


def _id_number(dossier) -> str | None:
    return str((dossier.applicant or {}).get("id_number") or "").strip() or None


def _detail(document) -> dict:
    return {"document_id": document.id, "document_type": document.document_type,
            "checksum": document.checksum, "reused_from": document.reused_from_id,
            "digitized": document.digitized, "is_result": document.is_result}
