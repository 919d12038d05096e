"""The model catalogue: which backends exist, where their weights come from, and whether they are here.

Entries come from `catalogue.toml` beside this file, then from `$DIGITELLER_HOME/models.toml` if the
user has one (their own models from a local path or the hub, no code change), then from the files named
in `$DIGITELLER_CATALOGUES`. A file location is one of
  "pkg:<module>/<path>"  a file inside an installed Python package (found without importing it),
  "/abs/path" or "~/path" a local file,
and a file may instead list `parts` that are joined in order, once, into the models cache.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import json
import os
import shutil
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import atomic, machine, settings, source
from core.hashing import content_key, sha256_file

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")


class ModelUnavailable(RuntimeError):
    """A backend cannot be used on this machine; the message says why and how to fix it."""


@dataclass(frozen=True)
class WeightFile:
    name: str
    sha256: str
    path: str = ""
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    stage: str
    name: str
    adapter: str | type  # "module:Class", or a class (tests register fakes this way)
    version: str = "1"
    license: str = "unknown"
    source: str = "builtin"  # builtin | pip | apt | local | hub
    description: str = ""
    default: bool = False
    packages: tuple[str, ...] = ()
    apt: tuple[str, ...] = ()  # executables an apt package provides
    languages: tuple[str, ...] = ()
    hub_id: str = ""
    files: tuple[WeightFile, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    cpu_flags: tuple[str, ...] = ()  # instruction sets a native build needs ("avx2", "fma")
    fallback: str = ""  # the entry to use instead on a machine whose CPU lacks `cpu_flags`
    data: tuple[str, ...] = ()  # files or folders of this repository the backend reads (art, indexes)
    checks: tuple[str, ...] = ()  # "module:function"s that raise ModelUnavailable when what it needs is not here

    @property
    def identity(self) -> dict[str, Any]:
        """What a cached output depends on about this model, loading nothing: its name, version, weights,
        options, the source of its adapter (and every project module that imports) and its data files."""
        return {
            "model": f"{self.stage}/{self.name}",
            "version": self.version,
            "weights": sorted(f.sha256 for f in self.files),
            "options": self.options,
            "code": self.code_identity,
            "data": {path: source.data_identity(path) for path in self.data},
        }

    @property
    def code_identity(self) -> str:
        """The hash of the adapter's source closure (core/source.py). A class registered directly (a
        test's fake) by the closures of the project classes it derives from, and its own file."""
        if isinstance(self.adapter, str):
            return source.code_identity(self.adapter.partition(":")[0])
        parts = [source.code_identity(cls.__module__) if source.module_file(cls.__module__)
                 else source.file_identity(inspect.getsourcefile(cls)) for cls in self.adapter.__mro__[:-1]]
        return content_key(parts)

    def missing_cpu_flags(self) -> list[str]:
        """The `cpu_flags` this machine's CPU lacks (none where the CPU cannot be read)."""
        flags = machine.cpu_flags()
        return [] if flags is None else [flag for flag in self.cpu_flags if flag not in flags]

    def problems(self) -> list[str]:
        """Why this entry cannot be used here; empty when it can."""
        found = []
        if missing := self.missing_cpu_flags():
            found.append(f"this CPU lacks {', '.join(missing)}, which its native build needs")
        for package in self.packages:
            dist = package.split("==")[0]
            try:
                importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                found.append(f"pip package {package} is not installed")
        found += [f"`{tool}` not on PATH (apt package missing)" for tool in self.apt if not shutil.which(tool)]
        for weight in self.files:
            try:
                self._located(weight, fetch=False)
            except ModelUnavailable as exc:
                found.append(str(exc))
        for check in self.checks:
            module, _, function = check.partition(":")
            try:
                getattr(importlib.import_module(module), function)()
            except ModelUnavailable as exc:
                found.append(str(exc))
        return found

    def file(self, name: str) -> Path:
        """The verified path of one weight file (joined from its parts on first use)."""
        for weight in self.files:
            if weight.name == name:
                path = self._located(weight)
                if weight.parts and not path.exists():
                    path = _join_parts(weight, path)
                if not _verified(path, weight.sha256):
                    raise ModelUnavailable(f"{self.name}: {path} fails its sha256 check (damaged or wrong file)")
                return path
        raise KeyError(f"{self.name} has no weight file {name!r}")

    def _located(self, weight: WeightFile, fetch: bool = True) -> Path | None:
        """The file's path, checked; None for a hub file that will be downloaded on first use (`fetch`
        False: availability checks never download)."""
        if weight.parts:
            for part in weight.parts:
                _resolve(part)
            return settings.models_dir() / f"{weight.sha256[:12]}-{weight.name}"  # entries may share a join
        if weight.path.startswith("hub:") and not fetch:
            path = _hub_cached(weight.path)
            if path is None:
                if _hub_offline():
                    raise ModelUnavailable(f"{weight.path} is not in the Hugging Face cache and HF_HUB_OFFLINE=1 "
                                           "(set HF_HUB_OFFLINE=0 on a machine with network to download it)")
                return None
        else:
            path = _resolve(weight.path)
        if not _verified(path, weight.sha256):
            raise ModelUnavailable(f"{path} fails its sha256 check (damaged or wrong file)")
        return path


