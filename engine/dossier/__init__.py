"""A dossier's life: intake at the desk, the status machine, the one-stop
life cycle, the bridge to its BPMN instance, projections, tasks, form
submissions, documents, slips and supplements.
"""
