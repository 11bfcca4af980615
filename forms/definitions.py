"""Reading an uploaded form-js document and checking its shape."""
import json
import re

FIELD_KEY_TYPES = {"textfield", "textarea", "number", "checkbox", "checklist", "radio",
                   "select", "taglist", "datetime", "expression", "filepicker"}


SUBTYPES = ("date", "time", "datetime")
# Variables the platform sets on every dossier: no form may overwrite them.
RESERVED_KEYS = frozenset({"applicant", "channel", "dossier_code"})


class FormDefinitionError(ValueError):
    pass


def parse_definition(raw: bytes | str | dict) -> dict:
    """Return the form document, or raise FormDefinitionError saying what is wrong."""
    doc = raw
    if not isinstance(raw, dict):
        try:
            doc = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FormDefinitionError(f"not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise FormDefinitionError("a form must be a JSON object")
    if not isinstance(doc.get("id"), str) or not doc["id"].strip():
        raise FormDefinitionError("a form needs a non-empty string 'id' (its key)")
    components = doc.get("components")
    if not isinstance(components, list):
        raise FormDefinitionError(f"form {doc['id']}: 'components' must be a list")
    for index, component in enumerate(components):
        _check_component(doc["id"], index, component)
    return doc


def _check_component(form_id, index, component):
    where = f"form {form_id}, component {index}"
    if not isinstance(component, dict) or not isinstance(component.get("type"), str):
        raise FormDefinitionError(f"{where}: each component needs a 'type'")
    if component["type"] in FIELD_KEY_TYPES and not isinstance(component.get("key"), str):
        raise FormDefinitionError(f"{where}: a {component['type']} field needs a 'key'")
    pattern = (component.get("validate") or {}).get("pattern")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise FormDefinitionError(f"{where}: pattern {pattern!r} is not valid: {exc}") \
                from None
    if component["type"] == "datetime" and component.get("subtype", "date") not in SUBTYPES:
        raise FormDefinitionError(f"{where}: subtype must be one of {', '.join(SUBTYPES)}")
    if component.get("key") in RESERVED_KEYS:
        raise FormDefinitionError(f"{where}: the key '{component['key']}' is reserved")
    for child_index, child in enumerate(component.get("components") or []):
        _check_component(form_id, f"{index}.{child_index}", child)


def field_keys(definition: dict) -> set[str]:
    """Every key the form's components name, inside groups and dynamic lists too:
    the variables a step with this form may set (a list's inner keys count, so
    a deploy check errs towards silence)."""
    keys, pending = set(), list(definition.get("components") or [])
    while pending:
        component = pending.pop()
        if isinstance(component, dict):
            if isinstance(component.get("key"), str):
                keys.add(component["key"])
            pending += component.get("components") or []
    return keys
