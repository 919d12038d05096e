"""Music from our own Music Transformer: a sampled lead melody, harmonised, rendered with a GM soundfont.

The model (trained by `train_music.py` on music21's folk tunes) writes an unconditioned melody; the
mood steers it at sampling time:
  key and mode  sampling continues the opening of a corpus tune in the mode (transposed to the key), and
                note-ons outside the scale (or the lead's range) are masked,
  tempo         the melody is time-scaled so its typical note step is an eighth note at the mood's tempo
                (a quarter note below 90 bpm, so slow moods also move slowly),
  instruments   the preset's General MIDI [lead, bass, pad] programs,
  ending        the lead stops a bar early and lands on the tonic over a final tonic chord, then fades.
The accompaniment picks, bar by bar, the diatonic triad that best fits the lead's notes.
"""

from __future__ import annotations

import json

import numpy as np
import pretty_midi
import torch
from safetensors import safe_open

from model_registry.catalogue import Entry
from model_registry.music.events import NOTE_ON, START, TIME_SHIFT, Note, decode, transpose
from model_registry.music.network import MusicConfig, MusicTransformer
from model_registry.music.theory import (
    DOMINANT,
    SAMPLE_RATE,
    finish,
    render_midi,
    scale_pitch_classes,
    tonic_pitch_class,
    triad,
)

LEAD_RANGE = (60, 84)
# Diatonic triads the accompaniment may choose, with a preference for the primary ones (I, IV, V) so
# the key stays clear under a melody that wanders.
CHORD_PRIOR = {0: 1.3, 3: 1.1, 4: 1.15, 5: 0.9, 1: 0.8, 2: 0.7}
SLOW_TEMPO = 90  # below this, the lead moves in quarter notes
MAX_LEAD_NOTE = 3.0  # seconds; a longer note in a background melody sounds like a stuck key


class MusicTransformerComposer:
    sample_rate = SAMPLE_RATE

    def __init__(self, entry: Entry):
        self.entry = entry
        self.temperature = float(entry.options.get("temperature", 0.95))
        self.top_p = float(entry.options.get("top_p", 0.95))
        path = entry.file(entry.files[0].name)
        with safe_open(str(path), framework="pt") as handle:
            config = json.loads(handle.metadata()["config"])
            self.openings = json.loads(handle.metadata()["openings"])
            weights = {name: handle.get_tensor(name).float() for name in handle.keys()}
        self.model = MusicTransformer(MusicConfig(**(config | {"dropout": 0.0})))
        missing, unexpected = self.model.load_state_dict(weights, strict=False)
        if set(missing) - {"head.weight"} or unexpected:  # head.weight is tied to embed.weight
            raise ValueError(f"{path} does not match the Music Transformer: {missing or unexpected}")
        self.model.eval()

    def compose(self, *, seconds: float, tempo: float, mode: str, key: str, instruments: list[str],
                seed: int) -> np.ndarray:
        beat = 60.0 / tempo
        bars = max(2, int(np.ceil(seconds / (4 * beat))))
        step = beat if tempo < SLOW_TEMPO else beat / 2
        lead = self.melody(seconds=bars * 4 * beat, beat=beat, step=step, key=key, mode=mode, seed=seed)
        midi = arrange(lead, bars=bars, beat=beat, key=key, mode=mode, instruments=instruments, tempo=tempo)
        return finish(render_midi(midi), seconds)

    def melody(self, *, seconds: float, beat: float, step: float, key: str, mode: str, seed: int) -> list[Note]:
        """A lead line filling `seconds` minus one bar, then a held tonic; `step` is its typical note step."""
        allowed = scale_pitch_classes(key, mode)
        blocked = torch.tensor([not (LEAD_RANGE[0] <= p <= LEAD_RANGE[1] and p % 12 in allowed)
                                for p in range(128)])

        def constrain(logits: torch.Tensor, history: list[int]) -> None:
            logits[NOTE_ON:NOTE_ON + 128][blocked] = float("-inf")
            logits[START] = float("-inf")  # no new tune in the middle of ours

        body = seconds - 4 * beat

        prime = [START] + self.opening(key, mode, seed)

        def long_enough(history: list[int]) -> bool:
            notes = decode(history[len(prime):])
            return bool(notes) and notes[-1].end * step_scale(notes, step) >= body

        tokens = self.model.sample(prime, int(64 * seconds) + 256, temperature=self.temperature, top_p=self.top_p,
                                   generator=torch.Generator().manual_seed(seed), constrain=constrain,
                                   done=long_enough)
        notes = decode(tokens)
        scale = step_scale(notes, step)
        grid = step / 2  # onsets snap to the beat grid the bass plays on
        lead = []
        for n in notes:
            start = round(n.start * scale / grid) * grid
            end = min(round(n.end * scale / grid) * grid, body, start + MAX_LEAD_NOTE)
            if start < body - 0.05 and end > start:
                lead.append(Note(n.pitch, start, end, n.velocity))
        last = lead[-1].pitch if lead else 72
        tonic = min((p for p in range(LEAD_RANGE[0], LEAD_RANGE[1] + 1) if p % 12 == tonic_pitch_class(key)),
                    key=lambda p: abs(p - last))
        return lead + [Note(tonic, body, seconds - beat, 90)]


    def opening(self, key: str, mode: str, seed: int) -> list[int]:
        """A corpus opening in `mode` (stored with its tonic on C), transposed to `key` within the lead's range."""
        choices = self.openings[mode]
        tokens = np.array(choices[seed % len(choices)], dtype=np.int64)
        shift = tonic_pitch_class(key)
        pitches = tokens[tokens < TIME_SHIFT] % 128
        if len(pitches) and pitches.max() + shift > LEAD_RANGE[1]:
            shift -= 12
        return transpose(tokens, shift).tolist()


