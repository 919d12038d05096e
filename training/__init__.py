"""Offline training, apart from the runtime registry: run as `python -m training.music`.

Training reads the network definitions from `model_registry` and exports its weights there; nothing at
run time imports this package.
"""
