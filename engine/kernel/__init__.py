"""What every service stands on: the context (actor, clock, settings), errors,
the unit of work, the event log and its keyed chain, paging, the clock,
the settings and the logs.
"""
