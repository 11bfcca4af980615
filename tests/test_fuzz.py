"""Fuzzing the served OpenAPI document with schemathesis, in process (WSGI):
each operation gets generated requests, valid and invalid by the document, once
with an administrator's bearer token and once with none. No answer may be a
server error, and every answer must be what the document says (a documented
status code, its content type, its schema).

Bounded for the suite: a few derandomized examples per operation, no
shrinking. MOTCUA_FUZZ_EXAMPLES sets how many (e.g. 1000 for a long run)."""
import os
from collections import defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from .conftest import PASSWORDS

EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
SESSION_ENDING = {"POST /api/v1/auth/logout", "POST /api/v1/me/password"}

pytestmark = pytest.mark.timeout(600)


class Findings:
    """Failed checks by check and operation: how many, and the first request that
    failed it (method, path, query, body), to reproduce."""

    def __init__(self):
        self.by_kind, self.requests, self.unsatisfiable = defaultdict(list), 0, 0

    def add(self, case, response, group):
        request = (f"{case.method} {case.formatted_path} query={case.query} "
                   f"body={str(case.body)[:200]!r} -> {response.status_code}")
        for failure in group.exceptions:
            key = (failure.__class__.__name__ != "ServerError", failure.__class__.__name__,
                   case.operation.label)
            self.by_kind[key].append(f"{request}: {failure.title}: "
                                     f"{' '.join(failure.message.split())}"[:400])

    def report(self):
        return "\n".join(f"{kind} {label}: {len(found)}x, first {found[0]}"
                         for (_, kind, label), found in sorted(self.by_kind.items()))


def _token(client):
    response = client.post("/api/v1/auth/token", json={
        "username": "admin", "password": PASSWORDS["admin"]})
    return response.get_json()["access_token"]


def _fuzz(app, authenticated):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    client, findings = app.test_client(), Findings()
    # tokens first: fuzzing the login throttles this address; a logout or a password
    # change ends a token, so each of those calls takes a spare one
    tokens = [_token(client) for _ in range(4 * EXAMPLES + 9)] if authenticated else []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, tokens, findings)
    return findings


def _run(operation, mode, tokens, findings):
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy(generation_mode=mode))
    def run(case):
        headers = {}
        if tokens:
            spare = operation.label in SESSION_ENDING and len(tokens) > 1
            headers["Authorization"] = f"Bearer {tokens.pop() if spare else tokens[0]}"
        response = case.call(headers=headers)
        findings.requests += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            findings.add(case, response, group)
    try:
        run()
    except Unsatisfiable:  # nothing invalid to send (an operation without input)
        findings.unsatisfiable += 1


@pytest.mark.parametrize("authenticated", [True, False], ids=["admin", "anonymous"])
def test_served_api_answers_as_documented(app, household, authenticated):
    findings = _fuzz(app, authenticated)
    print(f"{findings.requests} requests, {len(findings.by_kind)} kinds of failure "
          f"({findings.unsatisfiable} operations had no invalid input to send)")
    # server errors first, then answers that differ from the document
    assert not findings.by_kind, f"{findings.requests} requests:\n{findings.report()}"
