"""The words the dashboard's script writes (table cells, chart legends, overlays,
working-time figures), translated on the server and handed to the script through
the page data: the script itself holds no text of its own.

Every message of the dashboard carries the context "monitor", so a short word
("Total", "Late") never has to read like the same word on another page.
"""
from flask_babel import pgettext


def texts() -> dict:
    """Texts by the name the script looks them up with; the script fills in
    their `%(name)s` placeholders."""
    return {
        "overdue": pgettext("monitor", "Overdue"),
        "near": pgettext("monitor", "Near due"),
        "late": pgettext("monitor", "%(time)s late"),
        "left": pgettext("monitor", "%(time)s left"),
        "hours": pgettext("monitor", "%(hours)s h"),
        "days": pgettext("monitor", "%(days)s d"),
        "days_hours": pgettext("monitor", "%(days)s d %(hours)s h"),
        "period": pgettext("monitor", "Period: %(from)s – %(to)s"),
        "unclaimed": pgettext("monitor", "Not claimed"),
        "none": pgettext("monitor", "Nothing is overdue or near due."),
        "page": pgettext("monitor", "Page %(page)s of %(pages)s (%(total)s in all)"),
        "loading": pgettext("monitor", "Loading…"),
        "early": pgettext("monitor", "Early"),
        "on_time": pgettext("monitor", "On time"),
        "late_resolved": pgettext("monitor", "Late"),
        "rate": pgettext("monitor", "On-time rate"),
        "resolved": pgettext("monitor", "Resolved"),
        "month_summary": pgettext("monitor", "Dossiers resolved from %(from)s to %(to)s: "
                                             "%(resolved)s, of which %(rate)s early or on time."),
        "unit_summary": pgettext("monitor", "Units that resolved dossiers: %(units)s; the best "
                                            "on-time rate %(best)s (%(best_unit)s), the lowest "
                                            "%(worst)s (%(worst_unit)s)."),
        "no_resolved": pgettext("monitor", "No dossier was resolved in this period."),
        "open_count": pgettext("monitor", "%(count)s open"),
        "overdue_count": pgettext("monitor", "%(count)s overdue"),
        "waits": pgettext("monitor", "mean %(mean)s · p90 %(p90)s"),
        "no_heat": pgettext("monitor", "No open or completed steps of this version in the period."),
        "heat_summary": pgettext("monitor", "Open steps: %(open)s, of which overdue: %(overdue)s; "
                                            "completed in the period: %(completed)s."),
        "total": pgettext("monitor", "Total"),
        "not_set": pgettext("monitor", "(not set)"),
        "channel_online": pgettext("monitor", "Online"),
        "channel_direct": pgettext("monitor", "In person"),
        "channel_post": pgettext("monitor", "By post"),
        "level_province": pgettext("monitor", "Province level"),
        "level_commune": pgettext("monitor", "Commune level"),
        "no_rows": pgettext("monitor", "No dossiers in this period."),
    }
