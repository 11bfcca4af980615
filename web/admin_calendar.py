"""The working-calendar tab of the administrator's page: a year's office hours and
working days, its days off and make-up working days (from the holidays data and
the overrides), and the overrides themselves, each list paginated. The year is
read as `GET /api/v1/calendar?year=` reads it (`engine.deadlines.calendar`).
"""
from flask import g, request
from flask_babel import get_locale
from flask_babel import gettext as _

from engine.deadlines import calendar

PER_PAGE = 10
YEARS = (2000, 2100)


def weekdays() -> list:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday")]


def kinds() -> dict:
    return {"day_off": _("Day off"), "working_day": _("Make-up working day")}


def _year():
    value = request.args.get("year", "")
    if value.isdecimal() and YEARS[0] <= int(value) <= YEARS[1]:
        return int(value)
    return None  # the current year


def _page(items: list, name: str) -> dict:
    """One page of a list held in memory, shaped as the API's pages are."""
    value = request.args.get(name, "1")
    last = max(1, -(-len(items) // PER_PAGE))
    number = min(max(1, int(value)), last) if value.isdecimal() else 1
    start = (number - 1) * PER_PAGE
    return {"items": items[start:start + PER_PAGE], "page": number, "per_page": PER_PAGE,
            "total": len(items)}


def tab() -> dict:
    year = calendar.calendar_year(g.ctx, _year(), str(get_locale() or "vi"))
    days = sorted([{"date": day["date"], "kind": "day_off",
                    "name": day["name"] or _("Day off")} for day in year["holidays"]]
                  + [{"date": day["date"], "kind": "working_day",
                      "name": day["reason"] or _("Make-up working day")}
                     for day in year["make_up_days"]], key=lambda day: day["date"])
    return {"year": year["year"], "office_hours": year["office_hours"],
            "working_days": len(year["working_days"]),
            "days": _page(days, "dpage"), "overrides": _page(year["overrides"], "opage"),
            "weekdays": weekdays(), "kinds": kinds(), "years": range(year["year"] - 2,
                                                                     year["year"] + 3)}
