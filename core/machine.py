"""What this machine's CPU can do, for backends built for some instruction sets only."""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def cpu_flags() -> frozenset[str] | None:
    """The CPU's feature flags (`avx2`, `fma`, `avx512_vnni`, ...) from /proc/cpuinfo; None where that is
    not readable (not Linux), in which case nobody can tell and backends are tried as they are."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return frozenset(value.split())
    return None
