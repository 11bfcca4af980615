"""Signing in and out of the pages (`/login`, `/logout`).

Signing in checks the password as `POST /api/v1/auth/token` does (same
throttles) and keeps the token it issues in the session cookie (HttpOnly,
SameSite=Lax, Secure in production); `api.auth` reads it from there. Signing out
revokes that token. Both forms carry the page's CSRF token.
"""
import re

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from api.auth import (SESSION_TOKEN, check_csrf, client_address, context, current_token,
                      issue_token, public_context, wall_now)
from engine.kernel.errors import DomainError, Unauthorized
from engine.people import directory
from engine.people.throttle import Throttled

from .shell import blueprint, landing

bp = blueprint("session", __name__)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site: never another origin (`//host`, `/\\host`, nor
    `/<tab>/host`, which browsers read as `//host` once they drop the tab)."""
    if not target or CONTROL.search(target) or "\\" in target:
        return None
    if target.startswith("/") and not target.startswith("//"):
        return target
    return None


@bp.get("/login")
def login():
    return render_template("login.html", next=_safe_next(request.args.get("next")))


@bp.post("/login")
def sign_in():
    check_csrf(request.form.get("csrf_token"))
    target = _safe_next(request.form.get("next"))
    try:
        user = directory.log_in(public_context(), request.form.get("username", ""),
                                request.form.get("password", ""), client_address(), wall_now())
    except Throttled:
        return _refused(_("Too many failed sign-ins; wait a few minutes and try again."), 429,
                        target)
    except Unauthorized:
        return _refused(_("Wrong username or password."), 401, target)
    session.clear()
    session[SESSION_TOKEN] = issue_token(user)["access_token"]
    return redirect(target or landing(user.roles))


def _refused(message, status, target):
    return render_template("login.html", error=message, next=target,
                           username=request.form.get("username", "")), status


@bp.post("/logout")
def sign_out():
    check_csrf(request.form.get("csrf_token"))
    try:
        claims, ctx = current_token(), context()
        directory.log_out(ctx, claims["jti"], claims["expires_at"], wall_now())
    except DomainError:
        pass  # already expired or revoked: signing out still clears the cookie
    session.clear()
    return redirect(url_for("web.public.home"))
