"""`flask` commands: demo data (idempotent), units, users, procedure folders."""
from sqlalchemy import select

from engine.store.events import Event

from .conftest_data import PROCESSES


def test_load_demo_is_idempotent(app, login_as):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["load-demo"])
    assert first.exit_code == 0, first.output
    assert "created user reception" in first.output
    assert "1.001612: deployed version 1" in first.output
    second = runner.invoke(args=["load-demo"])
    assert "created" not in second.output
    assert "1.001612: version 1 is current" in second.output
    assert login_as("reception").get("/api/v1/me").status_code == 200


def test_create_unit_user_and_deploy_folder(app, login_as):
    runner = app.test_cli_runner()
    runner.invoke(args=["load-demo"])
    result = runner.invoke(args=["create-unit", "SXD", "Sở Xây dựng", "--parent", "UBND",
                                 "--agency-code", "000.00.14.H22"])
    assert result.exit_code == 0 and "unit SXD created" in result.output
    result = runner.invoke(args=["create-user", "xd", "--password", "xd-password",
                                 "--role", "officer", "--unit", "SXD"])
    assert result.exit_code == 0, result.output
    assert login_as("xd", "xd-password").get("/api/v1/me").get_json()["units"] == ["SXD"]
    result = runner.invoke(args=["deploy-procedure", str(PROCESSES / "business-household")])
    assert "version 1 is current" in result.output
    bad = runner.invoke(args=["create-unit", "SXD", "again"])
    assert bad.exit_code == 1 and "Error: Unit SXD already exists." in bad.output
    result = runner.invoke(args=["create-unit", "SXD.CP", "Phòng cấp phép", "--parent", "SXD",
                                 "--function", "construction"])
    assert result.exit_code == 0, result.output
    units = {u["code"]: u for u in login_as("admin").get("/api/v1/units").get_json()["items"]}
    assert units["SXD.CP"]["function"] == "construction"
    bad = runner.invoke(args=["create-unit", "SXD.X", "x", "--function", "Not A Function"])
    assert bad.exit_code == 1 and "function" in bad.output


def test_a_changed_catalogue_entry_is_rewritten_by_the_loader(app, db, login_as, tmp_path):
    """A database loaded before 2025 holds the household procedure as the
    department's (province level): loading the folder again moves the entry to
    the commune level, with one event, and new dossiers follow it."""
    import json
    import shutil
    runner = app.test_cli_runner()
    runner.invoke(args=["load-demo"])
    folder = tmp_path / "business-household"
    shutil.copytree(PROCESSES / "business-household", folder)
    meta = json.loads((folder / "procedure.json").read_text(encoding="utf-8"))
    old = {**meta, "agency": "STC", "level": "province", "name": "Tên cũ"}
    (folder / "procedure.json").write_text(json.dumps(old, ensure_ascii=False), "utf-8")
    result = runner.invoke(args=["deploy-procedure", str(folder)])
    assert "version 1 is current (catalogue entry updated: agency, level, name)" in result.output
    designer = login_as("designer")
    entry = designer.get("/api/v1/procedures/1.001612").get_json()
    assert (entry["agency"], entry["level"], entry["name"]) == ("STC", "province", "Tên cũ")
    result = runner.invoke(args=["load-demo"])  # the shipped procedure.json again
    assert "1.001612: version 1 is current (catalogue entry updated: agency, level, name)" \
        in result.output
    entry = designer.get("/api/v1/procedures/1.001612").get_json()
    assert (entry["agency"], entry["level"]) == (meta["agency"], "commune")
    assert "catalogue entry updated" not in runner.invoke(args=["load-demo"]).output
    updates = db.scalars(select(Event.detail).where(
        Event.stream == "procedure:1.001612", Event.type == "procedure.updated")).all()
    assert [sorted(detail["changed"]) for detail in updates] == [["agency", "level", "name"]] * 2
