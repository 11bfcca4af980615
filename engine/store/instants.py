"""The local day of an instant in SQL, alike on PostgreSQL and SQLite.

PostgreSQL takes the day in the named zone; SQLite, which keeps UTC text, at
the zone's fixed offset (Vietnam has kept UTC+7, without daylight saving,
since 1975).
"""
from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class local_day(FunctionElement):
    """`local_day(instant, zone, hours)`: the calendar day of a timestamp column
    in `zone`, whose offset is `hours` (for SQLite)."""
    type = Date()
    name = "local_day"
    inherit_cache = True


@compiles(local_day)
def _local_day(element, compiler, **kw):
    moment, _zone, hours = list(element.clauses)
    return (f"date({compiler.process(moment, **kw)}, "
            f"printf('%+d hours', {compiler.process(hours, **kw)}))")


@compiles(local_day, "postgresql")
def _local_day_pg(element, compiler, **kw):
    moment, zone, _hours = list(element.clauses)
    return (f"CAST(({compiler.process(moment, **kw)}) AT TIME ZONE "
            f"{compiler.process(zone, **kw)} AS DATE)")
