"""Frames and the mixed soundtrack into an MP4: raw RGB frames streamed to the ffmpeg that imageio-ffmpeg
ships, H.264 + AAC with faststart, bit-exact (the same inputs give the same bytes)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from tasks.rendering.frames import FPS


def encode(frame: Callable[[float], np.ndarray], size: tuple[int, int], audio: Path, total: float,
           target: Path) -> None:
    """`frame(t)` for every frame of `total` seconds at FPS, with `audio`, into `target`."""
    width, height = size
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
        "-s", f"{width}x{height}", "-r", str(FPS), "-i", "-", "-i", str(audio),
        "-map", "0:v", "-map", "1:a", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast",
        "-crf", "21", "-c:a", "aac", "-b:a", "160k", "-t", f"{total:.6f}", "-movflags", "+faststart",
        "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        str(target),
    ]
    encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for index in range(int(round(total * FPS))):
            encoder.stdin.write(frame(index / FPS).tobytes())
        encoder.stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg stopped early; its error message is read below
    error = encoder.stderr.read().decode(errors="replace")
    if encoder.wait():
        raise RuntimeError(f"ffmpeg failed: {error.strip()[-500:]}")
