"""The real scheduler process (`flask scheduler run`) beats into the database,
and `/healthz` reports the age of its heartbeat."""
import pytest

from .processes import Scheduler, platform_env


@pytest.mark.timeout(60)
def test_scheduler_process_reports_its_heartbeat(app, client, database_url, tmp_path):
    assert client.get("/healthz").get_json()["scheduler_heartbeat_age_seconds"] is None
    scheduler = Scheduler(platform_env(database_url, tmp_path), "s-test")
    try:
        assert scheduler.wait_for(lambda s: any(
            "scheduler running" in line and "scheduler=s-test" in line for line in s.lines))
        assert client.get("/healthz").get_json()["scheduler_heartbeat_age_seconds"] is not None
    finally:
        scheduler.kill()
