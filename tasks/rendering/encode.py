"""Frames and the mixed soundtrack into an MP4 with the ffmpeg that imageio-ffmpeg ships: raw RGB frames
streamed into H.264 (x264 `superfast`, tuned for animation, on one thread: at 720p it keeps up with the
frames' drawing on the other core, and its own threads only fought that drawing for the CPU: frames+encode
of one story 15.6 s against 17.5 s, the mean of 4 alternating runs each); the soundtrack as AAC beside
it; then both muxed, as they are, with faststart. Bit-exact: the same inputs give the same bytes. Apart,
so the soundtrack is mixed and encoded while the frames are drawn."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
from PIL import Image

from tasks.rendering.frames import FPS

EXACT = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]


def encode_video(frame: Callable[[float], Image.Image], size: tuple[int, int], total: float, target: Path) -> None:
    """`frame(t)` for every frame of `total` seconds at FPS into an H.264 video without sound."""
    width, height = size
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-thread_queue_size", "64", "-f", "rawvideo",
               "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(FPS), "-i", "-", "-pix_fmt", "yuv420p",
               "-c:v", "libx264", "-preset", "superfast", "-tune", "animation", "-crf", "21", "-threads", "1", *EXACT,
               "-f", "mp4", str(target)]
    encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    _widen(encoder.stdin)
    try:
        for index in range(int(round(total * FPS))):
            encoder.stdin.write(frame(index / FPS).tobytes())
        encoder.stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg stopped early; its error message is read below
    _finished(encoder)


def encode_audio(wav: Path, target: Path) -> None:
    """The soundtrack as AAC (160 kb/s) in an MP4 container of its own, to be muxed."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-i", str(wav), "-c:a", "aac",
               "-aac_coder", "fast", "-b:a", "160k", *EXACT, "-f", "mp4", str(target)]
    _finished(subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE))


def mux(video: Path, audio: Path, total: float, target: Path) -> None:
    """The encoded video and soundtrack, as they are, into `target`, `total` seconds long, faststart."""
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-i", str(video), "-i", str(audio),
               "-map", "0:v", "-map", "1:a", "-c", "copy", "-t", f"{total:.6f}", "-movflags", "+faststart",
               *EXACT, str(target)]
    _finished(subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE))


def _widen(pipe) -> None:
    """A pipe as wide as Linux allows (1 MB by default, not 64 KB), so drawing and encoding overlap
    instead of taking turns."""
    try:
        import fcntl

        widest = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, widest)
    except (ImportError, OSError, ValueError, AttributeError):
        pass  # not Linux: the default pipe


def _finished(process: subprocess.Popen) -> None:
    error = process.stderr.read().decode(errors="replace")
    if process.wait():
        raise RuntimeError(f"ffmpeg failed: {error.strip()[-500:]}")
