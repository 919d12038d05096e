"""Reading finished videos back with the ffmpeg that imageio-ffmpeg ships (it has no ffprobe).

Used by the tests and the benchmark to check what render wrote: codecs, size, frame rate, stream
lengths, a frame at a given time, and the decoded audio.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class MediaInfo:
    video_codec: str
    audio_codec: str
    width: int
    height: int
    fps: float
    frames: int
    audio_rate: int
    audio_channels: int

    @property
    def video_seconds(self) -> float:
        return self.frames / self.fps


def _ffmpeg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([FFMPEG, "-hide_banner", *args], capture_output=True, timeout=600)


def probe(path: Path) -> MediaInfo:
    """Stream facts from ffmpeg's description of the file, and the video's frame count by remuxing it."""
    header = _ffmpeg("-i", str(path)).stderr.decode(errors="replace")
    video = re.search(r"Stream #\S+.*?Video: (\w+).*?, (\d+)x(\d+).*?, ([\d.]+) fps", header)
    audio = re.search(r"Stream #\S+.*?Audio: (\w+).*?, (\d+) Hz, (\w+)", header)
    if not video or not audio:
        raise ValueError(f"{path}: expected one video and one audio stream:\n{header[-800:]}")
    counted = _ffmpeg("-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-").stderr.decode()
    frames = int(re.findall(r"frame=\s*(\d+)", counted)[-1])
    channels = {"mono": 1, "stereo": 2}.get(audio.group(3), 0)
    return MediaInfo(video.group(1), audio.group(1), int(video.group(2)), int(video.group(3)),
                     float(video.group(4)), frames, int(audio.group(2)), channels)


def frame_at(path: Path, seconds: float, size: tuple[int, int]) -> np.ndarray:
    """The decoded RGB frame shown at `seconds`, as a (height, width, 3) uint8 array."""
    result = _ffmpeg("-v", "error", "-ss", f"{seconds:.3f}", "-i", str(path), "-frames:v", "1",
                     "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
    width, height = size
    return np.frombuffer(result.stdout, np.uint8)[: width * height * 3].reshape(height, width, 3)


def audio_of(path: Path, rate: int = 44_100) -> np.ndarray:
    """The decoded audio track as float32 stereo samples at `rate`."""
    result = _ffmpeg("-v", "error", "-i", str(path), "-map", "0:a:0", "-f", "f32le", "-ac", "2",
                     "-ar", str(rate), "-")
    return np.frombuffer(result.stdout, np.float32).reshape(-1, 2)
