"""The house rules, checked so they cannot rot: imports run one way, cli → flows → tasks → model_registry →
core, and every module imports cleanly."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from core import settings

# Lowest first: a package may import its own floor and the ones below it, never one above.
FLOORS = ["core", "model_registry", "tasks", "flows", "digiteller"]
# Tools beside the house: they may import the runtime, the runtime never imports them.
BESIDE = ["training", "benchmarks"]


def modules(package: str) -> list[Path]:
    return sorted((settings.ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(settings.ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (also inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("floor", FLOORS[:-1])
def test_no_floor_imports_a_higher_one(floor):
    above = set(FLOORS[FLOORS.index(floor) + 1:]) | set(BESIDE)
    offenders = {module_name(path): sorted(imported_packages(path) & above) for path in modules(floor)}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_top_floor_is_imported_by_nobody_below_and_tools_by_nobody_at_all():
    runtime = [path for floor in FLOORS for path in modules(floor)]
    assert not [module_name(p) for p in runtime if imported_packages(p) & set(BESIDE)]
    assert not [module_name(p) for p in runtime if not module_name(p).startswith("digiteller")
                and "digiteller" in imported_packages(p)]


def test_every_module_imports():
    names = [module_name(path) for package in FLOORS + BESIDE for path in modules(package)]
    assert len(names) > 40
    for name in names:
        importlib.import_module(name)


def test_deployments_run_with_the_environment_the_entry_points_set():
    """prefect.yaml repeats core.settings' defaults for runs on any worker; the two must agree."""
    import yaml

    pool = yaml.safe_load((settings.ROOT / "prefect.yaml").read_text("utf-8"))["definitions"]["work_pool"]
    assert pool["job_variables"]["env"] == settings.ENVIRONMENT_DEFAULTS
