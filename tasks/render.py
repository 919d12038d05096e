"""render: narration + pictures + music -> story.mp4 with burned-in subtitles, and its sidecar files.

Frames are drawn with PIL/numpy (a slow Ken Burns pan/zoom per picture, crossfades at the cuts,
subtitles while the voice speaks) and streamed as raw RGB to the ffmpeg that imageio-ffmpeg ships;
nothing is composited per pixel in Python beyond a crop-resize and a blend, so 720p renders faster
than real time on one core.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from core.audio import normalise_loudness, read_wav, resample, write_wav
from model_registry.pictures import library
from tasks import timeline
from tasks.artifacts import Artifact, load_artifact, new_artifact, stage_task
from tasks.shots import read_shots
from tasks.story import Story

FPS = 24
MIX_RATE = 44_100
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
END_TEXT = {"en": "The End", "ru": "Конец"}
CROSSFADE = 0.4  # seconds, centred on each cut; fits inside the LEAD + TAIL pads around the voice
ZOOM = 0.08  # Ken Burns: how much closer the camera gets over one shot
FADE_FROM_BLACK, FADE_TO_BLACK = 0.5, 0.8
MUSIC_LUFS = -22.0  # the bed between sentences; narration sits at -18 LUFS
DUCK = 0.4  # music gain while someone speaks (-8 dB)
FINAL_LUFS = -16.0


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy wrap at the widest line count that fits, preferring breaks after commas and dashes."""
    for chars in range(60, 10, -2):
        lines = _phrase_wrap(text, chars)
        if all(draw.textlength(line, font=font) <= width for line in lines):
            return lines
    return textwrap.wrap(text, 10)


def _phrase_wrap(text: str, chars: int) -> list[str]:
    lines = textwrap.wrap(text, chars)
    for i in range(len(lines) - 1):  # move a short phrase tail after a comma onto the next line
        head, _, tail = lines[i].rpartition(", ")
        if head and len(tail) < chars // 3 and len(tail) + 1 + len(lines[i + 1]) <= chars:
            lines[i], lines[i + 1] = head + ",", f"{tail} {lines[i + 1]}"
    return lines


