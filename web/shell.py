"""What every page shares: the page guard (`page(*roles)`), the layout's
context (user, units, unread notifications, CSRF token, language), the landing
page of each role, the Content-Security-Policy of pages, and HTML error pages.

A page whose visitor is not signed in redirects to /login; one the visitor's
roles do not open answers 404, as the API does for what a caller may not see.
"""
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from api.auth import context
from api.errors import http_problem, status_of
from api.presentation import page_language, translations
from api.problem_texts import translate
from engine.kernel.errors import DomainError, NotFound, Unauthorized
from engine.people import directory
from engine.scheduling import notifications

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
               "worker-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; "
               "base-uri 'none'; form-action 'self'")
# The first of the visitor's roles in this order names their landing page.
LANDINGS = (("admin", "web.admin.index"), ("reception", "web.reception.index"),
            ("officer", "web.inbox.index"), ("leader", "web.inbox.index"),
            ("supervisor", "web.monitor.index"), ("designer", "web.designer.index"))


def page(*roles):
    """The view needs a signed-in visitor with one of `roles` (any, when none);
    `g.ctx` is the visitor's service context."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            try:
                g.ctx = context()
            except Unauthorized:
                return redirect(url_for("web.session.login", next=_here()))
            if roles and not g.ctx.actor.has(*roles):
                raise NotFound("No such page.")
            return view(*args, **kwargs)
        return guarded
    return decorate


def _here() -> str:
    return request.full_path.rstrip("?")


def landing(roles) -> str:
    for role, endpoint in LANDINGS:
        if role in roles:
            return url_for(endpoint)
    return url_for("web.public.home")


def with_lang(url: str, lang: str) -> str:
    """`url` in `lang`: its own `lang` replaced (the first one is the one read)."""
    path, _, query = url.partition("?")
    if not path.startswith("/") or path[1:2] in ("/", "\\"):  # browsers read `/\x` as `//x`
        path = "/"
    kept = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True)
            if name != "lang"]
    return f"{path}?{urlencode([*kept, ('lang', lang)])}"


def page_link(param: str, number: int) -> str:
    """This page with its query kept but `param` set to `number` (a pager's link). Built
    from the path, not `url_for(request.endpoint, **request.args)`: a query argument
    there would be read as one of url_for's own (`endpoint`, `_anchor`, `_external`)."""
    args = request.args.copy()
    args[param] = str(number)
    return f"{request.script_root}{request.path}?{urlencode(list(args.items(multi=True)))}"


def _layout_context():
    ctx = g.get("ctx")
    if ctx is None or ctx.actor.id is None:
        return {"csrf_token": generate_csrf, "user": None}
    unread = notifications.list_notifications(ctx, page=1, per_page=1, unread=True)["total"]
    return {"csrf_token": generate_csrf, "user": ctx.actor, "unread": unread,
            "units": directory.unit_names(ctx.session, ctx.actor.unit_codes),
            "landing": landing(ctx.actor.roles)}


def _is_page() -> bool:
    return (request.blueprint or "").split(".")[0] == "web"


def _is_html_error() -> bool:
    return request.url_rule is None and not request.path.startswith("/api/")


def _page_policy(response):
    if (_is_page() or _is_html_error()) and response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response


def _error_page(error: DomainError):
    """The error page, its texts in the page's language (`api.problem_texts`)."""
    status = status_of(error)
    detail = translate(error.detail, translations(page_language()))
    return render_template("error.html", status=status, title=_(error.title),
                           detail=detail), status


def _not_found(error):
    """An unknown path: the error page for a browser, problem+json for the API."""
    if request.path.startswith("/api/") or not request.accept_mimetypes.accept_html:
        return http_problem(error)
    return render_template("error.html", status=404, title=_("Not found"),
                           detail=_("There is no page at this address.")), 404


def register(app):
    app.register_error_handler(404, _not_found)
    app.context_processor(lambda: _layout_context() if _is_page() or _is_html_error() else {})
    app.jinja_env.globals["with_lang"] = with_lang
    app.jinja_env.globals["page_link"] = page_link
    app.after_request(_page_policy)


def blueprint(name, import_name, **options) -> Blueprint:
    """A page family's blueprint (nested in `pages()`)."""
    return Blueprint(name, import_name, **options)


def pages() -> Blueprint:
    """The blueprint of every page: domain errors there render the error page,
    not problem+json."""
    bp = Blueprint("web", __name__)
    bp.register_error_handler(DomainError, _error_page)
    return bp
