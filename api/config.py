"""Configuration classes: the only module that reads the environment.

Every setting is a `MOTCUA_*` variable (listed in the README). `from_env()`
builds the configuration at start-up and checks every variable: an unknown
`MOTCUA_*` name or a bad value raises `ConfigError` naming the variable, which
the entry points (wsgi.py, gunicorn.conf.py) turn into one line and a non-zero
exit. The engine's settings (`Settings`, carried on `ctx.settings`) come from
the variables named after their fields (the audit keys and the document size
among them); `finalize` fills the files that default to the data folder
(`audit_key_file`, `document_dir`). The web layer's (secret key, database, data
folder, token lifetime, proxies) stay Flask configuration. Tests build
`TestConfig` directly and never touch the environment.
"""
import os
import secrets
from dataclasses import fields, replace
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from engine.kernel.settings import SettingError, Settings


class ConfigError(RuntimeError):
    """A `MOTCUA_*` variable is unknown, missing or has a bad value: the start stops
    with `str(error)`, "MOTCUA_NAME: what is wrong", one line."""

    def __init__(self, variable: str, message: str):
        super().__init__(f"{variable}: {message}")
        self.variable, self.message = variable, message


class Config:
    DATA_DIR = Path("data")
    SQLALCHEMY_DATABASE_URI = None  # defaults to SQLite in DATA_DIR
    SECRET_KEY = None  # defaults to a key generated once and kept in DATA_DIR
    TRUSTED_PROXIES = 0  # reverse proxies in front: the address is from X-Forwarded-For
    ADMIN_USER = None
    ADMIN_PASSWORD = None
    TOKEN_TTL_SECONDS = 8 * 3600
    MAX_DIAGRAM_BYTES = 2_000_000
    MAX_JSON_BYTES = 1_000_000
    # The engine's settings (engine/kernel/settings.py): legal defaults, scheduler, SMTP, logs,
    # audit keys, documents; MOTCUA_<FIELD> overrides each.
    SETTINGS = Settings()
    CLOCK_CONTROL = False
    AUTO_MIGRATE = True  # prepare() applies pending migrations; tests migrate once per session
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    JSON_SORT_KEYS = False
    API_TITLE = "motcua"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/static/vendor/swagger-ui/"
    # The browser's session cookie (web.session): it holds a token, so scripts may not
    # read it and other sites' links do not send it with a state change.
    SESSION_COOKIE_NAME = "motcua_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # production: True (served over HTTPS)
    WTF_CSRF_TIME_LIMIT = None  # a page's CSRF token lives as long as its session

    def finalize(self):
        """Fill the defaults that depend on the data folder."""
        self.DATA_DIR = Path(self.DATA_DIR)
        if not self.SQLALCHEMY_DATABASE_URI:
            self.SQLALCHEMY_DATABASE_URI = f"sqlite:///{self.DATA_DIR.resolve() / 'motcua.db'}"
        # Writes nothing: the data folder and the key files come from `api.setup.prepare`
        # (or the first request); a missing SECRET_KEY means "the one kept in DATA_DIR".
        self.SETTINGS = in_data_dir(self.SETTINGS, self.DATA_DIR)
        return self


def in_data_dir(settings: Settings, data_dir: Path) -> Settings:
    """`settings` with the files left unset placed in the data folder: the audit key
    file (used when no `audit_key` is given; generated once) and the documents."""
    defaults = {"audit_key_file": data_dir / "audit_keys", "document_dir": data_dir / "documents"}
    unset = {name: path for name, path in defaults.items() if getattr(settings, name) is None}
    return replace(settings, **unset) if unset else settings


class ProductionConfig(Config):
    """Clock control is an acceptance-run tool: production refuses it. Every
    machine must sign tokens with the same key, so the key must be given.
    Production is served over HTTPS: the session cookie is sent only there."""

    SESSION_COOKIE_SECURE = True

    def finalize(self):
        if self.CLOCK_CONTROL:
            raise ConfigError("MOTCUA_CLOCK_CONTROL", "refused by the production configuration")
        if not self.SECRET_KEY:
            raise ConfigError("MOTCUA_SECRET_KEY", "required in production")
        if not (self.SETTINGS.audit_key or self.SETTINGS.audit_key_file):
            raise ConfigError("MOTCUA_AUDIT_KEY", "required in production (or "
                                                  "MOTCUA_AUDIT_KEY_FILE)")
        return super().finalize()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    CLOCK_CONTROL = True
    SETTINGS = Settings(password_hash_method="pbkdf2:sha256:1000",  # test passwords guard nothing
                        audit_key="test:an-audit-key-for-tests-and-nothing-else")


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


