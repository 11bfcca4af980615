"""Security headers on every response, with the policy each kind of response needs.

JSON, problems and everything else get the strictest Content-Security-Policy
(`default-src 'none'`): they are data, never pages. Two kinds of HTML are
served: the printable slips (their inline style sheet, nothing else) and
Swagger UI at /api/v1/docs (its scripts and styles from this origin, the
inline script that starts it allowed by its hash, calls to this origin). A
download (`Content-Disposition: attachment`: stored diagrams, uploaded
documents) is sandboxed, so that opened in place it still runs nothing. Every
response: no framing, no MIME sniffing, no referrer. (gunicorn's `Server`
header is set in gunicorn.conf.py: a WSGI application cannot replace it.)
"""
import base64
import hashlib
import re

from flask import request

NOT_A_PAGE = "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
STRICT = f"default-src 'none'; {NOT_A_PAGE}"
DOWNLOAD = f"sandbox; default-src 'none'; {NOT_A_PAGE}"
SLIP = f"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; {NOT_A_PAGE}"
DOCS = ("default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; {NOT_A_PAGE}")
PAGES = {"slips.get_slip": lambda response: SLIP,
         "api-docs.openapi_swagger_ui": lambda response: DOCS.format(
             hashes=" ".join(_inline_script_hashes(response)))}
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
ALWAYS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
          "Referrer-Policy": "no-referrer"}


def _inline_script_hashes(response) -> list[str]:
    """CSP source expressions for the page's inline scripts, as served."""
    found = INLINE_SCRIPT.findall(response.get_data(as_text=True))
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
            for s in found]


def _policy(response) -> str:
    if response.headers.get("Content-Disposition", "").lower().startswith("attachment"):
        return DOWNLOAD
    page = PAGES.get(request.endpoint)
    if page and response.status_code == 200 and response.mimetype == "text/html":
        return page(response)
    return STRICT


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", _policy(response))
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    return response


def register(app):
    app.after_request(add_security_headers)
