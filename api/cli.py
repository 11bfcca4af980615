"""`flask` commands: units, users, deploying procedure folders, demo data, generated
data (`generate-data`), scheduler, and the event log's audit (`audit verify`,
`audit rotate-key`).

Those that need a ready database prepare the platform first (`api.setup.prepare`);
`flask db upgrade` takes the same start-up lock as `prepare`.
"""
import copy
import functools
import json
import logging
import os
import signal
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from engine.kernel import audit, events, logs
from engine.catalogue import loading
from engine.monitoring import generation
from engine.people import directory
from engine.scheduling import scheduler
from engine.kernel.clock import parse_instant
from engine.kernel.context import SYSTEM_ADMIN, Ctx
from engine.kernel.errors import DomainError

from .setup import prepare, start_lock

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
ADMIN = SYSTEM_ADMIN
log = logs.get("scheduler")


def _ctx() -> Ctx:
    return Ctx(current_app.extensions["motcua.db"].session(),
               current_app.extensions["motcua.clock"], ADMIN,
               settings=current_app.config["SETTINGS"])


def _prepared(callback):
    """Run `prepare` before the command (under `with_appcontext`): migrations, first
    administrator, secret key. Cheap when already done."""
    @functools.wraps(callback)
    def run(*args, **kwargs):
        prepare(current_app._get_current_object())
        logs.configure(current_app.config["SETTINGS"])  # a migration replaced the handlers
        return callback(*args, **kwargs)
    return run


@click.command("create-unit")
@with_appcontext
@_prepared
@click.argument("code")
@click.argument("name")
@click.option("--parent")
@click.option("--agency-code")
@click.option("--function", help="the part it plays in its agency: desk, civil_status, leader...")
def create_unit(code, name, parent, agency_code, function):
    """Create a unit (organisation node)."""
    directory.create_unit(_ctx(), code, name, parent=parent, agency_code=agency_code,
                          function=function)
    click.echo(f"unit {code} created")


@click.command("create-user")
@with_appcontext
@_prepared
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True)
@click.option("--full-name", default="")
@click.option("--role", "roles", multiple=True)
@click.option("--unit", "units", multiple=True)
def create_user(username, password, full_name, roles, units):
    """Create a user with roles and units."""
    directory.create_user(_ctx(), username, password, full_name, list(roles), list(units))
    click.echo(f"user {username} created")


@click.command("deploy-procedure")
@with_appcontext
@_prepared
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def deploy_procedure(folder):
    """Create or update the procedure in FOLDER (procedure.json, .bpmn, forms/)."""
    click.echo(loading.load_procedure_folder(_ctx(), folder))


@click.command("load-demo")
@with_appcontext
@_prepared
def load_demo():
    """Create the demo units and users, and deploy every procedure in processes/."""
    ctx = _ctx()
    demo = json.loads((PROCESSES / "demo.json").read_text(encoding="utf-8"))
    for line in loading.load_people(ctx, demo):
        click.echo(f"created {line}")
    for folder in sorted(p for p in PROCESSES.iterdir() if (p / "procedure.json").exists()):
        click.echo(loading.load_procedure_folder(ctx, folder))


def _instant(_context, _param, value):
    try:
        return parse_instant(value)
    except ValueError:
        raise click.BadParameter("an ISO 8601 instant, e.g. 2025-12-31T17:00:00+07:00") from None


@click.command("generate-data")
@with_appcontext
@_prepared
@click.option("--dossiers", type=click.IntRange(min=1), required=True,
              help="how many dossiers to hand in during the year")
@click.option("--year", type=click.IntRange(*generation.YEARS), required=True)
@click.option("--seed", type=int, default=1, show_default=True,
              help="the same seed on the same empty database writes the same rows")
@click.option("--now", callback=_instant, metavar="INSTANT",
              help="where the data ends (ISO 8601; Vietnam time without an offset); "
                   "default: the end of YEAR")
def generate_data(dossiers, year, seed, now):
    """Fill a database that has the demo loaded with a year of dossiers across every
    deployed procedure; prints the expected counts as one JSON object (progress on
    standard error)."""
    with click.progressbar(length=dossiers, label="dossiers", file=sys.stderr) as bar:
        counts = generation.generate(_ctx(), dossiers, year, seed, progress=bar.update, now=now)
    click.echo(json.dumps(counts, ensure_ascii=False))


