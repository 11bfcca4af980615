"""Administration pages (to be built by their page family)."""
from flask import render_template
from flask_babel import gettext as _

from .shell import blueprint, page

bp = blueprint("admin", __name__)


@bp.get("/admin")
@page("admin")
def index():
    return render_template("stub/page.html", heading=_("Administration"))
