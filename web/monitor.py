"""Monitoring pages (to be built by their page family)."""
from flask import render_template
from flask_babel import gettext as _

from .shell import blueprint, page

bp = blueprint("monitor", __name__)


@bp.get("/monitor")
@page("supervisor", "leader")
def index():
    return render_template("stub/page.html", heading=_("Monitoring"))
