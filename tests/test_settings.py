"""Every `MOTCUA_*` variable is checked at start: a bad value (or an unknown
name) stops `flask scheduler run`, `flask run`, gunicorn and the app factory
with one line naming the variable and a non-zero exit, no traceback, nothing
written. The scheduler's and the outbox's settings are fields of `Settings`;
secrets stay out of its repr."""
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.config import KNOWN_VARIABLES, TEST_VARIABLES, ConfigError, from_env
from engine.kernel.settings import Settings

from .processes import ROOT, platform_env

# One unacceptable value for every variable the platform reads.
BAD = {
    "MOTCUA_ENV": "prod", "MOTCUA_DATA_DIR": "\x01", "MOTCUA_DATABASE_URL": "mysql://db/x",
    "MOTCUA_SECRET_KEY": "\x01", "MOTCUA_ADMIN_USER": "\x01", "MOTCUA_ADMIN_PASSWORD": "\x01",
    "MOTCUA_CLOCK_CONTROL": "maybe", "MOTCUA_AUDIT_KEY": "k1:short",
    "MOTCUA_AUDIT_KEY_FILE": "\x01", "MOTCUA_TOKEN_TTL_SECONDS": "10",
    "MOTCUA_MAX_DOCUMENT_BYTES": "0", "MOTCUA_TRUSTED_PROXIES": "-1",
    "MOTCUA_OFFICE_HOURS": "17:00-07:30", "MOTCUA_SUPPLEMENT_WINDOW": "three days",
    "MOTCUA_LATE_SUPPLEMENT": "maybe", "MOTCUA_TRANSFER_CUTOFF": "3pm",
    "MOTCUA_REMIND_AT": "1.5", "MOTCUA_ESCALATE_AFTER": "-1d", "MOTCUA_EXTENSION_NOTICE": "1w",
    "MOTCUA_EXTENSION_LIMIT": "soon", "MOTCUA_NEAR_DUE": "half",
    "MOTCUA_SCORE_GRADES": "good=0.9,fair=0.95",
    "MOTCUA_LOGIN_FAILURES_PER_USER": "0",
    "MOTCUA_LOGIN_FAILURES_PER_ADDRESS": "x", "MOTCUA_LOGIN_WINDOW_SECONDS": "-5",
    "MOTCUA_PUBLIC_LOOKUPS_PER_ADDRESS": "1.5", "MOTCUA_PUBLIC_WINDOW_SECONDS": "0",
    "MOTCUA_HEARTBEAT_MAX_AGE_SECONDS": "never", "MOTCUA_SCRIPT_CPU_SECONDS": "nan",
    "MOTCUA_SCRIPT_WALL_SECONDS": "0.5", "MOTCUA_SCRIPT_MEMORY_MB": "8",
    "MOTCUA_SCRIPT_OUTPUT_BYTES": "10", "MOTCUA_MAX_INSTANCES": "0",
    "MOTCUA_SCHEDULER_TICK_SECONDS": "0", "MOTCUA_TIMER_LEASE_SECONDS": "0",
    "MOTCUA_TIMER_BATCH": "abc", "MOTCUA_SMTP_HOST": "mail server", "MOTCUA_SMTP_PORT": "99999",
    "MOTCUA_SMTP_FROM": "nobody", "MOTCUA_SMTP_USER": "\x01", "MOTCUA_SMTP_PASSWORD": "\x01",
    "MOTCUA_SMTP_STARTTLS": "maybe", "MOTCUA_LOG_FORMAT": "xml", "MOTCUA_LOG_LEVEL": "LOUD"}


def test_every_variable_has_a_check(tmp_path):
    assert set(BAD) == KNOWN_VARIABLES - TEST_VARIABLES  # a new variable needs a case here
    for variable, value in BAD.items():
        with pytest.raises(ConfigError) as raised:
            from_env({"MOTCUA_DATA_DIR": str(tmp_path), variable: value})
        assert raised.value.variable == variable, (variable, str(raised.value))
        assert str(raised.value).startswith(f"{variable}: ") and "\n" not in str(raised.value)


def test_a_misspelt_variable_is_not_silently_ignored(tmp_path):
    with pytest.raises(ConfigError, match="MOTCUA_LATE_SUPLEMENT: no such setting"):
        from_env({"MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_LATE_SUPLEMENT": "flag"})


