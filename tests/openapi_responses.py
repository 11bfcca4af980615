"""Every answer the suite receives, checked against the served OpenAPI document.

`Recorder(app)` notes each answer of an operation (its URL rule, method, status,
media type and JSON body) as the app sends it; `mismatches()` then says which
contradict the document: an operation or status it does not list, a media type
it does not give for that status, a JSON body its schema refuses. The `app`
fixture reports them when the test that received them ends, so a mismatch fails
that test. The document is fetched once per set of blueprints and its schemas
compiled once per response (OpenAPI 3.0 schemas turned into JSON Schema: a
`nullable` becomes a null alternative).
"""
import json
import re
from typing import NamedTuple

import jsonschema_rs
from flask import request, request_finished

DOCUMENT = "/api/v1/openapi.json"
JSON_TYPES = ("application/json", "application/problem+json")
UNDOCUMENTED_METHODS = ("HEAD", "OPTIONS")  # answered by Flask itself
ANNOTATIONS = ("example", "examples", "xml", "externalDocs", "deprecated", "discriminator")
_contracts = {}  # by the app's blueprints


class Answer(NamedTuple):
    path: str  # the matched rule, as the document writes it: /api/v1/tasks/{task_id}
    method: str
    status: int
    mimetype: str
    has_body: bool
    body: bytes | None  # JSON ones only
    blueprint: bool  # a blueprint's route (not one an app or a test adds by itself)

    def __str__(self):
        return f"{self.method} {self.path} -> {self.status}"


def document_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


class Recorder:
    """The answers `app` sends while it records (from `request_finished`: after
    every after-request function, errors included)."""

    def __init__(self, app):
        self.app, self.answers = app, []
        request_finished.connect(self._record, app, weak=False)

    def _record(self, sender, response, **_extra):
        rule = request.url_rule
        if rule is None or rule.endpoint.startswith(("api-docs.", "web.")) \
                or request.method in UNDOCUMENTED_METHODS:
            return  # no operation: an unknown path or method, the document itself, a page
        is_json = response.mimetype in JSON_TYPES
        length = None if response.is_streamed else response.calculate_content_length()
        has_body = length != 0 and response.status_code not in (204, 304)  # sent empty
        self.answers.append(Answer(document_path(rule.rule), request.method,
                                   response.status_code, response.mimetype, has_body,
                                   response.get_data() if is_json and has_body else None,
                                   "." in rule.endpoint))

    def stop(self):
        request_finished.disconnect(self._record, self.app)

    def mismatches(self) -> list[str]:
        if not self.answers:
            return []
        contract = Contract.of(self.app)
        return [problem for answer in self.answers for problem in contract.check(answer)]


class Contract:
    """The served document, and a validator per operation, status and media type."""

    def __init__(self, document: dict):
        self.paths = document["paths"]
        self.responses = document["components"].get("responses", {})
        self.root = {"components": {"schemas": {
            name: json_schema(schema)
            for name, schema in document["components"].get("schemas", {}).items()}}}
        self.validators = {}

    @classmethod
    def of(cls, app) -> "Contract":
        key = tuple(sorted(app.blueprints))
        if key not in _contracts:
            _contracts[key] = cls(app.test_client().get(DOCUMENT).get_json())
        return _contracts[key]

    def check(self, answer: Answer) -> list[str]:
        if answer.path not in self.paths:
            return [f"{answer}: no such operation in the document"] \
                if answer.path.startswith("/api/") and answer.blueprint else []
        operation = self.paths[answer.path].get(answer.method.lower())
        if operation is None:
            return [f"{answer}: no such operation in the document"]
        response = operation["responses"].get(str(answer.status))
        if response is None:
            return [f"{answer}: status not documented (the document lists "
                    f"{', '.join(operation['responses'])})"]
        content = self.resolve(response).get("content", {})
        if not answer.has_body:
            return []
        if answer.mimetype not in content:
            return [f"{answer}: {answer.mimetype} not documented (the document lists "
                    f"{', '.join(content) or 'no content'})"]
        if answer.body is None:
            return []
        return self.validate(answer, content[answer.mimetype].get("schema", {}))

    def resolve(self, response: dict) -> dict:
        ref = response.get("$ref", "")
        return self.responses[ref.rsplit("/", 1)[-1]] if ref else response

    def validate(self, answer: Answer, schema: dict) -> list[str]:
        key = (answer.path, answer.method, answer.status, answer.mimetype)
        if key not in self.validators:
            self.validators[key] = jsonschema_rs.validator_for(
                {**self.root, "allOf": [json_schema(schema)]}, validate_formats=True)
        try:
            body = json.loads(answer.body)
        except ValueError:
            return [f"{answer}: the body is not JSON: {answer.body[:200]!r}"]
        errors = [f"at /{'/'.join(map(str, error.instance_path))}: {error.message[:300]}"
                  for error in self.validators[key].iter_errors(body)]
        if not errors:
            return []
        more = f"; and {len(errors) - 3} more" if len(errors) > 3 else ""
        return [f"{answer}: the body contradicts the document's schema: "
                f"{'; '.join(errors[:3])}{more}"]


SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def json_schema(schema):
    """An OpenAPI 3.0 schema object as JSON Schema (2020-12)."""
    if not isinstance(schema, dict):
        return schema  # a boolean (additionalProperties: false)
    out = {}
    for key, value in schema.items():
        if key in ANNOTATIONS or key == "nullable":
            continue
        if key == "properties":
            value = {name: json_schema(sub) for name, sub in value.items()}
        elif key in SUBSCHEMA_LISTS:
            value = [json_schema(sub) for sub in value]
        elif key in ("items", "additionalProperties", "not"):
            value = json_schema(value)
        out[key] = value
    return _nullable(out) if schema.get("nullable") else out


def _nullable(schema: dict) -> dict:
    if schema == {"type": "object"}:
        return {"type": "null"}  # apispec's null alternative in an anyOf beside a $ref
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}
