"""The event log is sealed with a key kept outside the database (HMAC-SHA256),
`flask audit verify` names the first broken event, keys rotate without
orphaning older events, and reads of personal data are logged."""
import hashlib
import hmac
import io
from datetime import timedelta

from dataclasses import replace

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select, update

from api.config import ProductionConfig, TestConfig, from_env
from engine.kernel import audit, events
from engine.kernel.settings import Settings
from engine.store.events import Event

from .helpers import open_dossier

TEST_KEY = TestConfig.SETTINGS.audit_key.partition(":")[2]
KEYRING = audit.keyring(TestConfig.SETTINGS)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _rows(db, stream):
    db.expire_all()
    return list(db.scalars(select(Event).where(Event.stream == stream).order_by(Event.seq)))


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_events_are_sealed_with_the_audit_key(household, login_as, db):
    code = open_dossier(login_as("reception"), household)["code"]
    first = _rows(db, code)[0]
    assert first.key_id == "test"
    text = events.sealed_text(first)
    assert first.hash == hmac.new(TEST_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()
    # whoever can write to the database cannot recompute the chain without the key
    db.execute(update(Event).where(Event.id == first.id).values(
        actor="mallory", hash=hashlib.sha256(text.replace('"reception"', '"mallory"')
                                             .encode()).hexdigest()))
    db.commit()
    assert events.verify_stream(db, code, KEYRING) == 1


def test_audit_verify_exits_0_or_names_the_first_broken_event(app, household, login_as, db):
    code = open_dossier(login_as("reception"), household)["code"]
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ") and "streams verify" in result.output
    second = _rows(db, code)[1]
    db.execute(update(Event).where(Event.id == second.id).values(detail={"forged": True}))
    db.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"broken: stream {code} seq 2: its content does not match its hash" in result.output


def test_a_deleted_event_breaks_the_chain(app, household, login_as, db):
    code = open_dossier(login_as("reception"), household)["code"]
    db.delete(_rows(db, code)[0])
    db.commit()
    result = _verify(app)
    assert result.exit_code == 1 and f"stream {code} seq 2" in result.output


@pytest.fixture
def key_file(config):
    """The platform keeps its keys in DATA_DIR/audit_keys (no MOTCUA_AUDIT_KEY); ask
    for this before `app`."""
    config.SETTINGS = replace(config.SETTINGS, audit_key=None)
    return config.DATA_DIR / "audit_keys"


def test_prepare_makes_the_key_file_and_rotation_keeps_older_events_verifiable(
        key_file, app, demo, admin_ctx, db):
    [(first_id, _)] = [line.split(":") for line in key_file.read_text().splitlines()]
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert {row.key_id for row in _rows(db, "user:reception")} == {first_id}
    result = app.test_cli_runner().invoke(args=["audit", "rotate-key"])
    assert result.exit_code == 0, result.output
    second_id = key_file.read_text().splitlines()[-1].split(":")[0]
    assert f"audit key {second_id} is now current" in result.output and second_id != first_id
    from engine.people.directory import create_user
    create_user(admin_ctx, "later", "long-enough")  # sealed with the new key, seen at once
    assert _rows(db, "user:later")[0].key_id == second_id
    assert _verify(app).exit_code == 0
    key_file.write_text(key_file.read_text().splitlines()[-1] + "\n")  # the old key is lost
    result = _verify(app)
    assert result.exit_code == 1 and f"unknown key '{first_id}'" in result.output


def test_with_keys_from_the_environment_rotation_prints_the_entry_to_add(app):
    result = app.test_cli_runner().invoke(args=["audit", "rotate-key"])
    assert result.exit_code == 1
    assert "append this entry to it" in result.output
    entry = result.output.strip().splitlines()[-1]
    assert entry.startswith("k") and len(entry.partition(":")[2]) == 64


def _reseal(rows, key_ids):
    """Seal `rows` again as a chain, each with its key id (None: unkeyed SHA-256, as
    releases before keyed hashing wrote them)."""
    prev = events.GENESIS
    for row, key_id in zip(rows, key_ids):
        row.prev_hash, row.key_id = prev, key_id
        text = events.sealed_text(row).encode()
        row.hash = prev = (hashlib.sha256(text).hexdigest() if key_id is None else
                           hmac.new(TEST_KEY.encode(), text, hashlib.sha256).hexdigest())


def test_events_from_before_keyed_hashing_verify_until_a_keyed_one(household, login_as, db):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    reception.get(f"/api/v1/dossiers/{code}")  # a third event
    rows = _rows(db, code)
    assert len(rows) == 3
    _reseal(rows, [None, None, "test"])
    db.commit()
    assert events.verify_stream(db, code, KEYRING) is None
    _reseal(rows, [None, "test", None])
    db.commit()
    assert events.verify_stream(db, code, KEYRING) == 3  # unkeyed after keyed: forged


def test_reads_of_personal_data_are_logged_on_the_dossier_s_chain(household, login_as, app):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    officer = login_as("officer")
    assert officer.get(f"/api/v1/dossiers/{code}").status_code == 200
    document = reception.post(f"/api/v1/dossiers/{code}/documents",
                              content_type="multipart/form-data",
                              data={"document_type": "form",
                                    "file": (io.BytesIO(PDF), "don.pdf", "application/pdf")})
    document_id = document.get_json()["id"]
    assert officer.get(f"/api/v1/dossiers/{code}/documents").status_code == 200
    assert officer.get(
        f"/api/v1/dossiers/{code}/documents/{document_id}/content").status_code == 200
    assert reception.get(f"/api/v1/dossiers/{code}/slips/receipt").status_code == 200
    assert officer.get(f"/api/v1/dossiers/{code}/slips/refusal").status_code == 404
    assert officer.get(f"/api/v1/public/dossiers/{code}").status_code == 200
    reads = [(e["type"], e["actor"], e["detail"]) for e in
             reception.get(f"/api/v1/dossiers/{code}/history").get_json()
             if e["type"] in ("dossier.viewed", "document.downloaded")]
    assert reads == [
        ("dossier.viewed", "officer", {"what": "dossier"}),
        ("dossier.viewed", "officer", {"what": "documents"}),
        ("document.downloaded", "officer", {"document_id": document_id}),
        ("dossier.viewed", "reception", {"what": "slip", "kind": "receipt"})]
    assert _verify(app).exit_code == 0


def test_a_read_does_not_fail_when_it_cannot_be_logged(household, login_as, monkeypatch):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]

    def broken(*_args, **_kwargs):
        raise RuntimeError("log disk full")
    monkeypatch.setattr(events, "record_read", broken)
    response = reception.get(f"/api/v1/dossiers/{code}")
    assert response.status_code == 200 and response.get_json()["code"] == code


