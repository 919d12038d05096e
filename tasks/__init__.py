"""One module per stage: plain functions that do the work, and thin Prefect tasks over them."""

from digiteller import settings

settings.configure_environment()  # before anything imports prefect
