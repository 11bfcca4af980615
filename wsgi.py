"""WSGI entry point: `flask --app wsgi run` or `gunicorn wsgi:app`.

Importing it builds the app and writes nothing; whichever server runs it, each
process prepares the platform (migrations, first administrator, keys) once,
before its first request (`api.setup.register_preparation`).

A bad `MOTCUA_*` setting stops the start with one line naming the variable
and exit status 1, not a traceback.
"""
from api import create_app
from api.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    raise SystemExit(f"Error: {error}") from None