def test_logging_a_read_costs_the_same_however_long_the_history(household, login_as, app,
                                                                clock):
    reception = login_as("reception")
    code = open_dossier(reception, household)["code"]
    with app.app_context():
        engine = app.extensions["motcua.db"].engine

    def cost():
        seen = []

        def count(*_args):
            seen.append(1)
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            assert reception.get(f"/api/v1/dossiers/{code}").status_code == 200
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)
        return len(seen)
    first = cost()
    for _ in range(5):
        clock.advance(timedelta(minutes=1))
        cost()
    assert cost() == first


def test_production_requires_an_audit_key_and_bad_keys_stop_the_start(tmp_path):
    production = ProductionConfig()
    production.SECRET_KEY = "s"
    with pytest.raises(RuntimeError, match="MOTCUA_AUDIT_KEY"):
        production.finalize()
    with pytest.raises(RuntimeError, match="MOTCUA_AUDIT_KEY: the key k1 is shorter"):
        from_env({"MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_AUDIT_KEY": "k1:short"})
    keys = "old:" + "a" * 32 + ",new:" + "b" * 32
    assert from_env({"MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_AUDIT_KEY": keys}) \
        .SETTINGS.audit_key == keys


def test_the_keys_are_settings_out_of_repr_and_the_key_file_is_one_per_path(tmp_path):
    key = "k1:" + "a" * 32
    settings = from_env({"MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_AUDIT_KEY": key}).SETTINGS
    assert key not in repr(settings) and settings.audit_key_file == tmp_path / "audit_keys"
    assert audit.keyring(settings).current == "k1"
    from_file = replace(settings, audit_key=None)
    assert audit.keyring(from_file).current == settings.audit_key_file.read_text().split(":")[0]
    assert audit.key_file(tmp_path / "audit_keys") is audit.key_file(str(tmp_path / "audit_keys"))
    assert not hasattr(audit, "use_keyring")
    with pytest.raises(RuntimeError, match="no audit keyring"):
        audit.keyring(Settings())


def test_reads_logged_while_commands_run_keep_one_chain(household, login_as, app):
    """A read's log takes the dossier's lock as commands do: neither makes the other
    lose the race for the next place in the chain."""
    from concurrent.futures import ThreadPoolExecutor
    reception = login_as("reception")
    dossier = open_dossier(reception, household)
    code, task = dossier["code"], dossier["tasks"][0]["id"]

    def commands():
        return [reception.post(f"/api/v1/tasks/{task}/{verb}").status_code
                for _ in range(5) for verb in ("claim", "unclaim")]

    def reads(_):
        return [reception.get(f"/api/v1/dossiers/{code}").status_code for _ in range(5)]
    with ThreadPoolExecutor(4) as pool:
        done = pool.submit(commands)
        read = [status for statuses in pool.map(reads, range(3)) for status in statuses]
    assert done.result() == [200] * 10 and read == [200] * 15
    history = reception.get(f"/api/v1/dossiers/{code}/history").get_json()
    assert [e["type"] for e in history].count("dossier.viewed") == 15
    assert _verify(app).exit_code == 0
