"""Loading shipped procedures from folders, and demo units and users.

A procedure folder holds `procedure.json` (catalogue entry), one `.bpmn` file
and a `forms/` folder of form-js documents. Loading is idempotent: a folder
whose diagram and forms match the active version deploys nothing new, and a
catalogue entry that no longer matches its `procedure.json` (a procedure moved
to the commune level in 2025, say) is rewritten first.
"""
import hashlib
import json
from pathlib import Path

from sqlalchemy import select

from ..people.directory import create_unit, create_user, set_function
from ..store.people import Unit, User
from ..store.procedures import Procedure
from . import procedures


def load_procedure_folder(ctx, folder: Path) -> str:
    """Create or update one procedure from a folder; returns what was done."""
    meta = json.loads((folder / "procedure.json").read_text(encoding="utf-8"))
    (diagram,) = sorted(folder.glob("*.bpmn"))
    xml = diagram.read_bytes()
    forms = [path.read_bytes() for path in sorted((folder / "forms").glob("*.json"))]
    existing = ctx.session.scalar(select(Procedure).where(Procedure.code == meta["code"]))
    updated = []
    if existing is None:
        procedures.create_procedure(ctx, **meta)
    else:
        updated = procedures.update_procedure(ctx, **meta)
    existing = procedures.get_procedure(ctx.session, meta["code"])
    said = f" (catalogue entry updated: {', '.join(updated)})" if updated else ""
    active = procedures.active_version(existing)
    if active is not None and active.checksum == hashlib.sha256(xml).hexdigest() and \
            _forms_unchanged(ctx.session, existing, forms):
        return f"{meta['code']}: version {active.number} is current{said}"
    version = procedures.deploy_version(ctx, meta["code"], xml, forms)
    return f"{meta['code']}: deployed version {version.number}{said}"


def _forms_unchanged(session, procedure, forms) -> bool:
    deployed = procedures.latest_forms(session, procedure)
    return all(deployed.get(json.loads(raw)["id"]) == json.loads(raw) for raw in forms)


def load_people(ctx, people: dict) -> list[str]:
    """Create the units and users of a demo file that do not exist yet, and give
    units loaded before functions existed the function the file names."""
    done = []
    for unit in people.get("units", []):
        existing = ctx.session.scalar(select(Unit).where(Unit.code == unit["code"]))
        if existing is None:
            create_unit(ctx, **unit)
            done.append(f"unit {unit['code']}")
        elif unit.get("function") and existing.function is None:
            set_function(ctx, unit["code"], unit["function"])
            done.append(f"unit {unit['code']}: function {unit['function']}")
    for user in people.get("users", []):
        if not ctx.session.scalar(select(User.id).where(User.username == user["username"])):
            create_user(ctx, **user)
            done.append(f"user {user['username']}")
    return done
