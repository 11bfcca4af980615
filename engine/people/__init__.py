"""Who is who: users, units and roles (the directory), what each may see
(access), and the throttles on logins and public lookups.
"""
