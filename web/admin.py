"""The administrator's page (`/admin`): three tabs, each a paginated table with
its forms. Users (create one; change roles, units, active, password), units with
their functions (create one under a parent, with a function; change a function) and the working
calendar of a year with its overrides (`web.admin_calendar`).

Tables are rendered here from the engine's directory and calendar services with
the administrator's context; the forms call the JSON API from `web/src/admin.js`
(`POST /users`, `PATCH /users/{username}`, `POST /units`, `PATCH /units/{code}`,
`POST` and `DELETE /calendar/overrides`), so the API's checks and problems are the only ones, and
then reload the tab with a notice naming what was done.
"""
import re

from flask import g, render_template, request
from flask_babel import gettext as _

from engine.people import directory
from engine.people.directory import ROLES

from . import admin_calendar
from .shell import blueprint, page

bp = blueprint("admin", __name__)
TABS = ("users", "units", "calendar")
PER_PAGE = 10
NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
ALL_UNITS = 1000  # the choices of a unit field: every unit (an organisation has hundreds)


def role_labels() -> dict:
    return {"admin": _("Administrator"), "designer": _("Process designer"),
            "reception": _("Reception officer"), "officer": _("Handling officer"),
            "leader": _("Leader"), "supervisor": _("Supervisor")}


def notice() -> str | None:
    """What the tab says after a form's action: `?done=<key>&name=<what>`. The name is
    shown only when it reads as a username or a code, so a link cannot put words here."""
    name = request.args.get("name", "")
    name = name if NAME.match(name) else "—"
    return {"user_created": _("User %(name)s was created.", name=name),
            "user_changed": _("User %(name)s was changed.", name=name),
            "unit_created": _("Unit %(name)s was created.", name=name),
            "unit_changed": _("The function of unit %(name)s was changed.", name=name),
            "override_added": _("The override was saved."),
            "override_removed": _("The override was removed.")}.get(request.args.get("done"))


def page_number(name="page") -> int:
    value = request.args.get(name, "1")
    return max(1, min(int(value), 100_000)) if value.isdecimal() else 1


@bp.get("/admin")
@page("admin")
def index():
    tab = request.args.get("tab")
    tab = tab if tab in TABS else TABS[0]
    shown = {"users": _users, "units": _units, "calendar": admin_calendar.tab}[tab]()
    return render_template(f"admin/{tab}.html", tab=tab, tabs=_tab_names(),
                           notice=notice(), **shown)


def _tab_names() -> dict:
    return {"users": _("Users"), "units": _("Units"), "calendar": _("Working calendar")}


def _all_units() -> list:
    return directory.list_units(g.ctx, page=1, per_page=ALL_UNITS)["items"]


def _users() -> dict:
    listing = directory.list_users(g.ctx, page=page_number(), per_page=PER_PAGE)
    rows = [{"username": user.username, "full_name": user.full_name, "email": user.email,
             "roles": list(user.roles), "units": [unit.code for unit in user.units],
             "active": user.active} for user in listing["items"]]
    return {"listing": listing, "rows": rows, "all_units": _all_units(), "roles": ROLES,
            "role_labels": role_labels(), "page_data": {"users": rows}}


def _units() -> dict:
    listing = directory.list_units(g.ctx, page=page_number(), per_page=PER_PAGE)
    units = _all_units()
    functions = sorted({unit.function for unit in units if unit.function})
    return {"listing": listing, "all_units": units, "functions": functions}
