"""Form definitions (bpmn.io form-js JSON documents) and checks on them.

A form's key is its document `id`; user tasks name it in `camunda:formKey`.
Submitted data is checked against the same definition by `validate_data`; a
step without a form takes Camunda's generic form (`validate_generic`).
"""
from .definitions import (  # noqa: F401
    RESERVED_KEYS, FormDefinitionError, field_keys, parse_definition)
from .validate import FormDataInvalid, validate_data  # noqa: F401
from .generic import validate_generic  # noqa: F401
