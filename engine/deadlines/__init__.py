"""Counting time the Vietnamese way: working-time maths (worktime), the
calendar with its overrides, the statutory clock of a dossier, step due
times and the escalation ladder, timer rows, and the acceptance clock.
"""
