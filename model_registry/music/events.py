"""The Music Transformer's 388-event vocabulary (Oore et al. 2018), plus a start-of-piece token.

    0..127    note-on  pitch          256..355  time-shift of (value + 1) x 10 ms
    128..255  note-off pitch          356..387  velocity bin (velocity // 4)
    388       start of a piece (separates tunes in the training stream)

`encode` and `decode` are inverses up to the 10 ms grid; `decode` also cleans what a sampler writes:
note-offs without a note-on, zero-length and duplicate notes are dropped, and notes still sounding at
the end (or held longer than `max_note`) are closed, so nothing hangs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NOTE_ON, NOTE_OFF, TIME_SHIFT, VELOCITY = 0, 128, 256, 356
START = 388
VOCAB_SIZE = 389
STEP = 0.01  # seconds per time-shift unit
MAX_SHIFT = 100  # units in one time-shift token (1 s)


@dataclass(frozen=True)
class Note:
    pitch: int
    start: float  # seconds
    end: float
    velocity: int = 80


def encode(notes: list[Note]) -> list[int]:
    """Notes -> event tokens (no START). Simultaneous note-offs come before note-ons."""
    events = []
    for note in notes:
        on, off = round(note.start / STEP), round(note.end / STEP)
        if off <= on or not 0 <= note.pitch < 128:
            continue
        events.append((on, 1, note.pitch, note.velocity))
        events.append((off, 0, note.pitch, 0))
    events.sort()
    tokens, now, velocity = [], 0, -1
    for time, is_on, pitch, vel in events:
        while time > now:
            shift = min(MAX_SHIFT, time - now)
            tokens.append(TIME_SHIFT + shift - 1)
            now += shift
        if is_on:
            if vel // 4 != velocity:
                velocity = vel // 4
                tokens.append(VELOCITY + min(31, velocity))
            tokens.append(NOTE_ON + pitch)
        else:
            tokens.append(NOTE_OFF + pitch)
    return tokens


def decode(tokens: list[int] | np.ndarray, max_note: float = 4.0) -> list[Note]:
    """Event tokens -> clean notes sorted by start time."""
    notes, sounding = [], {}  # pitch -> (start, velocity)
    now, velocity = 0.0, 80

    def close(pitch: int, end: float) -> None:
        start, vel = sounding.pop(pitch)
        end = min(end, start + max_note)
        if end - start >= STEP / 2:
            notes.append(Note(pitch, round(start, 4), round(end, 4), vel))

    for token in map(int, tokens):
        if TIME_SHIFT <= token < VELOCITY:
            now += (token - TIME_SHIFT + 1) * STEP
        elif VELOCITY <= token < START:
            velocity = max(4, (token - VELOCITY) * 4)
        elif token < NOTE_OFF:
            if token in sounding:  # a repeated note-on restarts the note
                close(token, now)
            sounding[token] = (now, velocity)
        elif token < TIME_SHIFT and token - NOTE_OFF in sounding:
            close(token - NOTE_OFF, now)
    for pitch in list(sounding):
        close(pitch, now)
    return sorted(notes, key=lambda n: (n.start, n.pitch))


def is_note_on(token: int) -> bool:
    return NOTE_ON <= token < NOTE_OFF


def transpose(tokens: np.ndarray, semitones: int) -> np.ndarray:
    """Shift every note event by `semitones` (training augmentation); callers keep pitches in range."""
    out = tokens.copy()
    notes = out < TIME_SHIFT
    out[notes] = (out[notes] // 128) * 128 + (out[notes] % 128 + semitones).clip(0, 127)
    return out