def card(size: tuple[int, int], palette: list[str], text: str) -> Image.Image:
    """A title or end card: the palette's last two colours as a dark gradient, the text centred."""
    width, height = size
    top, bottom = (np.array(ImageColor.getrgb(c), np.float32) for c in palette[-2:][::-1])
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    gradient = np.broadcast_to(top * 0.35 * (1 - y) + bottom * 0.25 * y, (height, width, 3))
    image = Image.fromarray(gradient.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    font = _font(max(24, height // 12))
    lines = _wrap(draw, text, font, int(width * 0.85))
    line_height = font.size * 1.25
    y0 = height / 2 - line_height * len(lines) / 2
    for i, line in enumerate(lines):
        draw.text((width / 2, y0 + i * line_height), line, font=font, fill=(255, 255, 255), anchor="ma")
    return image


@dataclass
class Caption:
    """A sentence drawn once as an RGBA band for the bottom of the frame, then alpha-blended per frame."""
    top: int
    colour: np.ndarray  # (band height, width, 3) float32
    alpha: np.ndarray  # (band height, width, 1) float32 in [0, 1]

    @classmethod
    def draw(cls, text: str, size: tuple[int, int]) -> Caption:
        width, height = size
        layer = Image.new("RGBA", size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        font = _font(max(18, min(width, height) // 24))
        lines = _wrap(draw, text, font, int(width * 0.86))
        line_height = int(font.size * 1.3)
        top = height - int(height * 0.05) - line_height * len(lines) - font.size // 2
        draw.rounded_rectangle((int(width * 0.05), top, int(width * 0.95), height - int(height * 0.04)),
                               radius=font.size // 3, fill=(0, 0, 0, 150))
        for i, line in enumerate(lines):
            draw.text((width / 2, top + font.size // 4 + i * line_height), line, font=font,
                      fill=(255, 255, 255, 255), anchor="ma", stroke_width=2, stroke_fill=(0, 0, 0, 255))
        band = np.asarray(layer, np.float32)[top:]
        return cls(top, band[..., :3], band[..., 3:] / 255.0)

    def over(self, frame: np.ndarray) -> np.ndarray:
        out = frame.copy()
        region = out[self.top:].astype(np.float32)
        out[self.top:] = (region + (self.colour - region) * self.alpha).round().astype(np.uint8)
        return out


@dataclass
class Scene:
    """One picture on screen from `start` to `end` (seconds), moving slowly, captioned while `cue` runs."""
    image: Image.Image
    start: float
    end: float
    motion: int = -1  # -1: still (cards); else the index that picks the pan/zoom direction
    caption: Caption | None = None
    cue: tuple[float, float] = (0.0, 0.0)

    def frame(self, t: float, size: tuple[int, int]) -> np.ndarray:
        if self.motion < 0:
            picture = np.asarray(self.image)
        else:
            progress = np.clip((t - self.start + CROSSFADE / 2) / (self.end - self.start + CROSSFADE), 0, 1)
            picture = np.asarray(ken_burns(self.image, size, progress, self.motion))
        if self.caption is not None and self.cue[0] <= t < self.cue[1]:
            picture = self.caption.over(picture)
        return picture


def ken_burns(image: Image.Image, size: tuple[int, int], progress: float, motion: int) -> Image.Image:
    """Crop a window that zooms in (even shots) or out (odd) while drifting to one of four corners."""
    width, height = image.size
    eased = progress * progress * (3 - 2 * progress)  # smoothstep: no jolt at the ends
    zoom = 1 + ZOOM * (eased if motion % 2 == 0 else 1 - eased)
    w, h = width / zoom, height / zoom
    dx, dy = [(1, 1), (-1, 1), (1, -1), (-1, -1)][(motion // 2) % 4]
    cx = width / 2 + dx * (width - w) / 2 * (2 * eased - 1)
    cy = height / 2 + dy * (height - h) / 2 * (2 * eased - 1)
    box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    return image.resize(size, Image.Resampling.BILINEAR, box=box)


def frame_at(scenes: list[Scene], t: float, size: tuple[int, int], total: float) -> np.ndarray:
    """The frame at time t: the scene on screen, crossfaded with its neighbour near a cut."""
    half = CROSSFADE / 2
    showing = [s for s in scenes if s.start - half <= t < s.end + half] or [scenes[-1]]
    frame = showing[0].frame(t, size)
    if len(showing) > 1:
        weight = np.clip((t - (showing[1].start - half)) / CROSSFADE, 0, 1)
        frame = (frame * (1 - weight) + showing[1].frame(t, size) * weight).round().astype(np.uint8)
    fade = min(1.0, t / FADE_FROM_BLACK, (total - t) / FADE_TO_BLACK)
    return frame if fade >= 1 else (frame * max(0.0, fade)).round().astype(np.uint8)


def fitted(path: Path, size: tuple[int, int]) -> Image.Image:
    with Image.open(path) as source:
        return source.convert("RGB").resize(size, Image.Resampling.LANCZOS)


def mix(speech: list[Path], music: Path, shots: list[timeline.Shot], total: float) -> np.ndarray:
    """Narration on top; music at a fixed loudness, ducked while someone speaks and faded at both ends;
    the whole mix brought to -16 LUFS with peaks below -1 dBFS."""
    length = int(round(total * MIX_RATE))
    score, rate = read_wav(music)
    score = np.stack([resample(score[:, c], rate, MIX_RATE) for c in range(score.shape[1])], axis=1)
    out = np.zeros((length, 2), np.float32)
    out[: min(length, len(score))] = normalise_loudness(score, MIX_RATE, MUSIC_LUFS)[:length]
    gain = np.ones(length, np.float32)
    voice = np.zeros(length, np.float32)
    ramp = int(0.25 * MIX_RATE)
    for path, shot in zip(speech, shots):
        samples, rate = read_wav(path)
        samples = resample(samples, rate, MIX_RATE)
        start = int(round(shot.voice_start * MIX_RATE))
        end = min(length, start + len(samples))
        voice[start:end] += samples[: end - start]
        gain[max(0, start - ramp // 2): min(length, end + ramp // 2)] = DUCK
    smooth = np.convolve(gain, np.ones(ramp, np.float32) / ramp, mode="same")  # no clicks at the ducks
    t = np.arange(length, dtype=np.float32) / MIX_RATE
    fades = np.clip(np.minimum(t / 1.0, (total - t) / 1.5), 0, 1)
    return normalise_loudness(out * (smooth * fades)[:, None] + voice[:, None], MIX_RATE, FINAL_LUFS)


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


def contact_sheet(pictures: list[Path], most_columns: int = 4, thumb: int = 320) -> Image.Image:
    """The pictures in rows as even as they come (3 in one row, 6 in two rows of 3, 8 in two of 4)."""
    rows = -(-len(pictures) // most_columns)
    columns = -(-len(pictures) // rows)
    thumbs = []
    for path in pictures:
        with Image.open(path) as image:
            thumbs.append(image.convert("RGB").resize((thumb, thumb * image.height // image.width)))
    sheet = Image.new("RGB", (columns * thumb, rows * thumbs[0].height), (20, 20, 20))
    for i, image in enumerate(thumbs):
        sheet.paste(image, ((i % columns) * thumb, (i // columns) * image.height))
    return sheet


def encode(scenes: list[Scene], size: tuple[int, int], audio: Path, total: float, target: Path) -> None:
    """Stream frames into x264 + AAC in an MP4 with faststart, bit-exact (same inputs -> same bytes)."""
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
            encoder.stdin.write(frame_at(scenes, index / FPS, size, total).tobytes())
        encoder.stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg stopped early; its error message is read below
    error = encoder.stderr.read().decode(errors="replace")
    if encoder.wait():
        raise RuntimeError(f"ffmpeg failed: {error.strip()[-500:]}")


def narration_quality(checks: list[dict | None]) -> dict:
    """Story-level figures from the narration checks (when they ran): mean WER and subtitle sync error."""
    done = [c for c in checks if c]
    if not done:
        return {}
    syncs = [c["subtitle_sync_error"] for c in done if c["subtitle_sync_error"] is not None]
    return {"narration_word_error_rate": round(sum(c["word_error_rate"] for c in done) / len(done), 3),
            "subtitle_sync_error_seconds": round(sum(syncs) / len(syncs), 3) if syncs else None}


def _depends_on(story: Story, narrations: list[Artifact], pictures: list[Artifact], music: Artifact,
                plan: Artifact, size: tuple[int, int], credits: dict) -> dict:
    return {"story": story.artifact.digest, "narrations": [n.digest for n in narrations],
            "pictures": [p.digest for p in pictures], "music": music.digest, "shots": plan.digest,
            "size": list(size), "credits": credits}


@stage_task("render", _depends_on, run_name="render", retries=1)
def render(story: Story, narrations: list[Artifact], pictures: list[Artifact], music: Artifact, plan: Artifact,
           size: tuple[int, int], credits: dict) -> Artifact:
    """`credits` (the request's seed and the models used per stage) goes into story.json as given, with the
    shot plan, what each picture drew, and the credit lines of the art packs that ask for one."""
    shots, total = timeline.plan([n.meta["duration"] for n in narrations])
    speech = [n.path("speech.wav") for n in narrations]
    palette = story.bible["palette"].split(",")
    scenes = [Scene(card(size, palette, story.title), 0.0, timeline.TITLE_SECONDS)]
    for i, (picture, shot) in enumerate(zip(pictures, shots)):
        scenes.append(Scene(fitted(picture.path("picture.png"), size), shot.start, shot.end, motion=i,
                            caption=Caption.draw(story.sentences[i], size), cue=(shot.voice_start, shot.voice_end)))
    scenes.append(Scene(card(size, palette, END_TEXT[story.language]), shots[-1].end, total))
    with new_artifact("render") as out, tempfile.TemporaryDirectory() as work:
        write_wav(Path(work) / "mix.wav", mix(speech, music.path("music.wav"), shots, total), MIX_RATE)
        encode(scenes, size, Path(work) / "mix.wav", total, out.path("story.mp4"))
        srt, vtt = subtitles(story.sentences, shots)
        out.path("story.srt").write_text(srt, "utf-8")
        out.path("story.vtt").write_text(vtt, "utf-8")
        contact_sheet([p.path("picture.png") for p in pictures]).save(out.path("contact_sheet.png"))
        checks = [n.meta.get("quality") for n in narrations]
        assets = [(load_artifact("illustrate", p.meta["source"]) or p).meta.get("assets", []) for p in pictures]
        report = {
            "title": story.title, "language": story.language, "genre": story.genre,
            "sentences": [
                {"text": text, "mood": mood, "start": s.start, "voice_start": s.voice_start,
                 "voice_end": s.voice_end, "end": s.end} | ({"narration_check": check} if check else {})
                for text, mood, s, check in zip(story.sentences, story.moods, shots, checks)
            ],
            **narration_quality(checks),
            "duration": total, "size": list(size), "fps": FPS, "bible": story.bible, "story_model": story.model,
            **credits,
            "artifacts": {  # cache key (folder) and content sha256 of each stage's output
                "write_story": {"key": story.artifact.key, "sha256": story.artifact.digest},
                "narrate": [{"key": n.key, "sha256": n.digest} for n in narrations],
                "illustrate": [{"key": p.meta["source"]} for p in pictures],
                "upscale": [{"key": p.key, "sha256": p.digest} for p in pictures],
                "compose_music": {"key": music.key, "sha256": music.digest},
                "render": {"key": out.key},
            },
            "drafts": list(story.drafts),
            "shots": [shot | {"drawn": drawn} for shot, drawn in zip(read_shots(plan), assets)],
            "art_credits": library.credits([asset for drawn in assets for asset in drawn]),
        }
        out.path("story.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
        return out.commit(duration=total)