scheduler_cli = AppGroup("scheduler", help="The scheduler process.")


@scheduler_cli.command("run")
@_prepared
@click.option("--name", default=lambda: f"scheduler-{os.getpid()}")
def run_scheduler(name):
    """Tick every `scheduler_tick_seconds` until stopped (APScheduler; SIGTERM or
    Ctrl-C stops it); each tick is `run_once`. It reports through the logs."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    settings = app.config["SETTINGS"]

    def tick():
        try:
            with app.app_context():
                scheduler.run_once(_ctx(), name)
        except Exception as exc:  # noqa: BLE001 - logged; the next tick tries again
            log.error("scheduler tick failed", extra={"scheduler": name,
                                                      "error": logs.describe(exc)})
            log.debug("scheduler tick failure", exc_info=exc)

    blocking = BlockingScheduler()
    blocking.add_job(tick, "interval", id="motcua.tick", max_instances=1, coalesce=True,
                     seconds=settings.scheduler_tick_seconds)
    signal.signal(signal.SIGTERM, lambda *_: blocking.shutdown(wait=False))
    tick()
    log.info("scheduler running", extra={"scheduler": name,
                                         "tick_seconds": settings.scheduler_tick_seconds})
    try:
        blocking.start()
    except KeyboardInterrupt:
        pass  # Ctrl-C: a stop like SIGTERM
    finally:
        log.info("scheduler stopped", extra={"scheduler": name})


audit_cli = AppGroup("audit", help="The event log's chains and their keys.")


@audit_cli.command("verify")
@_prepared
def verify_audit():
    """Check every event chain; exit 0 when all verify, else 1 naming the first broken
    event (stream and sequence)."""
    ctx = _ctx()
    counts, broken = events.verify_all(ctx.session, audit.keyring(ctx.settings))
    if broken is not None:
        click.echo(f"broken: stream {broken.stream} seq {broken.seq}: {broken.reason}", err=True)
        raise click.exceptions.Exit(1)
    unkeyed = f" ({counts['unkeyed']} sealed before keyed hashing)" if counts["unkeyed"] else ""
    click.echo(f"ok: {counts['events']} events in {counts['streams']} streams verify{unkeyed}")


@audit_cli.command("rotate-key")
@with_appcontext
def rotate_audit_key():
    """Add a new audit key to the key file and make it current; earlier keys stay, so
    older events still verify. With MOTCUA_AUDIT_KEY, print the entry to add to it."""
    settings = current_app.config["SETTINGS"]
    if settings.audit_key:
        entry = audit.new_entry(audit.parse(settings.audit_key))
        click.echo("The audit keys come from MOTCUA_AUDIT_KEY: append this entry to it "
                   "(comma-separated; the last is current) and restart every process:")
        click.echo(entry)
        raise click.exceptions.Exit(1)
    path = settings.audit_key_file
    click.echo(f"audit key {audit.key_file(path).rotate()} is now current ({path})")


def _plain_errors(command):
    """Domain errors end the command with their message, not a traceback."""
    callback = command.callback
    if getattr(callback, "plain_errors", False):
        return command  # already wrapped by an earlier app: one wrapper, not one per app

    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except DomainError as error:
            details = "".join(f"\n  {e.get('field') or e.get('element_id')}: {e['message']}"
                              for e in error.errors)
            raise click.ClickException(error.detail + details) from None
    run.plain_errors = True
    command.callback = run
    return command


def _locked_db_group(app):
    """Flask-Migrate's `db` group with `upgrade` under the start-up lock, so a deploy
    step and servers starting at the same moment never apply a migration twice."""
    group = copy.copy(app.cli.commands["db"])
    upgrade = copy.copy(group.commands["upgrade"])
    unlocked = upgrade.callback

    @with_appcontext
    def locked(*args, **kwargs):
        with start_lock(current_app.extensions["motcua.db"].engine):
            return unlocked(*args, **kwargs)
    upgrade.callback = locked
    group.commands = {**group.commands, "upgrade": upgrade}
    return group


def register(app):
    for command in (create_unit, create_user, deploy_procedure, load_demo, generate_data):
        app.cli.add_command(_plain_errors(command))
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(_locked_db_group(app), "db")
