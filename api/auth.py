"""Bearer tokens, the request's service context, throttles and read logging.

Tokens are signed with the secret key (itsdangerous) and name their user, the
user's token generation and their own id (`jti`); they expire, and throttle
windows run, by the wall clock, as API.md says (a test may give `AUTH_CLOCK`);
workflow time is the platform clock. `context()` gives the `Ctx` of the
authenticated caller; `public_context()` one for anonymous tracking.

A signed-in browser holds such a token in its session cookie (`web.session`
puts it there): a request without an Authorization header is authenticated by
it, and one that changes state must then carry the page's CSRF token (Flask-WTF)
in the `X-CSRFToken` header or a page form's `csrf_token` field, so that another
site cannot act for it.
"""
import secrets
from datetime import timedelta

from flask import after_this_request, current_app, g, request, session
from flask_wtf.csrf import ValidationError, validate_csrf
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from engine.kernel import events
from engine.people import throttle
from engine.kernel.clock import SystemClock
from engine.kernel.context import SYSTEM, Ctx
from engine.kernel.errors import Forbidden, Unauthorized
from engine.people.directory import actor_for

from .errors import domain_problem

SALT = "motcua.token"
SESSION_TOKEN = "token"  # the session cookie's key holding a signed-in browser's token
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
WALL = SystemClock()


def wall_now():
    return (current_app.config.get("AUTH_CLOCK") or WALL).now()


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(wall_now().timestamp())


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT, signer=_Signer)


def issue_token(user) -> dict:
    ttl = current_app.config["TOKEN_TTL_SECONDS"]
    claims = {"uid": user.id, "gen": user.token_generation, "jti": secrets.token_hex(16)}
    return {"access_token": _serializer().dumps(claims), "token_type": "Bearer",
            "expires_in": ttl}


def _claims_from_request() -> dict:
    if "Authorization" not in request.headers and session.get(SESSION_TOKEN):
        if request.method not in SAFE_METHODS:
            check_csrf(request.headers.get("X-CSRFToken") or request.form.get("csrf_token"))
        return _claims_of(session[SESSION_TOKEN])
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Send 'Authorization: Bearer <token>' from POST /api/v1/auth/token.")
    return _claims_of(token)


def check_csrf(value):
    """Refuse (403) a state change from a signed-in browser without its page's token."""
    try:
        validate_csrf(value)
    except ValidationError:
        raise Forbidden("The page's security token is missing or stale; reload the page.") \
            from None


def _claims_of(token: str) -> dict:
    ttl = current_app.config["TOKEN_TTL_SECONDS"]
    try:
        claims, issued = _serializer().loads(str(token).strip(), max_age=ttl, return_timestamp=True)
    except SignatureExpired:
        raise Unauthorized("The token has expired; request a new one.") from None
    except BadSignature:
        raise Unauthorized("The token is not valid.") from None
    if not isinstance(claims, dict) or not {"uid", "gen", "jti"} <= set(claims):
        raise Unauthorized("The token is not valid; request a new one.")
    return {**claims, "expires_at": issued + timedelta(seconds=ttl)}


def _base_ctx(actor) -> Ctx:
    return Ctx(session=current_app.extensions["motcua.db"].session(),
               clock=current_app.extensions["motcua.clock"], actor=actor,
               settings=current_app.config["SETTINGS"])


def context() -> Ctx:
    if "motcua_ctx" not in g:
        session = current_app.extensions["motcua.db"].session()
        g.motcua_token = claims = _claims_from_request()
        g.motcua_ctx = _base_ctx(actor_for(session, claims["uid"], claims["gen"],
                                           claims["jti"]))
    return g.motcua_ctx


def current_token() -> dict:
    """The caller's token claims (`jti`, `expires_at`), after `context()`."""
    context()
    return g.motcua_token


def public_context() -> Ctx:
    return _base_ctx(SYSTEM)


def client_address() -> str:
    """The caller's address; behind `TRUSTED_PROXIES` proxies, the one the
    outermost of them saw (X-Forwarded-For)."""
    hops = current_app.config.get("TRUSTED_PROXIES") or 0
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")
                 if part.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote_addr or "unknown"


def throttle_public(ctx):
    """Count a public request against the caller's address (429 past the limit)."""
    settings = ctx.settings
    throttle.take(ctx, {("public", client_address()): settings.public_lookups_per_address},
                  timedelta(seconds=settings.public_window_seconds), wall_now(),
                  "Too many requests from this address; retry later.")


def log_read(ctx, code: str, type_: str, dossier_id: int | None = None, **detail):
    """Log that the caller read dossier `code`'s personal data (`dossier.viewed`,
    `document.downloaded`) once the response is made, in a transaction of its own.
    Failing to log it is logged; it never fails the read."""

    @after_this_request
    def record(response):
        if response.status_code < 400:
            try:
                events.record_read(ctx, type_, stream=code, dossier_id=dossier_id,
                                   detail=detail)
            except Exception:  # noqa: BLE001 - the reader already has the answer
                current_app.logger.exception("could not log %s of dossier %s", type_, code)
        return response


def throttled_problem(error: throttle.Throttled):
    response = domain_problem(error)
    response.headers["Retry-After"] = str(error.retry_after)
    return response
