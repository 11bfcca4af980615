"""What an officer submits for a task, checked against the task's form.

A step with a form accepts exactly that form's fields, validated; a step
without one accepts no data. Invalid data is an `Invalid` error naming each
field, raised before anything changes.
"""
from forms import FormDataInvalid, validate_data

from .errors import Invalid
from .procedures import version_forms


def validate_submission(session, task, data: dict) -> dict:
    if task.form_key is None:
        if data:
            raise Invalid("This step has no form: it takes no data.",
                          [{"field": key, "message": "Unknown field."} for key in sorted(data)])
        return {}
    definition = version_forms(session, task.dossier.version)[task.form_key]
    try:
        return validate_data(definition, data)
    except FormDataInvalid as exc:
        raise Invalid("The form data is invalid.", exc.errors) from None
