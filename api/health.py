"""Operations endpoints: `/healthz` (database, scheduler heartbeat) and `/metrics`.

`/metrics` (Prometheus text; open like `/healthz`, API.md "Operations") has two
parts. Request figures: requests by method, route template and status, latency
by method and route template, requests in progress. The route template
(`/api/v1/dossiers/<code>`), never the path, so no dossier code, name or id
becomes a label; a method outside HTTP's usual ones is `other`, a path that
matches no route `<unmatched>`. Under gunicorn (gunicorn.conf.py sets
`PROMETHEUS_MULTIPROC_DIR` for its workers) prometheus_client keeps them in
files, one set per worker, and a scrape sums every worker's, whichever answers
it, a dead worker's counts included; served otherwise (`flask run`, tests) they
are this app's own registry. Domain figures (`engine.monitoring.gauges`) are
counted in the database at each scrape, the same from any process; when it
cannot be read `motcua_database_up` is 0 and they are left out.
"""
import time

from flask import Response, current_app, g, jsonify, request

from engine.monitoring import gauges
from engine.scheduling import mail
from engine.scheduling.scheduler import heartbeat_age

from .auth import public_context

METRICS = "motcua.metrics"  # app.extensions: this app's request figures
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"  # as the request log line names it


def healthz():
    """200 `ok`; 503 `degraded` when the database is unreachable, or no scheduler has
    beaten within `heartbeat_max_age_seconds` (or ever: then nothing fires timers,
    reminders or e-mail). `problems` says why."""
    session = current_app.extensions["motcua.db"].session
    clock = current_app.extensions["motcua.clock"]
    max_age = current_app.config["SETTINGS"].heartbeat_max_age_seconds
    try:
        age = heartbeat_age(session, clock.now())
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        current_app.logger.exception("health check failed")
        age, database = None, "unreachable"
    problems = _problems(database, age, max_age)
    body = {"status": "degraded" if problems else "ok", "database": database,
            "scheduler_heartbeat_age_seconds": age, "heartbeat_max_age_seconds": max_age,
            "problems": problems}
    return jsonify(body), 503 if problems else 200


def _problems(database, age, max_age) -> list[str]:
    if database != "ok":
        return ["database unreachable"]
    if age is None:
        return ["no scheduler heartbeat yet: no scheduler process has run"]
    if age > max_age:
        return [f"scheduler heartbeat is {age:g} s old (more than {max_age} s)"]
    return []


def metrics():
    requests = current_app.extensions[METRICS]
    try:
        figures = gauges.figures(public_context(), mail_attempts=mail.MAX_ATTEMPTS)
    except Exception:  # noqa: BLE001 - the request figures are still worth answering
        current_app.logger.exception("domain figures not read")
        figures = None
    return Response(requests.exposition(_Domain(figures, requests.families)),
                    mimetype=requests.content_type)


class _Requests:
    """This app's request figures, and the scrape that gathers them."""

    def __init__(self):
        # prometheus_client chooses between one process and files per process when
        # it is first imported, from PROMETHEUS_MULTIPROC_DIR. gunicorn sets that for
        # its workers only after reading gunicorn.conf.py, which imports this
        # package: so it is imported when an app is built (in gunicorn, after that).
        import prometheus_client as prometheus
        from prometheus_client import core, multiprocess, values

        self.prometheus, self.families, self.multiprocess_collector = (
            prometheus, core, multiprocess.MultiProcessCollector)
        self.content_type = prometheus.CONTENT_TYPE_LATEST
        self.multiprocess = values.ValueClass is not values.MutexValue  # the mode it chose
        self.registry = prometheus.CollectorRegistry()
        self.total = prometheus.Counter(
            "motcua_http_requests", "HTTP requests answered, by method, route template and "
            "status", ["method", "endpoint", "status"], registry=self.registry)
        self.seconds = prometheus.Histogram(
            "motcua_http_request_seconds", "HTTP request latency in seconds, by method and "
            "route template", ["method", "endpoint"], registry=self.registry)
        self.in_progress = prometheus.Gauge(
            "motcua_http_requests_in_progress", "HTTP requests being answered",
            registry=self.registry, multiprocess_mode="livesum")  # live workers' sum

    def exposition(self, domain) -> bytes:
        """Every worker's request figures (or this process's), then `domain`'s."""
        registry = self.prometheus.CollectorRegistry()
        if self.multiprocess:  # the documented way: a fresh registry per scrape
            self.multiprocess_collector(registry)
        else:
            registry.register(self.registry)  # a registry is a collector too
        registry.register(domain)
        return self.prometheus.generate_latest(registry)


