"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (`make run`).

The master prepares the platform (`api.setup.prepare`: data folder, migrations,
first administrator, secret key) in `on_starting`, before any worker forks, so
workers only build the app and serve. Command-line options override these.
"""
import os

bind = f"127.0.0.1:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = 4
timeout = 60
graceful_timeout = 30
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
# gunicorn 25+ opens a control socket at one path per user, which every instance
# on the machine would share; `gunicornc` is not part of how motcua is run.
control_socket_disable = True


def on_starting(server):
    """In the master, once: a failure here stops gunicorn before any worker starts."""
    from api import create_app
    from api.setup import prepare

    app = create_app()
    prepare(app)
    with app.app_context():  # workers fork from here: they must not share connections
        app.extensions["motcua.db"].engine.dispose()


def post_worker_init(worker):
    """Says when a worker has built the app (tests wait for it; `Booting` comes before)."""
    worker.log.info("Worker ready (pid: %s)", worker.pid)