def from_env(environ=os.environ) -> Config:
    """Build the configuration from `MOTCUA_*` variables, every one checked."""
    unknown = sorted(name for name in environ if name.startswith("MOTCUA_")
                     and name not in KNOWN_VARIABLES)
    if unknown:
        raise ConfigError(unknown[0], "no such setting (misspelt? see the README's list)")
    production = _read(environ, "MOTCUA_ENV", _environment) == "production"
    config = ProductionConfig() if production else Config()
    for variable, (attribute, parse) in CONFIG_VARIABLES.items():
        value = _read(environ, variable, parse)
        if value is not None:
            setattr(config, attribute, value)
    if bool(config.ADMIN_USER) != bool(config.ADMIN_PASSWORD):
        missing = "MOTCUA_ADMIN_PASSWORD" if config.ADMIN_USER else "MOTCUA_ADMIN_USER"
        raise ConfigError(missing, "required with the other of MOTCUA_ADMIN_USER and "
                                   "MOTCUA_ADMIN_PASSWORD")
    config.SETTINGS = settings_from_env(environ, config.MAX_DIAGRAM_BYTES)
    return config.finalize()


def _read(environ, variable, parse):
    """The variable's parsed value; None when unset or empty (the default)."""
    text = (environ.get(variable) or "").strip()
    if not text:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        raise ConfigError(variable, str(exc)) from None


def _environment(text):
    if text not in ("development", "production"):
        raise ValueError(f"{text!r} is not development or production")
    return text


def _flag(text) -> bool:
    value = text.lower()
    if value not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        raise ValueError(f"{text!r} is not true or false (1, 0, true, false, yes, no)")
    return value in ("1", "true", "yes", "on")


def _count(least):
    def parse(text) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
        if value < least:
            raise ValueError(f"must be a whole number, {least} or more")
        return value
    return parse


def _database_url(text) -> str:
    try:
        backend = make_url(text).get_backend_name()
    except ArgumentError:
        raise ValueError("not a database URL like postgresql://user@host/db") from None
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"{backend} is not supported: use postgresql:// or sqlite://")
    return text


def _plain(text) -> str:
    if any(ord(c) < 32 for c in text):
        raise ValueError("may not contain control characters")
    return text


# The web layer's variables: MOTCUA_<NAME> → Config.<attribute>, checked by its parser.
CONFIG_VARIABLES = {
    "MOTCUA_DATA_DIR": ("DATA_DIR", lambda text: Path(_plain(text))),
    "MOTCUA_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", _database_url),
    "MOTCUA_SECRET_KEY": ("SECRET_KEY", _plain),
    "MOTCUA_ADMIN_USER": ("ADMIN_USER", _plain),
    "MOTCUA_ADMIN_PASSWORD": ("ADMIN_PASSWORD", _plain),
    "MOTCUA_CLOCK_CONTROL": ("CLOCK_CONTROL", _flag),
    "MOTCUA_TOKEN_TTL_SECONDS": ("TOKEN_TTL_SECONDS", _count(60)),
    "MOTCUA_TRUSTED_PROXIES": ("TRUSTED_PROXIES", _count(0)),
}
NOT_SETTINGS = {"max_diagram_bytes",  # Config.MAX_DIAGRAM_BYTES
                "password_hash_method",  # fixed in production; tests choose a fast one
                "document_dir",  # DATA_DIR/documents (`in_data_dir`)
                "document_types"}  # what `engine.dossier.documents` recognises
SETTING_VARIABLES = {f"MOTCUA_{f.name.upper()}": f.name for f in fields(Settings)
                     if f.name not in NOT_SETTINGS}
# Read by the test suite (tests/test_crash.py, tests/test_fuzz.py), not by the platform.
TEST_VARIABLES = {"MOTCUA_CRASH_SEED", "MOTCUA_FUZZ_EXAMPLES"}
KNOWN_VARIABLES = {"MOTCUA_ENV", *CONFIG_VARIABLES, *SETTING_VARIABLES, *TEST_VARIABLES}


def server_from_env(environ=os.environ) -> tuple[int, int]:
    """gunicorn's port and number of workers (`PORT`, `WEB_CONCURRENCY`)."""
    def whole(name, default):
        text = environ.get(name, default)
        if not text.isdigit() or not 0 < int(text) < 65536:
            raise ConfigError(name, f"{text!r} is not a whole number from 1 to 65535")
        return int(text)
    return whole("PORT", "5000"), whole("WEB_CONCURRENCY", "2")


def settings_from_env(environ, max_diagram_bytes) -> Settings:
    """The engine's settings from `MOTCUA_*` variables; a bad value raises
    ConfigError naming the variable."""
    values = {name: environ[variable] for variable, name in SETTING_VARIABLES.items()
              if environ.get(variable) is not None}
    try:
        return Settings.parse({**values, "max_diagram_bytes": str(max_diagram_bytes)})
    except SettingError as exc:
        raise ConfigError(f"MOTCUA_{exc.name.upper()}", exc.message) from None