def _labels():
    method = request.method if request.method in METHODS else "other"
    rule = request.url_rule
    return method, rule.rule if rule is not None else UNMATCHED


def _start():
    g.motcua_started = time.perf_counter()
    current_app.extensions[METRICS].in_progress.inc()


def _count(response):
    requests = current_app.extensions[METRICS]
    method, endpoint = _labels()
    started = g.get("motcua_started")
    if started is not None:
        requests.seconds.labels(method, endpoint).observe(time.perf_counter() - started)
    requests.total.labels(method, endpoint, str(response.status_code)).inc()
    return response


def _end(_error=None):
    if g.pop("motcua_started", None) is not None:  # counted in by `_start`
        current_app.extensions[METRICS].in_progress.dec()


class _Domain:
    """A collector of one scrape's domain figures (`gauges.Figures`, or None when
    the database could not be read)."""

    def __init__(self, figures, families):
        self.figures, self.families = figures, families

    def collect(self):
        up = self.families.GaugeMetricFamily(
            "motcua_database_up", "1 when the domain figures were read from the database, "
            "0 when it could not be read (they are then left out)",
            value=0 if self.figures is None else 1)
        if self.figures is None:
            return [up]
        return [up, *_dossier_families(self.figures, self.families),
                *_timer_families(self.figures, self.families)]


def _gauge(families, name, documentation, value):
    return families.GaugeMetricFamily(name, documentation, value=value)


def _dossier_families(figures, families):
    by_status = families.GaugeMetricFamily("motcua_dossiers", "Dossiers by status",
                                           labels=["status"])
    for name, count in figures.dossiers.items():
        by_status.add_metric([name], count)
    return [
        by_status,
        _gauge(families, "motcua_dossiers_open", "Dossiers not closed nor resolved (new, "
               "waiting for papers, at work)", figures.dossiers_open),
        _gauge(families, "motcua_dossiers_overdue", "Dossiers whose statutory clock runs, "
               "past their due time", figures.dossiers_overdue),
        _gauge(families, "motcua_incidents_open", "Dossiers showing an incident (a failing "
               "script or timer)", figures.incidents_open),
        _gauge(families, "motcua_steps_open", "Open steps (user tasks)", figures.steps_open),
        _gauge(families, "motcua_steps_overdue", "Open steps past their due time, their "
               "dossier at work", figures.steps_overdue),
        _gauge(families, "motcua_mails_waiting", "E-mails in the outbox not sent yet",
               figures.mails_waiting),
        _gauge(families, "motcua_mails_given_up", "E-mails not sent after their last attempt",
               figures.mails_given_up),
    ]


def _timer_families(figures, families):
    fired = families.CounterMetricFamily("motcua_timers_fired", "Timers fired, by kind",
                                         labels=["kind"])
    for kind, count in figures.timers_fired.items():
        fired.add_metric([kind], count)
    lag = figures.timer_lag
    buckets = [(repr(bound), count) for bound, count in lag.buckets] + [("+Inf", lag.count)]
    return [
        _gauge(families, "motcua_timers_due_waiting", "Timers past their due time, not "
               "fired (nor cancelled)", figures.timers_due_waiting),
        _gauge(families, "motcua_timer_oldest_due_age_seconds", "Seconds since the due time "
               "of the oldest timer waiting (0: none)", figures.oldest_due_seconds),
        _gauge(families, "motcua_timers_failing", "Timers not fired that failed at least once "
               "(retried, or given up)", figures.timers_failing),
        fired,
        families.CounterMetricFamily(
            "motcua_timer_failures", "Timers given up after their last attempt (the dossier "
            "shows an incident)", value=figures.timer_failures),
        families.HistogramMetricFamily(
            "motcua_timer_lag_seconds", "Seconds from a timer's due time to its firing, "
            "every fired timer", buckets=buckets, sum_value=lag.total_seconds),
    ]


def register(app):
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/metrics", "metrics", metrics)
    app.extensions[METRICS] = _Requests()
    app.before_request(_start)
    app.after_request(_count)
    app.teardown_request(_end)
