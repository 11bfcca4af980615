"""Dossier documents: upload judged by content, size limit, safe storage, reuse by
reference for the same applicant, who may do what, download and history."""
import hashlib
import io
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from engine.dossier import documents as documents_service
from engine.store.documents import Document

from .helpers import APPLICANT, open_dossier

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
OTHER = {"name": "Trần Thị Bình", "id_number": "079188000111"}


def upload(caller, code, content=PDF, filename="don-de-nghi.pdf", claimed="application/pdf",
           **form):
    form = {"document_type": "application_form", **form}
    return caller.post(f"/api/v1/dossiers/{code}/documents", content_type="multipart/form-data",
                       data={**form, "file": (io.BytesIO(content), filename, claimed)})


def stored_files(app):
    folder = app.config["DATA_DIR"] / "documents"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def row_count(db):
    return db.scalar(select(func.count()).select_from(Document))


def history_of(caller, code, type_):
    return [e for e in caller.get(f"/api/v1/dossiers/{code}/history").get_json()
            if e["type"] == type_]


def test_a_pdf_is_stored_under_a_random_name_with_its_checksum(app, household, login_as):
    reception = login_as("reception")
    dossier = open_dossier(reception, household)
    response = upload(reception, dossier["code"], pages="2", digitized="true")
    assert response.status_code == 201, response.get_json()
    doc = response.get_json()
    assert doc["checksum"] == hashlib.sha256(PDF).hexdigest()
    assert (doc["document_type"], doc["pages"], doc["digitized"], doc["is_result"]) == (
        "application_form", 2, True, False)
    assert (doc["filename"], doc["content_type"], doc["size"]) == (
        "don-de-nghi.pdf", "application/pdf", len(PDF))
    assert doc["reused_from"] is None and doc["uploaded_by"] == "reception"
    assert doc["uploaded_at"].endswith("+07:00")
    [path] = stored_files(app)
    assert path.read_bytes() == PDF and path.name != "don-de-nghi.pdf"
    assert path.parent.name == path.name[:2]
    after = reception.get(f"/api/v1/dossiers/{dossier['code']}").get_json()
    assert after["revision"] > dossier["revision"]
    [event] = history_of(reception, dossier["code"], "document.added")
    assert event["detail"] == {"document_id": doc["id"], "document_type": "application_form",
                               "checksum": doc["checksum"], "reused_from": None,
                               "digitized": doc["digitized"], "is_result": False}
    listing = reception.get(f"/api/v1/dossiers/{dossier['code']}/documents").get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == doc["id"]


def test_download_returns_the_bytes_as_an_attachment(household, login_as):
    reception, officer = login_as("reception"), login_as("officer")
    code = open_dossier(reception, household)["code"]
    doc = upload(reception, code, filename="Giấy phép.pdf").get_json()
    response = officer.get(f"/api/v1/dossiers/{code}/documents/{doc['id']}/content")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("content", [HTML, EXE, b""], ids=["html", "executable", "empty"])
def test_the_content_decides_the_type_not_the_name(app, db, household, login_as, content):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    response = upload(reception, code, content=content, filename="report.pdf")
    assert response.status_code == 415 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == [{"field": "file",
                                              "message": "unsupported file type"}]
    assert row_count(db) == 0 and stored_files(app) == []
    assert history_of(reception, code, "document.added") == []


