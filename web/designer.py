"""Designer pages (to be built by their page family)."""
from flask import render_template
from flask_babel import gettext as _

from .shell import blueprint, page

bp = blueprint("designer", __name__)


@bp.get("/designer")
@page("designer")
def index():
    return render_template("stub/page.html", heading=_("Designer"))
