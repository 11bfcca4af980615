"""Public pages (to be built by their page family)."""
from flask import render_template
from flask_babel import gettext as _

from .shell import blueprint

bp = blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("stub/page.html", heading=_("One-stop services"))
