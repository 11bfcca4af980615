"""Style and complexity checks (flake8 with max-complexity 10) over the code base."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_flake8_is_clean():
    result = subprocess.run([sys.executable, "-m", "flake8", "api", "engine", "forms", "web",
                             "tests", "bench", "wsgi.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
