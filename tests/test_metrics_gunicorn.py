"""`/metrics` under gunicorn with two workers (gunicorn.conf.py): a scrape sums
the requests every worker served, whichever worker answers it, including the
workers that have since died; the master empties its metrics folder at start
and removes it at exit."""
import tempfile
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from .processes import Gunicorn, call, platform_env

REQUESTS = 20


def _healthz_answered(base) -> float:
    """Requests to /healthz counted in one scrape, every status."""
    with urllib.request.urlopen(base + "/metrics", timeout=30) as response:
        text = response.read().decode()
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples if sample.name == "motcua_http_requests_total"
               and sample.labels["endpoint"] == "/healthz")


@pytest.mark.timeout(180)
def test_a_scrape_sums_every_worker_alive_or_dead(tmp_path):
    server = Gunicorn(platform_env(None, tmp_path / "data", secret_key=None), workers=2)
    server.start()
    folder = Path(tempfile.gettempdir()) / f"motcua-metrics-{server.process.pid}"
    try:
        assert folder.is_dir()
        for _ in range(REQUESTS):  # no scheduler has beaten: 503, counted all the same
            assert call(server.base, "GET", "/healthz")[0] == 503
        assert [_healthz_answered(server.base) for _ in range(6)] == [REQUESTS] * 6
        first = server.worker_pids()
        for pid in first:  # every worker that served them is killed and replaced
            server.kill_worker(pid)
        assert not set(server.worker_pids()) & set(first)
        # the new workers served none of them: only the folder holds their counts
        assert [_healthz_answered(server.base) for _ in range(6)] == [REQUESTS] * 6
        assert call(server.base, "GET", "/healthz")[0] == 503
        assert _healthz_answered(server.base) == REQUESTS + 1
    finally:
        server.stop()
    assert server.process.returncode == 0
    assert not folder.exists()
