"""Inbox pages (to be built by their page family)."""
from flask import render_template
from flask_babel import gettext as _

from .shell import blueprint, page

bp = blueprint("inbox", __name__)


@bp.get("/inbox")
@page("officer", "leader")
def index():
    return render_template("stub/page.html", heading=_("Inbox"))