def step_scale(notes: list[Note], step: float) -> float:
    """Time factor that makes the melody's median step between onsets last `step` seconds."""
    onsets = np.unique(np.round([n.start for n in notes], 3))
    steps = np.diff(onsets)
    if len(steps) < 4:
        return 1.0
    return float(np.clip(step / np.median(steps), 0.33, 3.0))


def arrange(lead: list[Note], *, bars: int, beat: float, key: str, mode: str, instruments: list[str],
            tempo: float) -> pretty_midi.PrettyMIDI:
    """Lead + a bass on the chord roots (every beat, accented on 1) + a sustained pad, one chord per bar:
    the tonic at the start of each four-bar phrase and at the end, else the triad that fits the lead,
    with the dominant kept for the bar before a tonic (a cadence), so the key stays the key."""
    programs = [pretty_midi.instrument_name_to_program(name) for name in instruments[:3]]
    programs += [0, 32, 48][len(programs):]  # piano, bass, strings where the preset names fewer
    lead_track, bass_track, pad_track = (pretty_midi.Instrument(program=p) for p in programs)
    lead_track.notes = [pretty_midi.Note(n.velocity, n.pitch, n.start, n.end) for n in lead]
    bar_length = 4 * beat
    tonic_bars = {bar for bar in range(bars) if bar % 4 == 0 or bar == bars - 1}
    for bar in range(bars):
        start = bar * bar_length
        degree = 0 if bar in tonic_bars else fitting_degree(lead, start, start + bar_length, key, mode,
                                                            dominant=bar + 1 in tonic_bars)
        chord = triad(key, mode, degree)
        for pitch in chord:
            pad_track.notes.append(pretty_midi.Note(52, pitch, start, start + bar_length))
        for b in range(4):
            bass_track.notes.append(pretty_midi.Note(84 if b == 0 else 64, chord[0] - 12, start + b * beat,
                                                     start + (b + 1) * beat - 0.05))
    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    midi.instruments = [lead_track, bass_track, pad_track]
    return midi


def fitting_degree(lead: list[Note], start: float, end: float, key: str, mode: str, *, dominant: bool) -> int:
    """The triad whose pitch classes cover most of the lead's sounding time in [start, end) (not the
    dominant unless `dominant`)."""
    weight = np.zeros(12)
    for note in lead:
        overlap = min(note.end, end) - max(note.start, start)
        if overlap > 0:
            weight[note.pitch % 12] += overlap
    if not weight.any():
        return 0
    degrees = [d for d in CHORD_PRIOR if dominant or d != DOMINANT]
    return max(degrees, key=lambda d: CHORD_PRIOR[d] * sum(weight[p % 12] for p in triad(key, mode, d)))
