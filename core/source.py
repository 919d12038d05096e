"""What code made an artifact: a hash of a module's source and of every project module it imports.

A cached artifact must be remade whenever the code that makes it changes, without anyone remembering to
bump a version number (a hand-kept number went stale once: the painter changed, its pictures did not).
So a stage's cache key holds `code_identity` of the stage's module, and a model's identity holds that of
its backend adapter: the sha256 of each module's source and, transitively, of every module of this
project it imports (read from the source with `ast`, so nothing is imported and imports inside functions
count too), with the `__init__.py` of every package on the way. Modules of other packages (numpy,
Prefect) are not followed; their versions are not part of a key.

The closure is by module, not by function: editing any function of a module the stage imports remakes
the stage's artifacts. That remakes some artifacts needlessly, and never serves a stale one.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import threading
from pathlib import Path

from core import settings

PROJECT = ("core", "model_registry", "tasks", "flows", "digiteller")
# CPython 3.11's ast.parse is not thread-safe (python/cpython#106905): two stages computing their keys at
# once failed with "SystemError: AST constructor recursion depth mismatch" (their results went unpersisted).
_PARSING = threading.Lock()


def module_file(name: str, root: Path = settings.ROOT) -> Path | None:
    """The source file of a project module ("tasks.render" -> tasks/render.py), or None if it is not one."""
    if name.split(".")[0] not in PROJECT:
        return None
    base = root.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _imports(path: Path, name: str, root: Path) -> set[str]:
    """The project modules a module imports: `import a.b`, `from a import b` (b a module or a name in
    a), relative imports, and the packages each of them lies in."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    with _PARSING:
        tree = ast.parse(path.read_text("utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    with_packages = {".".join(m.split(".")[:i]) for m in found for i in range(1, m.count(".") + 2)}
    return {m for m in with_packages if module_file(m, root) is not None}


def closure(name: str, root: Path = settings.ROOT) -> list[str]:
    """`name` and every project module it imports, directly or not, sorted."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        path = module_file(current, root)
        if current in seen or path is None:
            continue
        seen.add(current)
        todo += sorted(_imports(path, current, root) - seen)
    return sorted(seen)


@functools.cache
def code_identity(name: str, root: Path = settings.ROOT) -> str:
    """sha256 over the source of `name`'s closure (module names and bytes), computed once per process."""
    digest = hashlib.sha256()
    for module in closure(name, root):
        digest.update(module.encode() + b"\0" + module_file(module, root).read_bytes() + b"\0")
    return digest.hexdigest()


def file_identity(path: Path) -> str:
    """sha256 of a source file outside the project's packages (a test's fake backend)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.cache
def data_identity(relative: str, root: Path = settings.ROOT) -> str:
    """sha256 over a data file, or every file under a data folder (names and bytes), that code reads
    (the illustration library the painter draws from)."""
    target = root / relative
    files = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
