"""Prefect flows: one story as a DAG of stage tasks, and batches of stories."""

from digiteller import settings

settings.configure_environment()  # before anything imports prefect
