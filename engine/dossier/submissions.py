"""What an officer submits for a task, checked against the task's form.

A step with a form accepts exactly that form's fields, validated; a step
without one takes Camunda's generic form (`forms.validate_generic`), so a
diagram drawn in Camunda Modeler can decide on what its deciding step sends.
Invalid data is an `Invalid` error naming each field, raised before anything
changes.
"""
from forms import RESERVED_KEYS, FormDataInvalid, validate_data, validate_generic

from .. import bpmn
from ..catalogue.procedures import version_forms
from ..kernel.errors import Invalid

# the script helpers too: task data naming one makes every later script fail
GENERIC_RESERVED = RESERVED_KEYS | bpmn.SCRIPT_HELPERS


def validate_submission(session, task, data: dict) -> dict:
    try:
        if task.form_key is None:
            return validate_generic(data, GENERIC_RESERVED)
        definition = version_forms(session, task.dossier.version)[task.form_key]
        return validate_data(definition, data)
    except FormDataInvalid as exc:
        raise Invalid("The form data is invalid.", exc.errors) from None
