"""The words of the designer's pages that are not in their templates: labels of
catalogue codes, the texts `web/src/designer.js` shows (handed over as page data,
so they come from the catalogue like every other text), and the Vietnamese names
of the bpmn-js properties panel's fields that a designer of motcua uses.
"""
from flask_babel import gettext as _, pgettext


def levels() -> dict:
    return {"province": _("Province level"), "district": _("District level"),
            "commune": _("Commune level")}


def time_units() -> dict:
    return {"working_days": _("working days"), "days": _("calendar days"),
            "hours": _("hours")}


def page_texts() -> dict:
    """What the workshop's script writes, by name; `{n}`, `{code}`, ... are filled in there."""
    return {
        "validated": _("The diagram passes every check of a deployment. Nothing was deployed."),
        "deployed": _("Version {n} is deployed and is now the active version."),
        "warnings": _("Warnings (the diagram may still be deployed):"),
        "problems": _("The server found these problems; each is marked on its element:"),
        "line": _("line {line}"),
        "loaded": _("Version {n} is open in the modeler."),
        "active_version": _("active version {n}"),
        "blank": _("This procedure has no version yet: draw its first diagram."),
        "unreadable": _("The diagram could not be read:"),
        "open": _("Open"), "active": _("active"),
        "no_versions": _("No version has been deployed yet."),
        "form_pending": _("Forms sent with the next validation and deployment:"),
        "no_pending": _("No form edited: the version keeps the forms deployed before."),
        "remove": _("Do not send"),
        "form_key_needed": _("Give the new form a key (letters, digits, - and _)."),
        "form_exists": _("A form with this key is already in the list."),
        "no_forms": _("This version has no forms."),
        "added": _("Added"), "removed": _("Removed"), "changed": _("Changed"),
        "moved": _("Moved"),
        "no_changes": _("The two versions are the same."),
        "same_version": _("Choose two different versions."),
        "attributes": _("changed: {names}"),
        "left": _("Version {n} (before)"), "right": _("Version {n} (after)"),
        "file_loaded": _("The file {name} is open in the modeler; it is not deployed yet."),
    }


def panel_texts() -> dict:
    """The properties panel's labels, in the page's language (English is their source)."""
    return {
        "General": pgettext("properties panel", "General"),
        "Name": pgettext("properties panel", "Name"),
        "ID": pgettext("properties panel", "ID"),
        "Documentation": pgettext("properties panel", "Documentation"),
        "Element documentation": pgettext("properties panel", "Element documentation"),
        "User assignment": pgettext("properties panel", "User assignment"),
        "Assignee": pgettext("properties panel", "Assignee"),
        "Candidate groups": pgettext("properties panel", "Candidate groups"),
        "Candidate users": pgettext("properties panel", "Candidate users"),
        "Due date": pgettext("properties panel", "Due date"),
        "Follow up date": pgettext("properties panel", "Follow up date"),
        "Priority": pgettext("properties panel", "Priority"),
        "Forms": pgettext("properties panel", "Forms"),
        "Type": pgettext("properties panel", "Type"),
        "Form key": pgettext("properties panel", "Form key"),
        "Custom form key": pgettext("properties panel", "Custom form key"),
        "Embedded or External Task Forms": pgettext("properties panel",
                                                    "Embedded or External Task Forms"),
        "Extension properties": pgettext("properties panel", "Extension properties"),
        "Value": pgettext("properties panel", "Value"),
        "Timer": pgettext("properties panel", "Timer"),
        "Date": pgettext("properties panel", "Date"),
        "Duration": pgettext("properties panel", "Duration"),
        "Cycle": pgettext("properties panel", "Cycle"),
        "Condition": pgettext("properties panel", "Condition"),
        "Condition expression": pgettext("properties panel", "Condition expression"),
        "Script": pgettext("properties panel", "Script"),
        "Process ID": pgettext("properties panel", "Process ID"),
        "Process name": pgettext("properties panel", "Process name"),
        "Version tag": pgettext("properties panel", "Version tag"),
        "Executable": pgettext("properties panel", "Executable"),
        "Multi-instance": pgettext("properties panel", "Multi-instance"),
        "Create": pgettext("properties panel", "Create"),
    }
