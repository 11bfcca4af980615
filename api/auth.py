"""Bearer tokens and the request's service context.

Tokens are signed with the secret key (itsdangerous) and expire by the wall
clock, as API.md says; workflow time is the platform clock. `context()` gives
the `Ctx` of the authenticated caller; `public_context()` one for anonymous
tracking.
"""
from flask import current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from engine.context import SYSTEM, Ctx
from engine.errors import Unauthorized
from engine.people import actor_for

SALT = "motcua.token"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue_token(user) -> dict:
    ttl = current_app.config["TOKEN_TTL_SECONDS"]
    return {"access_token": _serializer().dumps({"uid": user.id}), "token_type": "Bearer",
            "expires_in": ttl}


def _user_id_from_header() -> int:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Send 'Authorization: Bearer <token>' from POST /api/v1/auth/token.")
    try:
        payload = _serializer().loads(token.strip(),
                                      max_age=current_app.config["TOKEN_TTL_SECONDS"])
    except SignatureExpired:
        raise Unauthorized("The token has expired; request a new one.") from None
    except BadSignature:
        raise Unauthorized("The token is not valid.") from None
    return payload["uid"]


def _base_ctx(actor) -> Ctx:
    return Ctx(session=current_app.extensions["motcua.db"].session(),
               clock=current_app.extensions["motcua.clock"], actor=actor,
               settings=current_app.config["SETTINGS"])


def context() -> Ctx:
    if "motcua_ctx" not in g:
        session = current_app.extensions["motcua.db"].session()
        g.motcua_ctx = _base_ctx(actor_for(session, _user_id_from_header()))
    return g.motcua_ctx


def public_context() -> Ctx:
    return _base_ctx(SYSTEM)
