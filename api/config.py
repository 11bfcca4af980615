"""Configuration classes: the only module that reads the environment.

Every setting is a `MOTCUA_*` variable (listed in the README). `from_env()`
builds the configuration at start-up; tests build `TestConfig` directly and
never touch the environment.
"""
import os
import secrets
from dataclasses import fields
from pathlib import Path

from engine.audit import KeyringError
from engine.audit import parse as parse_keyring
from engine.settings import SettingError, Settings


class Config:
    DATA_DIR = Path("data")
    SQLALCHEMY_DATABASE_URI = None  # defaults to SQLite in DATA_DIR
    SECRET_KEY = None  # defaults to a key generated once and kept in DATA_DIR
    AUDIT_KEY = None  # the event log's keys, "id:key,..." (last current); else AUDIT_KEY_FILE
    AUDIT_KEY_FILE = None  # defaults to DATA_DIR/audit_keys, generated once
    TRUSTED_PROXIES = 0  # reverse proxies in front: the address is from X-Forwarded-For
    ADMIN_USER = None
    ADMIN_PASSWORD = None
    TOKEN_TTL_SECONDS = 8 * 3600
    MAX_DIAGRAM_BYTES = 2_000_000
    MAX_JSON_BYTES = 1_000_000
    MAX_DOCUMENT_BYTES = 10_000_000
    DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
    SETTINGS = Settings()  # the legal defaults (engine/settings.py); MOTCUA_* override them
    CLOCK_CONTROL = False
    AUTO_MIGRATE = True  # prepare() applies pending migrations; tests migrate once per session
    PASSWORD_HASH_METHOD = "scrypt"
    SCHEDULER_TICK_SECONDS = 1.0
    TIMER_LEASE_SECONDS = 60
    TIMER_BATCH = 100
    SMTP_HOST = None  # e-mail notifications are sent only when a host is set
    SMTP_PORT = 25
    SMTP_FROM = "motcua@localhost"
    SMTP_USER = None
    SMTP_PASSWORD = None
    SMTP_STARTTLS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    JSON_SORT_KEYS = False
    API_TITLE = "motcua"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/static/vendor/swagger-ui/"

    def finalize(self):
        """Fill the defaults that depend on the data folder."""
        self.DATA_DIR = Path(self.DATA_DIR)
        if not self.SQLALCHEMY_DATABASE_URI:
            self.SQLALCHEMY_DATABASE_URI = f"sqlite:///{self.DATA_DIR.resolve() / 'motcua.db'}"
        # Writes nothing: the data folder and the key file come from `api.setup.prepare`
        # (or the first request); a missing SECRET_KEY means "the one kept in DATA_DIR".
        return self


class ProductionConfig(Config):
    """Clock control is an acceptance-run tool: production refuses it. Every
    machine must sign tokens with the same key, so the key must be given."""

    def finalize(self):
        if self.CLOCK_CONTROL:
            raise RuntimeError("MOTCUA_CLOCK_CONTROL=1 is refused by the production configuration")
        if not self.SECRET_KEY:
            raise RuntimeError("MOTCUA_SECRET_KEY is required in production")
        if not (self.AUDIT_KEY or self.AUDIT_KEY_FILE):
            raise RuntimeError("MOTCUA_AUDIT_KEY or MOTCUA_AUDIT_KEY_FILE is required in "
                               "production")
        return super().finalize()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    AUDIT_KEY = "test:an-audit-key-for-tests-and-nothing-else"
    CLOCK_CONTROL = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast: test passwords guard nothing


def _persistent_secret(data_dir: Path) -> str:
    """The key kept in DATA_DIR/secret_key, generated there when absent. Processes
    starting together converge on one key: each writes its own temporary file and
    links it into place; `os.link` fails for all but the first, who read the winner's."""
    path = Path(data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process linked its key first: that one is the key
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text().strip()


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def from_env(environ=os.environ) -> Config:
    """Build the configuration from `MOTCUA_*` variables."""
    production = environ.get("MOTCUA_ENV", "development") == "production"
    config = ProductionConfig() if production else Config()
    config.DATA_DIR = Path(environ.get("MOTCUA_DATA_DIR", "data"))
    config.SQLALCHEMY_DATABASE_URI = environ.get("MOTCUA_DATABASE_URL") or None
    config.SECRET_KEY = environ.get("MOTCUA_SECRET_KEY") or None
    config.ADMIN_USER = environ.get("MOTCUA_ADMIN_USER") or None
    config.ADMIN_PASSWORD = environ.get("MOTCUA_ADMIN_PASSWORD") or None
    config.CLOCK_CONTROL = _flag(environ.get("MOTCUA_CLOCK_CONTROL"))
    config.AUDIT_KEY = _audit_key(environ.get("MOTCUA_AUDIT_KEY") or None)
    config.AUDIT_KEY_FILE = environ.get("MOTCUA_AUDIT_KEY_FILE") or None
    for name, cast in (("TOKEN_TTL_SECONDS", int), ("TIMER_LEASE_SECONDS", int),
                       ("TIMER_BATCH", int), ("MAX_DOCUMENT_BYTES", int), ("TRUSTED_PROXIES", int),
                       ("SCHEDULER_TICK_SECONDS", float), ("SMTP_HOST", str),
                       ("SMTP_PORT", int), ("SMTP_FROM", str), ("SMTP_USER", str),
                       ("SMTP_PASSWORD", str)):
        if environ.get(f"MOTCUA_{name}"):
            setattr(config, name, cast(environ[f"MOTCUA_{name}"]))
    config.SMTP_STARTTLS = _flag(environ.get("MOTCUA_SMTP_STARTTLS"))
    config.SETTINGS = settings_from_env(environ, config.MAX_DIAGRAM_BYTES)
    return config.finalize()


def _audit_key(value: str | None) -> str | None:
    if value is not None:
        try:
            parse_keyring(value)
        except KeyringError as exc:
            raise RuntimeError(f"MOTCUA_AUDIT_KEY: {exc}") from None
    return value


SETTING_VARIABLES = {f"MOTCUA_{f.name.upper()}": f.name for f in fields(Settings)
                     if f.name != "max_diagram_bytes"}  # that one is MAX_DIAGRAM_BYTES


def settings_from_env(environ, max_diagram_bytes) -> Settings:
    """The engine's settings from `MOTCUA_*` variables; a bad value stops the start
    with a message naming the variable."""
    values = {name: environ[variable] for variable, name in SETTING_VARIABLES.items()
              if environ.get(variable) is not None}
    try:
        return Settings.parse({**values, "max_diagram_bytes": str(max_diagram_bytes)})
    except SettingError as exc:
        variable = f"MOTCUA_{exc.name.upper()}"
        raise RuntimeError(f"{variable}: {exc.message}") from None
