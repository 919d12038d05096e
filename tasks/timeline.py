"""The story's timeline, fixed by the narration: a title card, one shot per sentence, an end card.

Music length and render both read it, so picture cuts, subtitles and the score agree to the sample.
"""

from __future__ import annotations

from dataclasses import dataclass

TITLE_SECONDS = 2.5
END_SECONDS = 2.5
LEAD_SECONDS = 0.2  # picture before the voice starts
TAIL_SECONDS = 0.5  # picture after the voice ends


@dataclass(frozen=True)
class Shot:
    start: float
    voice_start: float
    voice_end: float
    end: float


def plan(durations: list[float]) -> tuple[list[Shot], float]:
    """(one shot per sentence, total seconds)."""
    shots, t = [], TITLE_SECONDS
    for duration in durations:
        shot = Shot(t, t + LEAD_SECONDS, t + LEAD_SECONDS + duration, t + LEAD_SECONDS + duration + TAIL_SECONDS)
        shots.append(shot)
        t = shot.end
    return shots, round(t + END_SECONDS, 6)
