"""When a due time counts as near on every page: within the platform's near-due
setting (`MOTCUA_NEAR_DUE`, working time on the working calendar), the threshold
the supervisors' overdue list uses, so a step or dossier reads the same on the
inbox, the dossier pages and the dashboard."""
from engine.deadlines.calendar import calendar_for
from engine.deadlines.worktime import add_working_time, parse_amount


def near_horizon(ctx):
    """The instant up to which a due time is near (from the platform's now)."""
    cal = calendar_for(ctx.session, ctx.settings.office_hours)
    return add_working_time(ctx.now(), parse_amount(ctx.settings.near_due, cal), cal)
