"""Training data for the Music Transformer: the folk-tune collections (ABC) bundled with music21.

About 12.9k tunes (Ryan's Mammoth Collection, O'Neill's 1850, Aird's Airs, the Essen folk songs…) parsed
with `symusic` and encoded into one token stream, START before each tune. The corpus is redistributed
by music21 "with the permission of the encoders"; some encodings restrict commercial use (see
`music21/corpus/license.txt`), which is why the trained weights are licensed for non-commercial use.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from model_registry.music.events import START, Note, encode
from model_registry.music.theory import estimate_key

MAX_TUNE_SECONDS = 600


def abc_files() -> list[Path]:
    import music21.corpus

    root = Path(music21.corpus.__file__).parent
    return sorted(root.rglob("*.abc"))


def abc_tunes(path: Path) -> Iterator[str]:
    """A collection file holds many tunes, each starting at an `X:` line, after a shared header."""
    text = path.read_text(encoding="latin-1")
    for chunk in re.split(r"(?m)^(?=X:)", text):
        if chunk.startswith("X:"):
            yield chunk


def tune_notes(abc: str) -> list[Note]:
    """Notes of one tune in seconds (repeats expanded by the parser); [] when it does not parse."""
    import symusic

    try:
        score = symusic.Score.from_abc(abc).to("second")
    except Exception:  # noqa: BLE001 - a malformed tune in a 200-year-old collection: skip it
        return []
    notes = []
    for track in score.tracks:
        if track.is_drum:
            continue
        for note in track.notes:
            if note.time < MAX_TUNE_SECONDS and note.duration > 0:
                notes.append(Note(int(note.pitch), float(note.time), float(note.time + note.duration),
                                  int(note.velocity)))
    return notes


def build(validation_share: float = 0.03) -> dict[str, np.ndarray]:
    """Token streams {"train", "val"}: every 1/validation_share-th tune goes to validation."""
    streams: dict[str, list[int]] = {"train": [], "val": []}
    every = round(1 / validation_share)
    count = 0
    with _quiet_c_output():  # the ABC parser prints a warning per odd bar line
        for path in abc_files():
            for abc in abc_tunes(path):
                notes = tune_notes(abc)
                if len(notes) < 8:
                    continue
                split = "val" if count % every == every - 1 else "train"
                streams[split] += [START, *encode(notes)]
                count += 1
    return {name: np.array(tokens, dtype=np.int16) for name, tokens in streams.items()} | {
        "tunes": np.array([count])}


def openings(per_mode: int = 48, seconds: float = 4.0) -> dict[str, list[list[int]]]:
    """The first `seconds` of tunes in each mode, as events transposed so the tonic is C (pitch class 0).

    Sampling starts from one of these so the model hears the mode's tonal centre before it continues;
    masking note-ons alone gives the right notes but often the relative major's centre. The mode comes
    from a key-finding estimate, because the ABC key fields of modal folk tunes are unreliable.
    """
    found: dict[str, list[list[int]]] = {"major": [], "minor": []}
    with _quiet_c_output():
        for path in abc_files():
            for abc in abc_tunes(path):
                notes = tune_notes(abc)
                if len(notes) < 16:
                    continue
                weights = np.zeros(12)
                for note in notes:
                    weights[note.pitch % 12] += note.end - note.start
                tonic, mode = estimate_key(weights)
                if len(found[mode]) < per_mode * 8:
                    shift = -tonic if tonic <= 6 else 12 - tonic
                    found[mode].append(encode([Note(n.pitch + shift, n.start, n.end, n.velocity)
                                               for n in notes if n.start < seconds]))
    return {mode: tunes[:: max(1, len(tunes) // per_mode)][:per_mode] for mode, tunes in found.items()}


class _quiet_c_output:
    """Silence C-level writes to stdout and stderr (symusic's ABC parser) for the duration of a block."""

    def __enter__(self) -> None:
        sys.stdout.flush()
        self.saved = [os.dup(fd) for fd in (1, 2)]
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)

    def __exit__(self, *exc) -> None:
        for fd, saved in zip((1, 2), self.saved):
            os.dup2(saved, fd)
            os.close(saved)
