"""`flask` commands: demo data (idempotent), units, users, procedure folders."""
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
