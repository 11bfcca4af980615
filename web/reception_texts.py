"""The reception desk's sentences that are not in its templates: what its script
shows (passed through the page's data, already in the page's language) and the
confirmation of an outcome, naming the dossier's code and its appointment."""
from flask_babel import gettext as _

from api.presentation import instant


def script_texts() -> dict:
    return {
        "supplement": _("Request supplement"),
        "refuse": _("Refuse"),
        "return": _("Return result"),
        "working": _("Working…"),
        "too_large": _("%(name)s is larger than the limit of %(size)s MB."),
        "wrong_type": _("%(name)s is not a PDF, JPEG or PNG file."),
        "choose_file": _("Choose a file and its document type first."),
        "remove": _("Remove"),
        "choose_commune": _("Choose the commune"),
        "no_missing": _("Tick or type at least one missing paper."),
        "unsent": _("The dossier was opened, but some files could not be attached."),
    }


def outcome_notice(done: str, dossier: dict) -> str | None:
    """The confirmation shown once the desk's action on `dossier` went through."""
    code, due = dossier["code"], instant(dossier["due_at"])
    if done == "received":
        return _("Dossier %(code)s has been received. The result is due at %(due)s.",
                 code=code, due=due)
    texts = {
        "supplement": _("Dossier %(code)s has been sent back for the missing papers; it is "
                        "not received, and its clock has not started.", code=code),
        "refused": _("Dossier %(code)s has been refused.", code=code),
        "returned": _("The result of dossier %(code)s has been handed back.", code=code),
        "attached": _("The document has been attached to dossier %(code)s.", code=code),
    }
    return texts.get(done)
