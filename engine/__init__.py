"""The platform's domain services, in rooms that depend one way (lowest first):
`kernel`, `people`, `deadlines`, `catalogue`, `dossier`, `scheduling`; under
them the layers `store` (tables) and `bpmn` (the only code that imports
SpiffWorkflow). `tests/test_architecture.py` enforces the direction.

Services take a context (session, clock, acting user, settings), and each
public call is one unit of work (`engine.kernel.uow`).
"""
