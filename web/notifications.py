"""The signed-in person's notifications page (to be built by its page family)."""
from flask import render_template
from flask_babel import gettext as _

from .shell import blueprint, page

bp = blueprint("notifications", __name__)


@bp.get("/notifications")
@page()
def index():
    return render_template("stub/page.html", heading=_("Notifications"))
