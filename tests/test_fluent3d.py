"""The 3D Fluent art: its committed index (licences, coverage, records) and, on the set setup fetched, its
loops and stills and the one-line errors a missing or damaged file gives.

Tests marked `slow` read the fetched set (`bash scripts/setup.sh` fetches it); without it they fail, on purpose.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from model_registry.catalogue import ModelUnavailable
from model_registry.pictures import fluent3d, library

LOOPS = ["person-walking", "man-walking", "woman-walking", "person-running", "man-running", "woman-running",
         "person-swimming", "person-climbing", "person-biking", "person-rowing-boat", "man-dancing", "woman-dancing",
         "man-mage", "woman-mage", "man-fairy", "woman-fairy", "dog", "cat", "horse", "bird", "rabbit", "dragon",
         "fish", "sun", "cloud"]
STILLS = ["bed", "chair", "couch-and-lamp", "door", "window", "castle", "tent", "rocket", "deciduous-tree",
          "evergreen-tree"]


def all_forms() -> list[tuple[fluent3d.Art, fluent3d.Form]]:
    return [(art, form) for art in fluent3d.arts().values() for form in (art.still, art.loop) if form]


def test_every_file_has_a_licence():
    packages = fluent3d.index()["packages"]
    for art, form in all_forms():
        assert form.package in packages, (art.library_id, form.package)
        assert packages[form.package]["licence"] == "MIT"
        assert packages[form.package]["integrity"].startswith("sha512-")
    text = (fluent3d.FOLDER / "LICENSE.txt").read_text("utf-8")
    assert "3D and animated art: Microsoft Fluent Emoji (MIT)" in text
    assert "MIT License" in text and "Copyright (c) Microsoft Corporation." in text
    assert "Permission is hereby granted, free of charge" in text


def test_index_covers_the_painters_needs():
    arts = fluent3d.arts()
    for name in LOOPS:
        assert arts[f"fluentui/{name}"].loop is not None, name
    for name in STILLS:
        assert arts[f"fluentui/{name}"].still is not None, name
    for name in ("person-walking", "man-walking", "woman-walking", "person-running", "man-running", "woman-running"):
        art = arts[f"fluentui/{name}"]
        assert art.facing == art.loop.facing == "left", name
        facing_right = arts[f"fluentui/{name}-facing-right"]
        assert facing_right.mirrored and facing_right.facing == "right"
        assert facing_right.loop.path == art.loop.path and facing_right.still.path == art.still.path


def test_index_only_microsofts_art_as_the_library_draws_it():
    drawn = library.by_id()
    for art in fluent3d.arts().values():
        asset = drawn[art.library_id]  # a library asset drawn from Microsoft's flat set
        assert asset.pack == "fluentui-emoji" and art.glyph == asset.glyph and art.kind == asset.kind
    paths = {form.path for _, form in all_forms()}
    assert not any(tone in path for path in paths for tone in ("1f3fb", "1f3fc", "1f3fd", "1f3fe", "1f3ff"))
    assert fluent3d.by_glyph()["🛏"] is fluent3d.by_glyph()["🛏️"] is fluent3d.arts()["fluentui/bed"]


def test_index_records_are_complete_and_compact():
    for art, form in all_forms():
        assert len(form.sha256) == 64 and form.size > 0 and form.path.startswith("package/assets/")
        assert form.facing in ("left", "right", "front")
        left, top, right, bottom = form.box
        assert 0 <= left < right <= 1 and 0 <= top < bottom <= 1, art.library_id
        if form is art.loop:
            assert form.frames > 1 and form.fps == pytest.approx(form.frames / form.seconds, rel=0.01)
    text = (fluent3d.FOLDER / "index.json").read_text("utf-8")
    lines = [line for line in text.splitlines() if line.startswith('  {"')]
    assert len(lines) == len(fluent3d.arts())  # one line per asset
    assert all(list(json.loads(line.rstrip(","))) == sorted(json.loads(line.rstrip(","))) for line in lines)


@pytest.fixture
def fresh_caches():
    """Decoded art is cached by id; a test that moves the models folder must not see another folder's."""
    for cached in (fluent3d._still, fluent3d._decoded, fluent3d._flipped):
        cached.cache_clear()
    yield
    for cached in (fluent3d._still, fluent3d._decoded, fluent3d._flipped):
        cached.cache_clear()


