"""WSGI entry point: `flask --app wsgi run` or `gunicorn wsgi:app`.

A bad `MOTCUA_*` setting stops the start with one line naming the variable
and exit status 1, not a traceback.
"""
from api import create_app
from api.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    raise SystemExit(f"Error: {error}") from None