def test_a_png_claimed_as_pdf_is_kept_as_png(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    response = upload(reception, code, content=PNG, filename="scan.pdf")
    assert response.status_code == 201 and response.get_json()["content_type"] == "image/png"
    [event] = history_of(reception, code, "document.added")
    assert event["detail"]["claimed_type"] == "application/pdf"


def test_a_file_over_the_limit_is_refused_and_not_kept(app, db, household, login_as):
    app.config["SETTINGS"] = replace(app.config["SETTINGS"], max_document_bytes=len(PDF))
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    assert upload(reception, code, content=PDF + b"x").status_code == 413
    assert row_count(db) == 0 and stored_files(app) == []
    assert upload(reception, code, content=PDF).status_code == 201  # exactly the limit


def test_the_documents_folder_is_a_setting(app, household, login_as, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    app.config["SETTINGS"] = replace(app.config["SETTINGS"], document_dir=elsewhere)
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    document = upload(reception, code).get_json()
    assert stored_files(app) == [] and len([p for p in elsewhere.rglob("*") if p.is_file()]) == 1
    response = reception.get(f"/api/v1/dossiers/{code}/documents/{document['id']}/content")
    assert response.status_code == 200 and response.data == PDF


@pytest.mark.parametrize("filename, shown", [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("..\\..\\boot.ini.pdf", "boot.ini.pdf"),
    ("/tmp/.hidden.pdf", "hidden.pdf"), ("a\u202egpj.pdf", "agpj.pdf"), ("..", "document")])
def test_a_hostile_filename_is_stored_safely(app, household, login_as, filename, shown):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    response = upload(reception, code, filename=filename)
    assert response.status_code == 201 and response.get_json()["filename"] == shown
    [path] = stored_files(app)
    assert path.parent.parent == app.config["DATA_DIR"] / "documents"
    assert len(path.name) == 32 and int(path.name, 16) >= 0
    assert not (app.config["DATA_DIR"].parent / "etc").exists()


def test_the_same_applicants_document_is_reused_by_reference(app, household, login_as):
    reception = login_as("reception")
    first = open_dossier(reception, household)["code"]
    original = upload(reception, first, digitized="true").get_json()
    second = open_dossier(reception, household)["code"]
    response = reception.post(f"/api/v1/dossiers/{second}/documents",
                              json={"reuse": original["id"]})
    assert response.status_code == 201, response.get_json()
    reused = response.get_json()
    assert reused["reused_from"] == original["id"] and reused["id"] != original["id"]
    assert (reused["checksum"], reused["filename"], reused["digitized"]) == (
        original["checksum"], original["filename"], True)
    assert len(stored_files(app)) == 1
    content = reception.get(f"/api/v1/dossiers/{second}/documents/{reused['id']}/content")
    assert content.data == PDF
    [event] = history_of(reception, second, "document.reused")
    assert event["detail"]["reused_from"] == original["id"]
    again = reception.post(f"/api/v1/dossiers/{second}/documents",
                           json={"reuse": original["id"]})
    assert again.status_code == 409


def test_another_applicant_cannot_reuse_a_document(household, login_as):
    reception = login_as("reception")
    original = upload(reception, open_dossier(reception, household)["code"]).get_json()
    other = reception.post("/api/v1/dossiers", json={
        "procedure": household, "handling_unit": "UBND.PHUHOI", "applicant": OTHER,
        "channel": "direct"}).get_json()["code"]
    url = f"/api/v1/dossiers/{other}/documents"
    assert reception.post(url, json={"reuse": original["id"]}).status_code == 404
    assert reception.post(url, json={"reuse": 999_999}).status_code == 404
    nameless = reception.post("/api/v1/dossiers", json={
        "procedure": household, "handling_unit": "UBND.PHUHOI", "applicant": {"name": "Không Số"},
        "channel": "direct"}).get_json()["code"]
    response = reception.post(f"/api/v1/dossiers/{nameless}/documents",
                              json={"reuse": original["id"]})
    assert response.status_code == 422
    first_doc = f"/api/v1/dossiers/{other}/documents/{original['id']}/content"
    assert reception.get(first_doc).status_code == 404  # not through another dossier


def test_who_may_attach(app, db, household, login_as):
    code = open_dossier(login_as("reception"), household)["code"]
    justice, designer = login_as("justice"), login_as("designer")
    assert upload(justice, code).status_code == 404
    assert justice.get(f"/api/v1/dossiers/{code}/documents").status_code == 404
    assert upload(designer, code).status_code == 403
    assert designer.post(f"/api/v1/dossiers/{code}/documents",
                         json={"reuse": 1}).status_code == 403
    assert row_count(db) == 0 and stored_files(app) == []
    result = upload(login_as("officer"), code, document_type="result", is_result="true")
    assert result.status_code == 201 and result.get_json()["is_result"] is True
    doc_id = result.get_json()["id"]
    assert justice.get(f"/api/v1/dossiers/{code}/documents/{doc_id}/content").status_code == 404
    assert justice.post(f"/api/v1/dossiers/{code}/documents",
                        json={"reuse": doc_id}).status_code == 404


def test_invalid_requests(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    url = f"/api/v1/dossiers/{code}/documents"
    missing_type = reception.post(url, content_type="multipart/form-data", data={
        "file": (io.BytesIO(PDF), "a.pdf")})
    assert missing_type.status_code == 422
    assert missing_type.get_json()["errors"][0]["field"] == "document_type"
    assert upload(reception, code, pages="0").status_code == 422
    no_file = reception.post(url, content_type="multipart/form-data",
                             data={"document_type": "x"})
    assert no_file.status_code == 400
    assert reception.post(url, json={"reuse": "1"}).status_code == 422
    assert reception.post(url, json={}).status_code == 422
    xml = reception.post(url, data=b"<a/>", content_type="application/xml")
    assert xml.status_code == 415


def test_a_failed_transaction_leaves_no_file(app, db, household, login_as, monkeypatch):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]

    def broken(*args, **kwargs):
        raise RuntimeError("the event log is unavailable")
    monkeypatch.setattr(documents_service.events, "record", broken)
    assert upload(reception, code).status_code == 500
    assert row_count(db) == 0 and stored_files(app) == []


def test_applicant_id_number_is_copied(db, household, login_as):
    reception = login_as("reception")
    doc = upload(reception, open_dossier(reception, household)["code"]).get_json()
    assert db.get(Document, doc["id"]).applicant_id_number == APPLICANT["id_number"]


def test_the_dossier_lists_its_documents(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    uploaded = upload(reception, code).get_json()
    listed = reception.get(f"/api/v1/dossiers/{code}").get_json()["documents"]
    assert [(d["id"], d["checksum"]) for d in listed] == [(uploaded["id"],
                                                           uploaded["checksum"])]


def test_closed_dossiers_take_no_documents_and_ids_are_bounded(household, login_as):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    response = reception.post(f"/api/v1/dossiers/{code}/documents", json={"reuse": 10 ** 30})
    assert response.status_code == 422
    reception.post(f"/api/v1/dossiers/{code}/withdraw", json={"reason": "rút"})
    assert upload(reception, code).status_code == 409


CITIZEN = {"name": "Phạm Văn Cường", "id_number": "079099001234"}


def _open_for(caller, procedure, applicant=CITIZEN, handling_unit=None):
    body = {"procedure": procedure, "applicant": applicant, "channel": "direct"}
    if handling_unit is not None:  # required for a commune-level procedure
        body["handling_unit"] = handling_unit
    response = caller.post("/api/v1/dossiers", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


@pytest.fixture
def two_agencies(demo, admin_ctx):
    """The provincial judicial-record procedure and the ward's birth registration."""
    from .walk import deploy
    return deploy(admin_ctx, "judicial-record"), deploy(admin_ctx, "birth-registration")


def test_a_desk_cannot_reuse_papers_of_a_dossier_it_cannot_see(app, db, two_agencies, login_as):
    record, birth = two_agencies
    reception, ward = login_as("reception"), login_as("phuhoi_desk")
    source = _open_for(reception, record)
    original = upload(reception, source).get_json()
    assert ward.get(f"/api/v1/dossiers/{source}").status_code == 404
    # same identity number, typed at the ward's desk
    target = _open_for(ward, birth, handling_unit="UBND.PHUHOI")
    response = ward.post(f"/api/v1/dossiers/{target}/documents", json={"reuse": original["id"]})
    assert response.status_code == 404, response.get_json()
    missing = ward.post(f"/api/v1/dossiers/{target}/documents", json={"reuse": 999_999})
    assert missing.status_code == 404  # the same answer as for a document that is not there
    assert response.get_json()["detail"] == missing.get_json()["detail"].replace(
        "999999", str(original["id"]))
    assert row_count(db) == 1 and len(stored_files(app)) == 1
    assert ward.get(f"/api/v1/dossiers/{target}/documents").get_json()["total"] == 0
    assert history_of(ward, target, "document.reused") == []
    for code in (source, target):
        url = f"/api/v1/dossiers/{code}/documents/{original['id']}/content"
        assert ward.get(url).status_code == 404


def test_reuse_from_a_dossier_the_caller_sees_through_its_units(app, two_agencies, login_as):
    record, _ = two_agencies
    reception, office = login_as("reception"), login_as("ca_lltp")
    source, target = _open_for(reception, record), _open_for(reception, record)
    original = upload(reception, source).get_json()
    response = office.post(f"/api/v1/dossiers/{target}/documents", json={"reuse": original["id"]})
    assert response.status_code == 201, response.get_json()
    reused = response.get_json()
    assert reused["reused_from"] == original["id"] and len(stored_files(app)) == 1
    content = office.get(f"/api/v1/dossiers/{target}/documents/{reused['id']}/content")
    assert content.status_code == 200 and content.data == PDF


def test_a_download_needs_a_visible_dossier_holding_that_row(two_agencies, login_as):
    record, birth = two_agencies
    reception, ward = login_as("reception"), login_as("phuhoi_desk")
    hidden = upload(reception, _open_for(reception, record)).get_json()
    own = _open_for(ward, birth, handling_unit="UBND.PHUHOI")
    mine = upload(ward, own).get_json()
    base = f"/api/v1/dossiers/{own}/documents"
    assert ward.get(f"{base}/{mine['id']}/content").status_code == 200
    assert ward.get(f"{base}/{hidden['id']}/content").status_code == 404
    assert reception.get(f"{base}/{mine['id']}/content").status_code == 404