@pytest.mark.slow
def test_walk_loop_is_a_steady_cycle_of_whole_frames(fresh_caches):
    fluent3d.check()
    frames = fluent3d.loop("fluentui/person-walking", 200)
    assert len(frames) >= 20
    assert {frame.size for frame in frames} == {frames[0].size} and frames[0].height == 200
    pixels = [np.asarray(frame, dtype=np.int16) for frame in frames]
    assert all(np.abs(a - b).mean() > 0.5 for a, b in zip(pixels, pixels[1:] + pixels[:1]))
    coverage = [float((p[..., 3] >= fluent3d.ALPHA_FLOOR).mean()) for p in pixels]
    assert min(coverage) > 0.6 * max(coverage)  # each frame a whole figure, not a delta
    # cropped with the union box: the figure fills it across the cycle, edge to edge
    union = np.max([p[..., 3] for p in pixels], axis=0) >= fluent3d.ALPHA_FLOOR
    assert union[0].any() and union[-1].any() and union[:, 0].any() and union[:, -1].any()
    assert fluent3d.loop("fluentui/person-walking", 200) is frames  # decoded once
    mirrored = fluent3d.loop("fluentui/person-walking", 200, mirrored=True)
    assert np.array_equal(np.asarray(mirrored[3]), np.asarray(frames[3])[:, ::-1])
    halved = fluent3d.loop("fluentui/person-walking", 200, step=2)
    assert len(halved) == (len(frames) + 1) // 2
    assert fluent3d.fps("fluentui/person-walking", step=2) == pytest.approx(fluent3d.fps("fluentui/person-walking") / 2)


@pytest.mark.slow
def test_stills_are_trimmed_and_facing_right_ids_are_mirrored(fresh_caches):
    bed = np.asarray(fluent3d.still("fluentui/bed", 120))
    assert bed.shape[0] == 120
    drawn = bed[..., 3] >= fluent3d.ALPHA_FLOOR
    assert drawn[0].any() and drawn[-1].any() and drawn[:, 0].any() and drawn[:, -1].any()
    left = np.asarray(fluent3d.still("fluentui/person-walking", 150))
    right = np.asarray(fluent3d.still("fluentui/person-walking-facing-right", 150))
    assert np.array_equal(left[:, ::-1], right)
    assert np.array_equal(np.asarray(fluent3d.still("fluentui/person-walking-facing-right", 150, mirrored=True)), left)


@pytest.fixture
def copied_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches) -> Path:
    """The fetched set, hard-linked (or copied) into a fresh models folder that this test may damage."""
    source = fluent3d.folder()
    fluent3d.check()
    monkeypatch.setenv("DIGITELLER_MODELS", str(tmp_path / "models"))
    target = fluent3d.folder()
    target.mkdir(parents=True)
    for path in source.iterdir():
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copyfile(path, target / path.name)
    fluent3d.check()
    return target


def assert_one_line_fix(error: pytest.ExceptionInfo, *words: str) -> None:
    message = str(error.value)
    assert "\n" not in message and "setup.sh" in message
    for word in words:
        assert word in message


@pytest.mark.slow
def test_a_missing_file_names_the_fix(copied_set: Path):
    victim = copied_set / fluent3d.arts()["fluentui/person-walking"].loop.file
    victim.unlink()
    with pytest.raises(ModelUnavailable) as error:
        fluent3d.check()
    assert_one_line_fix(error, "missing", victim.name)
    with pytest.raises(ModelUnavailable):
        fluent3d.loop("fluentui/person-walking", 100)
    shutil.rmtree(copied_set)
    with pytest.raises(ModelUnavailable) as error:
        fluent3d.check()
    assert_one_line_fix(error, "missing", copied_set.name)


@pytest.mark.slow
def test_a_corrupt_file_names_the_fix(copied_set: Path):
    victim = copied_set / fluent3d.arts()["fluentui/bed"].still.file
    damaged = bytearray(victim.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    victim.unlink()  # a new file: the hard link's original stays intact
    victim.write_bytes(bytes(damaged))
    with pytest.raises(ModelUnavailable) as error:
        fluent3d.check()
    assert_one_line_fix(error, "corrupt", victim.name)
    with pytest.raises(ModelUnavailable):
        fluent3d.still("fluentui/bed", 100)
