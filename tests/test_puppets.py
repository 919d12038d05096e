"""Puppets: whole bodies for the heroes the 3D set draws only as a face, walking on planted feet."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import model_registry
from model_registry.pictures import motion, puppets
from model_registry.pictures.player import ShotPlayer
from tests.test_shots import BIBLE, GENRE, shot_of

SIZE = (640, 360)


@pytest.mark.parametrize("subject", puppets.subjects())
def test_every_puppet_stands_walks_and_runs_with_its_feet_on_the_bottom_edge(subject):
    for moving in ("stand", "walk", "run"):
        frames, fps = puppets.frames(subject, moving, 120)
        assert len({f.size for f in frames}) == 1 and abs(frames[0].height - 120) <= 2
        grounded = [np.asarray(f)[-3:, :, 3].max() > 128 for f in frames]
        assert all(grounded) if moving != "run" else sum(grounded) >= 0.75 * len(grounded)  # a run leaps a little
        assert (len(frames) > 1 and fps == pytest.approx(24.0)) == (moving != "stand")
    walk = puppets.frames(subject, "walk", 120)[0]
    assert np.abs(np.asarray(walk[0], np.int16) - np.asarray(walk[len(walk) // 2], np.int16)).mean() > 2  # legs move
    assert puppets.stride(subject, "run") > 2 * puppets.stride(subject, "walk") > 0.5


@pytest.mark.parametrize("subject", ["fox", "robot"])
def test_a_planted_foot_moves_back_in_the_cycle_as_fast_as_the_puppet_crosses_the_frame(subject):
    """Measured from the pixels alone (motion.stride: how far the lowest band shifts from frame to frame
    where a foot stays down), so the figure travelling at `stride` keeps that foot still on the ground."""
    frames, fps = puppets.frames(subject, "walk", 256)
    measured = motion.stride([np.asarray(f)[..., 3] for f in frames]) * fps
    assert measured == pytest.approx(puppets.stride(subject, "walk"), rel=0.25)  # its shifts are whole pixels


def test_a_walking_fox_is_its_puppet_crossing_the_frame_at_its_stride_while_its_legs_step():
    painter = model_registry.get("illustrate", "scene-painter")
    shot = dataclasses.replace(shot_of("The fox walked along the path to the lake.", "en"), framing="wide")
    painting = painter.paint(text="", bible=BIBLE, look=GENRE.look, shot=shot, size=SIZE, seed=3)
    hero = painting.layers.sprites[painting.layers.hero]
    assert (hero.asset, hero.motion) == ("puppet/fox", "walk")
    assert abs(hero.speed) == pytest.approx(puppets.stride("fox", "walk") * hero.height * SIZE[1] / SIZE[0])
    player = ShotPlayer(painting.layers, painting.plate, painting.near, SIZE, 4.0, seed=3)
    start, end = player.box(painting.layers.hero, 0.5), player.box(painting.layers.hero, 3.5)
    assert abs((end[0] + end[2]) - (start[0] + start[2])) / 2 / SIZE[0] > 0.1  # >10 % of the frame across
    assert player.place(painting.layers.hero, 0.5)[2] is not player.place(painting.layers.hero, 0.7)[2]  # it steps


def test_a_puppet_at_rest_is_its_standing_figure_and_others_met_get_one_too():
    painter = model_registry.get("illustrate", "scene-painter")
    shot = shot_of("Flipper met a wolf by the old oak.", "en")
    assert [o.name for o in shot.others] == ["wolf"]
    painting = painter.paint(text="", bible=BIBLE, look=GENRE.look, shot=shot, size=SIZE, seed=3)
    assert {"puppet/fox", "puppet/wolf"} <= set(painting.assets)
