"""Monitoring: what supervisors and leaders watch across the dossiers they may
see (API.md, "Monitoring"); read-only views over the dossier room's rows."""
