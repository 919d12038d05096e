"""render: narration + pictures + music -> story.mp4 with burned-in subtitles, and its sidecar files.

Frames are drawn once per shot with PIL and handed to ffmpeg's concat demuxer with their durations,
so encoding costs little more than the x264 pass (no per-frame Python compositing).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import textwrap
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from tasks import timeline
from tasks.artifacts import Artifact, new_artifact, stage_task
from tasks.audio import read_wav, resample, write_wav
from tasks.story import Story

CODE_VERSION = "1"
FPS = 24
MIX_RATE = 44_100
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
END_TEXT = {"en": "The End", "ru": "Конец"}


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    for chars in range(60, 10, -2):
        lines = textwrap.wrap(text, chars)
        if all(draw.textlength(line, font=font) <= width for line in lines):
            return lines
    return textwrap.wrap(text, 10)


def card(size: tuple[int, int], palette: list[str], text: str) -> Image.Image:
    """A title or end card: the palette's first two colours as a gradient, the text centred."""
    width, height = size
    top, bottom = (np.array(ImageColor.getrgb(c), np.float32) for c in palette[-2:][::-1])
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    image = Image.fromarray(np.broadcast_to(top * 0.35 * (1 - y) + bottom * 0.25 * y, (height, width, 3)).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    font = _font(max(24, height // 12))
    lines = _wrap(draw, text, font, int(width * 0.85))
    line_height = font.size * 1.25
    y0 = height / 2 - line_height * len(lines) / 2
    for i, line in enumerate(lines):
        draw.text((width / 2, y0 + i * line_height), line, font=font, fill=(255, 255, 255), anchor="ma")
    return image


def subtitled(picture: Path, size: tuple[int, int], text: str) -> Image.Image:
    """The shot's picture, fitted to the frame, with its sentence in a box at the bottom."""
    with Image.open(picture) as source:
        image = source.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    width, height = size
    draw = ImageDraw.Draw(image, "RGBA")
    font = _font(max(18, min(width, height) // 24))
    lines = _wrap(draw, text, font, int(width * 0.86))
    line_height = int(font.size * 1.3)
    box_top = height - int(height * 0.05) - line_height * len(lines) - font.size // 2
    draw.rectangle((int(width * 0.05), box_top, int(width * 0.95), height - int(height * 0.04)), fill=(0, 0, 0, 150))
    for i, line in enumerate(lines):
        draw.text((width / 2, box_top + font.size // 4 + i * line_height), line, font=font,
                  fill=(255, 255, 255), anchor="ma", stroke_width=2, stroke_fill=(0, 0, 0))
    return image


def mix(speech: list[Path], music: Path, shots: list[timeline.Shot], total: float) -> np.ndarray:
    """Narration on top; music ducked to a third while someone speaks, back up between sentences."""
    length = int(round(total * MIX_RATE))
    score, rate = read_wav(music)
    score = np.stack([resample(score[:, c], rate, MIX_RATE) for c in range(score.shape[1])], axis=1)
    out = np.zeros((length, 2), np.float32)
    out[: min(length, len(score))] = score[:length]
    gain = np.full(length, 0.8, np.float32)
    voice = np.zeros(length, np.float32)
    ramp = int(0.25 * MIX_RATE)
    for path, shot in zip(speech, shots):
        samples, rate = read_wav(path)
        samples = resample(samples, rate, MIX_RATE)
        start = int(round(shot.voice_start * MIX_RATE))
        end = min(length, start + len(samples))
        voice[start:end] += samples[: end - start]
        lo, hi = max(0, start - ramp), min(length, end + ramp)
        gain[lo:hi] = 0.28
    smooth = np.convolve(gain, np.ones(ramp, np.float32) / ramp, mode="same")  # no clicks at the ducks
    out = out * smooth[:, None] + voice[:, None]
    peak = float(np.abs(out).max()) or 1.0
    return out * min(1.0, 0.89 / peak)


def _clock(seconds: float, separator: str) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{separator}{ms % 1000:03d}"


def subtitles(sentences: tuple[str, ...], shots: list[timeline.Shot]) -> tuple[str, str]:
    """(SRT, WebVTT) with one cue per sentence, timed to its narration."""
    srt, vtt = [], ["WEBVTT", ""]
    for i, (text, shot) in enumerate(zip(sentences, shots), 1):
        srt += [str(i), f"{_clock(shot.voice_start, ',')} --> {_clock(shot.voice_end, ',')}", text, ""]
        vtt += [f"{_clock(shot.voice_start, '.')} --> {_clock(shot.voice_end, '.')}", text, ""]
    return "\n".join(srt), "\n".join(vtt)


def contact_sheet(pictures: list[Path], columns: int = 4, thumb: int = 320) -> Image.Image:
    thumbs = []
    for path in pictures:
        with Image.open(path) as image:
            thumbs.append(image.convert("RGB").resize((thumb, thumb * image.height // image.width)))
    rows = (len(thumbs) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * thumb, rows * thumbs[0].height), (20, 20, 20))
    for i, image in enumerate(thumbs):
        sheet.paste(image, ((i % columns) * thumb, (i // columns) * image.height))
    return sheet


def encode(frames: list[tuple[Path, float]], audio: Path, total: float, target: Path) -> None:
    """H.264 + AAC MP4, faststart, bit-exact (same inputs -> same bytes)."""
    listing = ["ffconcat version 1.0"]
    for path, seconds in frames:
        listing += [f"file '{path.name}'", f"duration {seconds:.6f}"]
    listing.append(f"file '{frames[-1][0].name}'")  # the demuxer ignores the last entry's duration
    concat = frames[0][0].parent / "frames.ffconcat"
    concat.write_text("\n".join(listing) + "\n")
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-f", "concat", "-safe", "0", "-i", str(concat),
        "-i", str(audio), "-vf", f"fps={FPS},format=yuv420p", "-c:v", "libx264", "-preset", "veryfast",
        "-tune", "stillimage", "-crf", "20", "-c:a", "aac", "-b:a", "160k", "-t", f"{total:.6f}",
        "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        "-flags:a", "+bitexact", str(target),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"ffmpeg failed: {result.stderr.strip()[-500:]}")


def _depends_on(story: Story, narrations: list[Artifact], pictures: list[Artifact], music: Artifact,
                size: tuple[int, int]) -> dict:
    return {"story": story.artifact.digest, "narrations": [n.digest for n in narrations],
            "pictures": [p.digest for p in pictures], "music": music.digest, "size": list(size)}


@stage_task("render", CODE_VERSION, _depends_on, run_name="render", retries=1)
def render(story: Story, narrations: list[Artifact], pictures: list[Artifact], music: Artifact,
           size: tuple[int, int]) -> Artifact:
    shots, total = timeline.plan([n.meta["duration"] for n in narrations])
    speech = [n.path("speech.wav") for n in narrations]
    palette = story.bible["palette"].split(",")
    with new_artifact("render") as out, tempfile.TemporaryDirectory() as work:
        frames_dir = Path(work)
        frames = [(frames_dir / "title.png", timeline.TITLE_SECONDS)]
        card(size, palette, story.title).save(frames[0][0])
        for i, (picture, shot) in enumerate(zip(pictures, shots)):
            path = frames_dir / f"shot{i:03d}.png"
            subtitled(picture.path("picture.png"), size, story.sentences[i]).save(path)
            frames.append((path, shot.end - shot.start))
        frames.append((frames_dir / "end.png", timeline.END_SECONDS))
        card(size, palette, END_TEXT[story.language]).save(frames[-1][0])

        write_wav(frames_dir / "mix.wav", mix(speech, music.path("music.wav"), shots, total), MIX_RATE)
        encode(frames, frames_dir / "mix.wav", total, out.path("story.mp4"))
        srt, vtt = subtitles(story.sentences, shots)
        out.path("story.srt").write_text(srt, "utf-8")
        out.path("story.vtt").write_text(vtt, "utf-8")
        contact_sheet([p.path("picture.png") for p in pictures]).save(out.path("contact_sheet.png"))
        report = {
            "title": story.title, "language": story.language, "genre": story.genre,
            "sentences": [
                {"text": text, "mood": mood, "start": s.start, "voice_start": s.voice_start,
                 "voice_end": s.voice_end, "end": s.end}
                for text, mood, s in zip(story.sentences, story.moods, shots)
            ],
            "duration": total, "size": list(size), "fps": FPS, "bible": story.bible, "story_model": story.model,
            "artifacts": {
                "story": story.artifact.key, "narrate": [n.key for n in narrations],
                "upscale": [p.key for p in pictures], "compose_music": music.key,
            },
        }
        out.path("story.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
        return out.commit(duration=total)