def test_the_scheduler_and_the_outbox_settings_come_from_the_environment(tmp_path):
    settings = from_env({
        "MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_TIMER_LEASE_SECONDS": "30",
        "MOTCUA_TIMER_BATCH": "25", "MOTCUA_SCHEDULER_TICK_SECONDS": "0.5",
        "MOTCUA_SMTP_HOST": "mail.tinh.vn", "MOTCUA_SMTP_PORT": "587",
        "MOTCUA_SMTP_FROM": "motcua@tinh.vn", "MOTCUA_SMTP_USER": "motcua",
        "MOTCUA_SMTP_PASSWORD": "s3cret-smtp", "MOTCUA_SMTP_STARTTLS": "yes",
        "MOTCUA_LOG_FORMAT": "json", "MOTCUA_LOG_LEVEL": "debug"}).SETTINGS
    assert (settings.timer_lease_seconds, settings.timer_batch,
            settings.scheduler_tick_seconds) == (30, 25, 0.5)
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_from, settings.smtp_user,
            settings.smtp_password, settings.smtp_starttls) == (
        "mail.tinh.vn", 587, "motcua@tinh.vn", "motcua", "s3cret-smtp", True)
    assert (settings.log_format, settings.log_level) == ("json", "DEBUG")
    assert "s3cret-smtp" not in repr(settings) and "s3cret-smtp" not in str(settings)


def test_the_documents_and_the_audit_keys_are_settings_in_the_data_folder(tmp_path):
    settings = from_env({"MOTCUA_DATA_DIR": str(tmp_path), "MOTCUA_MAX_DOCUMENT_BYTES": "5000",
                         "MOTCUA_AUDIT_KEY_FILE": str(tmp_path / "keys")}).SETTINGS
    assert (settings.document_dir, settings.max_document_bytes, settings.audit_key_file,
            settings.audit_key) == (tmp_path / "documents", 5000, tmp_path / "keys", None)
    assert settings.document_types == ("application/pdf", "image/jpeg", "image/png")
    assert from_env({"MOTCUA_DATA_DIR": str(tmp_path)}).SETTINGS.audit_key_file \
        == tmp_path / "audit_keys"


def test_the_defaults():
    settings = Settings()
    assert (settings.timer_lease_seconds, settings.timer_batch, settings.smtp_host,
            settings.smtp_port, settings.log_format) == (60, 100, None, 25, "text")


FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
STARTS = {
    "scheduler": FLASK + ["scheduler", "run"],
    "server": FLASK + ["run", "--port", "1"],
    "gunicorn": [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
}
CASES = [("scheduler", "MOTCUA_LATE_SUPPLEMENT", "maybe"),
         ("scheduler", "MOTCUA_TIMER_BATCH", "abc"),
         ("scheduler", "MOTCUA_SMTP_PORT", "99999"),
         ("scheduler", "MOTCUA_LATE_SUPLEMENT", "flag"),
         ("scheduler", "MOTCUA_ENV", "prod"),
         ("scheduler", "MOTCUA_LOG_FORMAT", "xml"),
         ("scheduler", "MOTCUA_DATABASE_URL", "mysql://db/x"),
         ("server", "MOTCUA_SMTP_STARTTLS", "maybe"),
         ("server", "MOTCUA_TIMER_LEASE_SECONDS", "0"),
         ("gunicorn", "MOTCUA_LATE_SUPPLEMENT", "maybe"),
         ("gunicorn", "MOTCUA_SMTP_FROM", "nobody")]


@pytest.mark.timeout(120)
def test_a_bad_value_stops_every_start_with_one_line(tmp_path):
    def start(case):
        index, (command, variable, value) = case
        data = tmp_path / f"data{index}"
        env = {**platform_env(None, data), variable: value, "PORT": "1"}
        result = subprocess.run(STARTS[command], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=60)
        return command, variable, data, result

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(start, enumerate(CASES)))
    for command, variable, data, result in results:
        what = (command, variable, result.stdout, result.stderr)
        assert result.returncode != 0, what
        errors = [line for line in result.stderr.splitlines()
                  if line.strip() and "Starting gunicorn" not in line]
        assert len(errors) == 1 and errors[0].startswith(f"Error: {variable}: "), what
        assert "Traceback" not in result.stderr + result.stdout, what
        assert not data.exists(), what  # nothing written: no data folder, database or key


@pytest.mark.timeout(60)
def test_the_app_factory_refuses_a_bad_value_naming_it(tmp_path):
    env = {**platform_env(None, tmp_path / "data"), "MOTCUA_SMTP_PORT": "x"}
    result = subprocess.run([sys.executable, "-c", "from api import create_app; create_app()"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "api.config.ConfigError: MOTCUA_SMTP_PORT: 'x' is not a whole number")
