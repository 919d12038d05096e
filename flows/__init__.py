"""Prefect flows: one story as a DAG of stage tasks, and batches of stories.

Prefect reads its settings when it is imported, so whoever starts a process that runs these flows calls
`core.settings.configure_environment()` first (the CLI, the tests and the benchmark do; a worker started
by `digiteller server` inherits the environment; prefect.yaml gives every deployment's runs the same).
"""
