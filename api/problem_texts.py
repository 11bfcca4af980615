"""Problems in the reader's language: the title, detail and field messages of a
problem+json answer, translated by the catalogue when the request asks for a
language other than English (`presentation.answer_language`: `?lang`, the
language cookie, `Accept-Language`; English by default, UI.md).

The engine, the form checks (`forms/`) and marshmallow write English; those
sentences are catalogue source strings. A message that carries values
(marshmallow's "Longer than maximum length 200.") is matched against the
templates below, whose `%(name)s` parts stand for the values; a message no entry
knows stays as it is. A field's several messages, joined with "; " by
`field_errors`, are translated one by one. Only the texts change: `type`,
`status` and each error's `field` or `element_id` stay what clients match on.
"""
import re

from flask import has_request_context

from .labels import N_
from .presentation import answer_language, translations

# Whole sentences: marshmallow's, the form checks' (forms/validate.py, generic.py)
# and the task commands' (engine/dossier/tasks.py).
SENTENCES = (
    N_("Missing data for required field."), N_("Field may not be null."),
    N_("Unknown field."), N_("Invalid value."), N_("Invalid input type."), N_("Invalid type."),
    N_("Not a valid string."), N_("Not a valid utf-8 string."), N_("Not a valid boolean."),
    N_("Not a valid list."), N_("Not a valid integer."), N_("Not a valid number."),
    N_("Number too large."), N_("Not a valid mapping type."), N_("Not a valid email address."),
    N_("Not a valid datetime."), N_("Not a valid date."), N_("Not a valid time."),
    N_("String does not match expected pattern."),
    N_("Not a valid date or time."), N_("Not a valid phone number."),
    N_("Not a 12-digit citizen identity number."), N_("Not a Vietnamese mobile number."),
    N_("Not an agency identifier code such as 000.00.01.H22."),
    N_("Not an object."),
    N_("Not a variable name (letters, digits and _, not starting with a digit)."),
    N_("A name may not start with _."), N_("Reserved: the platform sets this variable."),
    N_("Reserved: the name of a function scripts use."),
    N_("Only a string, number, boolean or null (no lists or objects)."),
    N_("Not a finite number."),
    N_("The form data is invalid."), N_("The request is invalid."),
    N_("Claim the task before completing it."), N_("The diagram cannot be deployed."),
    # titles: the engine's errors' and the HTTP reasons `errors.http_problem` gives
    N_("Error"), N_("Bad request"), N_("Conflict"), N_("Invalid input"), N_("Not allowed"),
    N_("Not authenticated"), N_("Not found"), N_("Too large"), N_("Too many requests"),
    N_("Unsupported media type"), N_("Unprocessable Entity"), N_("Bad Request"),
    N_("Not Found"), N_("Method Not Allowed"), N_("Forbidden"),
    N_("Request Entity Too Large"), N_("Unsupported Media Type"), N_("Too Many Requests"),
    N_("Only a member of the task's units or roles may claim it."),
    # the pages' own (web.shell, api.auth.check_csrf)
    N_("No such page."), N_("The page's security token is missing or stale; reload the page."),
)

# Sentences with values. Where one template's text begins another's, the longer
# comes first: "Must be greater than %(min)s." would also read the start of
# "Must be greater than or equal to 1.".
TEMPLATES = (
    N_("Length must be between %(min)s and %(max)s."), N_("Length must be %(equal)s."),
    N_("Shorter than minimum length %(min)s."), N_("Longer than maximum length %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than %(max)s."),
    N_("Must be greater than %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than %(min)s and less than %(max)s."),
    N_("Must be greater than or equal to %(min)s."), N_("Must be greater than %(min)s."),
    N_("Must be less than or equal to %(max)s."), N_("Must be less than %(max)s."),
    N_("Must be one of: %(choices)s."), N_("Must be equal to %(other)s."),
    N_("At most %(max)s fields; %(count)s were sent."),
    N_("A name may have at most %(max)s characters."), N_("At most %(max)s characters."),
    N_("Task %(task)s is already claimed by %(user)s."),
    N_("allotment '%(value)s' is not like 2d or 4h"),
    N_("No dossier %(code)s."), N_("No task %(task)s."),
)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(template: str):
    parts = PLACEHOLDER.split(template)
    return re.compile("".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
                              for index, part in enumerate(parts)) + r"\Z", re.S)


PATTERNS = [(_pattern(template), template) for template in TEMPLATES]


def translate(text, catalogue):
    """`text` (one message, or several joined with "; ") in `catalogue`'s language."""
    if not isinstance(text, str) or not text:
        return text
    whole = catalogue.gettext(text)  # a sentence of its own may hold "; " too
    if whole != text:
        return whole
    return "; ".join(_one(part, catalogue) for part in text.split("; "))


def _one(text: str, catalogue) -> str:
    found = catalogue.gettext(text)
    if found != text:
        return found
    for pattern, template in PATTERNS:
        match = pattern.match(text)
        if match:
            return catalogue.gettext(template) % match.groupdict()
    return text


def localized(title: str, detail: str, errors):
    """The problem's texts in the request's answer language."""
    if not has_request_context():
        return title, detail, errors
    lang = answer_language()
    if lang == "en":
        return title, detail, errors
    catalogue = translations(lang)
    errors = [{**item, "message": translate(item["message"], catalogue)}
              if isinstance(item, dict) and "message" in item else item
              for item in errors] if errors else errors
    return translate(title, catalogue), translate(detail, catalogue), errors