def _hub_parts(location: str) -> tuple[str, str]:
    """"hub:owner/repo/path/in/repo" -> (repo id, file path)."""
    owner, repo, filename = location[4:].split("/", 2)
    return f"{owner}/{repo}", filename


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes", "on")


def _hub_cached(location: str) -> Path | None:
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(*_hub_parts(location))
    return Path(found) if isinstance(found, str) else None


def _resolve(location: str) -> Path:
    """A weight file's path from its location: "pkg:module/relative", "hub:owner/repo/file" (the
    Hugging Face cache, downloading unless HF_HUB_OFFLINE=1) or a filesystem path."""
    if location.startswith("hub:"):
        from huggingface_hub import hf_hub_download

        try:
            return Path(hf_hub_download(*_hub_parts(location)))
        except Exception as exc:  # offline, unknown repo or file, network error: all mean "not here"
            raise ModelUnavailable(f"{location} could not be fetched from the Hugging Face hub "
                                   f"({type(exc).__name__})") from exc
    if location.startswith("pkg:"):
        module, _, relative = location[4:].partition("/")
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            raise ModelUnavailable(f"package module {module} is not installed")
        path = Path(list(spec.submodule_search_locations)[0]) / relative
    else:
        path = Path(os.path.expandvars(location)).expanduser()
    if not path.is_file():
        raise ModelUnavailable(f"weight file {path} is missing")
    return path


_verify_lock = threading.Lock()


def _verified(path: Path, sha256: str) -> bool:
    """Hash check, remembered per (path, size, mtime) so a 1 GB file is hashed once, not per run."""
    if not path.is_file():
        return False
    if not sha256:
        return True
    stat = path.stat()
    stamp_file = settings.models_dir() / "verified.json"
    stamp = f"{path}|{stat.st_size}|{stat.st_mtime_ns}"
    with _verify_lock:
        try:
            stamps = json.loads(stamp_file.read_text())
        except (OSError, ValueError):
            stamps = {}
        if stamps.get(stamp) == sha256:
            return True
        if sha256_file(path) != sha256:
            return False
        stamps[stamp] = sha256
        atomic.write_json(stamp_file, stamps)
        return True


def _join_parts(weight: WeightFile, target: Path) -> Path:
    with atomic.replacing(target) as tmp, open(tmp, "wb") as out:
        for part in weight.parts:
            with open(_resolve(part), "rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 22)
    return target


def read_catalogue(path: Path) -> list[Entry]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = []
    for raw in data.get("model", []):
        raw = dict(raw)
        files = tuple(
            WeightFile(name=f["name"], sha256=f.get("sha256", ""), path=f.get("path", ""),
                       parts=tuple(f.get("parts", ())))
            for f in raw.pop("files", ())
        )
        for key in ("packages", "apt", "languages", "cpu_flags", "data", "checks"):
            raw[key] = tuple(raw.get(key, ()))
        entries.append(Entry(files=files, **raw))
    return entries


def default_catalogue() -> list[Entry]:
    """catalogue.toml, then the user's `$DIGITELLER_HOME/models.toml`, then every file named in
    `$DIGITELLER_CATALOGUES` (separated like PATH; the tests' small models come in this way)."""
    entries = read_catalogue(CATALOGUE_FILE)
    extra = [Path(p).expanduser() for p in os.environ.get("DIGITELLER_CATALOGUES", "").split(os.pathsep) if p]
    for path in [settings.home() / "models.toml", *extra]:
        if path.is_file():
            entries += read_catalogue(path)
    return entries
