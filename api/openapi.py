"""The flask-smorest `Api` object: HTTP errors answered as problem+json, and
documented as such (RFC 9457) in the served OpenAPI document."""
import http

from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

PROBLEM = "application/problem+json"


class ProblemItem(Schema):
    field = fields.String()
    element_id = fields.String(allow_none=True)
    line = fields.Integer()
    message = fields.String()


class Problem(Schema):
    """What every error answers (API.md, "Conventions")."""
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.List(fields.Nested(ProblemItem))


class ProblemApi(Api):
    ERROR_SCHEMA = Problem

    def handle_http_exception(self, error):
        from .errors import http_problem
        return http_problem(error)

    def _register_responses(self):
        """flask-smorest's error responses, as problem+json."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = ProblemApi(spec_kwargs={"components": {"securitySchemes": {
    "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}]})
