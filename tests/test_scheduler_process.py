"""The real scheduler process (`flask scheduler run`) beats into the database,
and `/healthz` reports the age of its heartbeat."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(60)
def test_scheduler_process_reports_its_heartbeat(app, client, database_url, tmp_path):
    env = {**os.environ, "MOTCUA_DATABASE_URL": database_url,
           "MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_SECRET_KEY": "s"}
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run", "--name", "s-test"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=(tmp_path / "err").open("w"), text=True)
    try:
        line = process.stdout.readline().strip()
        assert line == "scheduler s-test running", (tmp_path / "err").read_text()
        assert client.get("/healthz").get_json()["scheduler_heartbeat_age_seconds"] is not None
    finally:
        process.kill()
        process.wait(timeout=10)
