"""The flask-smorest `Api` object, answering HTTP errors as problem+json."""
from flask_smorest import Api


class ProblemApi(Api):
    def handle_http_exception(self, error):
        from .errors import http_problem
        return http_problem(error)


api = ProblemApi(spec_kwargs={"components": {"securitySchemes": {
    "bearer": {"type": "http", "scheme": "bearer"}}}, "security": [{"bearer": []}]})
