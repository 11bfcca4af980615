"""The procedures a province offers: procedures and their deployed
versions, loading the shipped ones, and the check of step allotments
against the statutory time.
"""
