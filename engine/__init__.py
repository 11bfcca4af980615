"""The platform's domain services: procedures, dossiers, tasks, people, events.

Services take a session, the clock and the acting user, and each public call is
one unit of work (see `engine.uow`). Only `engine.bpmn` touches SpiffWorkflow.
"""
