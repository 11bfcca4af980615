"""Texts named by a code: the labels of codes the engine returns, and the keys of
stored messages (notifications). Source strings are English, marked with `N_`
for `pybabel extract`; `api.presentation` translates them when they are shown.
"""


def N_(text: str) -> str:
    """Mark `text` for the catalogue; it is translated when shown (gettext's name)."""
    return text


LABELS = {
    "channel": {"direct": N_("In person"), "online": N_("Online"), "post": N_("By post")},
    "national_status": {  # UI.md: the national portal's labels
        1: N_("New"), 2: N_("Received"), 3: N_("Not received"), 4: N_("Being processed"),
        5: N_("Supplement requested"), 6: N_("Waiting for fees"), 7: N_("Withdrawn"),
        8: N_("Stopped"), 9: N_("Resolved"), 10: N_("Result delivered")},
    "step_outcome": {  # engine.dossier.slips.STEP_OUTCOMES
        "open": N_("Being processed"), "on_time": N_("On time"), "late": N_("Overdue"),
        "cancelled": N_("Cancelled")},
    "calendar": {"day_off": N_("Day off"), "make_up": N_("Make-up working day")},
}

# Notification messages by key; parameters named `*_at` are instants (ISO text).
MESSAGES = {
    "task.due_soon": N_("'%(task)s' of %(dossier)s is due at %(due_at)s."),
    "task.overdue": N_("'%(task)s' of %(dossier)s is overdue (due %(due_at)s)."),
    "task.escalated": N_("'%(task)s' of %(dossier)s is still open, due %(due_at)s."),
    "dossier.overdue": N_("Dossier %(dossier)s passed its due time %(due_at)s."),
}
