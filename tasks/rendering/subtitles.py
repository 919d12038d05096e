"""Subtitles: each sentence burned into the frames while its voice speaks (a boxed, wrapped caption), and
the same cues as SRT and WebVTT sidecar files."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from core.contracts import Timeline

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy wrap at the widest line count that fits, preferring breaks after commas and dashes."""
    for chars in range(60, 10, -2):
        lines = _phrase_wrap(text, chars)
        if all(draw.textlength(line, font=face) <= width for line in lines):
            return lines
    return textwrap.wrap(text, 10)


def _phrase_wrap(text: str, chars: int) -> list[str]:
    lines = textwrap.wrap(text, chars)
    for i in range(len(lines) - 1):  # move a short phrase tail after a comma onto the next line
        head, _, tail = lines[i].rpartition(", ")
        if head and len(tail) < chars // 3 and len(tail) + 1 + len(lines[i + 1]) <= chars:
            lines[i], lines[i + 1] = head + ",", f"{tail} {lines[i + 1]}"
    return lines


@dataclass
class Caption:
    """A sentence drawn once as an RGBA band for the bottom of the frame, then pasted over each frame
    while its voice speaks."""
    top: int
    band: Image.Image  # RGB
    mask: Image.Image  # its alpha

    @classmethod
    def draw(cls, text: str, size: tuple[int, int]) -> Caption:
        width, height = size
        layer = Image.new("RGBA", size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        face = font(max(18, min(width, height) // 24))
        lines = wrap(draw, text, face, int(width * 0.86))
        line_height = int(face.size * 1.3)
        top = height - int(height * 0.05) - line_height * len(lines) - face.size // 2
        draw.rounded_rectangle((int(width * 0.05), top, int(width * 0.95), height - int(height * 0.04)),
                               radius=face.size // 3, fill=(0, 0, 0, 150))
        for i, line in enumerate(lines):
            draw.text((width / 2, top + face.size // 4 + i * line_height), line, font=face,
                      fill=(255, 255, 255, 255), anchor="ma", stroke_width=2, stroke_fill=(0, 0, 0, 255))
        band = layer.crop((0, top, width, height))
        return cls(top, band.convert("RGB"), band.getchannel("A"))

    def over(self, frame: Image.Image) -> Image.Image:
        """`frame` with the caption over it (a new image: `frame` may be a card shown again)."""
        out = frame.copy()
        out.paste(self.band, (0, self.top), self.mask)
        return out


def _clock(seconds: float, separator: str) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{separator}{ms % 1000:03d}"


def sidecars(sentences: tuple[str, ...], timeline: Timeline) -> tuple[str, str]:
    """(SRT, WebVTT) with one cue per sentence, timed to its narration."""
    srt, vtt = [], ["WEBVTT", ""]
    for i, (text, cue) in enumerate(zip(sentences, timeline.cues), 1):
        srt += [str(i), f"{_clock(cue.voice_start, ',')} --> {_clock(cue.voice_end, ',')}", text, ""]
        vtt += [f"{_clock(cue.voice_start, '.')} --> {_clock(cue.voice_end, '.')}", text, ""]
    return "\n".join(srt), "\n".join(vtt)
