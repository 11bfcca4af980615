"""Form definitions (bpmn.io form-js JSON documents) and checks on them.

A form's key is its document `id`; user tasks name it in `camunda:formKey`.
Validation of submitted data against a definition lives in `forms.validate`.
"""
from .definitions import FormDefinitionError, parse_definition  # noqa: F401
