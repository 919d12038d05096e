"""What every music backend shares: keys and chords, the GM soundfont renderer, and the finishing pass.

A composer is any class with `sample_rate` and
    compose(*, seconds, tempo, mode, key, instruments, seed) -> float32 stereo array (samples, 2)
where `instruments` are General MIDI names for [lead, bass, pad] from the genre preset.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from core.audio import read_wav

SAMPLE_RATE = 44_100
NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
SCALES = {"major": [0, 2, 4, 5, 7, 9, 11], "minor": [0, 2, 3, 5, 7, 8, 10]}
# Scale degrees (0-based) of a four-bar progression's chord roots, one chord per bar.
PROGRESSIONS = {"major": [0, 4, 5, 3], "minor": [0, 5, 2, 6]}
DOMINANT = 4  # the scale degree (0-based) of the dominant chord's root
SOUNDFONTS = ("/usr/share/sounds/sf2/FluidR3_GM.sf2",)
# Krumhansl-Kessler key profiles: how strongly each scale step (from the tonic) suggests the key.
KEY_PROFILES = {
    "major": np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]),
    "minor": np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]),
}  # apt fluid-soundfont-gm (MIT), best quality


def tonic_pitch_class(key: str) -> int:
    return NOTE_NAMES.index(key)


def scale_pitch_classes(key: str, mode: str) -> set[int]:
    return {(tonic_pitch_class(key) + step) % 12 for step in SCALES[mode]}


def triad(key: str, mode: str, degree: int, octave_root: int = 48) -> list[int]:
    """MIDI pitches of the triad on `degree` (0 = tonic), rooted at or above `octave_root`'s C. Diatonic,
    except that in minor the dominant is major (harmonic minor): its raised third, the leading tone, is
    what keeps a minor key from sounding like its own dominant's."""
    scale, tonic = SCALES[mode], octave_root + tonic_pitch_class(key)
    pitches = [tonic + 12 * ((degree + s) // 7) + scale[(degree + s) % 7] for s in (0, 2, 4)]
    if mode == "minor" and degree == DOMINANT:
        pitches[1] += 1
    return pitches


def pitch_class_seconds(midi) -> np.ndarray:
    """How long each pitch class sounds over all of a `pretty_midi.PrettyMIDI`'s tracks: what
    `estimate_key` reads to tell which key a piece is heard in."""
    histogram = np.zeros(12)
    for note in (n for track in midi.instruments for n in track.notes):
        histogram[note.pitch % 12] += note.end - note.start
    return histogram


def estimate_key(pitch_class_weights: np.ndarray) -> tuple[int, str]:
    """(tonic pitch class, "major" | "minor") that best correlates with a 12-bin pitch-class profile
    (Krumhansl-Schmuckler). Used to find minor-mode tunes in the corpus and, in tests, to check output."""
    weights = np.asarray(pitch_class_weights, dtype=float)
    scores = {(tonic, mode): np.corrcoef(np.roll(profile, tonic), weights)[0, 1]
              for mode, profile in KEY_PROFILES.items() for tonic in range(12)}
    return max(scores, key=scores.get)


def soundfont() -> Path:
    """FluidR3_GM from apt when installed, else the small TimGM6mb that ships inside `pretty_midi`."""
    for candidate in SOUNDFONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    import pretty_midi

    return Path(pretty_midi.__file__).with_name("TimGM6mb.sf2")


def render_midi(midi, gain: float = 0.6) -> np.ndarray:
    """A `pretty_midi.PrettyMIDI` -> float32 stereo at 44.1 kHz, through the fluidsynth CLI (apt)."""
    if not shutil.which("fluidsynth"):
        raise RuntimeError("fluidsynth is not installed (apt install fluidsynth)")
    with tempfile.TemporaryDirectory(prefix="digiteller-midi-") as folder:
        mid, wav = Path(folder) / "piece.mid", Path(folder) / "piece.wav"
        midi.write(str(mid))
        subprocess.run(["fluidsynth", "-ni", "-q", "-g", str(gain), "-r", str(SAMPLE_RATE), "-F", str(wav),
                        str(soundfont()), str(mid)], check=True, capture_output=True, timeout=600)
        samples, _ = read_wav(wav)
    return samples if samples.ndim == 2 else np.repeat(samples[:, None], 2, axis=1)


def finish(stereo: np.ndarray, seconds: float, fade: float = 2.0, peak: float = 0.5) -> np.ndarray:
    """Exactly `seconds` long (cut or padded with silence), faded in and out, peak-normalised."""
    total = int(round(seconds * SAMPLE_RATE))
    out = np.zeros((total, 2), np.float32)
    out[: min(total, len(stereo))] = stereo[:total]
    ramp_length = min(total // 4, int(fade * SAMPLE_RATE))
    if ramp_length:
        ramp = np.linspace(0.0, 1.0, ramp_length, dtype=np.float32)[:, None]
        out[:ramp_length] *= ramp
        out[-ramp_length:] *= ramp[::-1]
    loudest = float(np.abs(out).max()) or 1.0
    return (out * (peak / loudest)).astype(np.float32)
