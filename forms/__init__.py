"""Form definitions (bpmn.io form-js JSON documents) and checks on them.

A form's key is its document `id`; user tasks name it in `camunda:formKey`.
Submitted data is checked against the same definition by `validate_data`.
"""
from .definitions import RESERVED_KEYS, FormDefinitionError, parse_definition  # noqa: F401
from .validate import FormDataInvalid, validate_data  # noqa: F401
