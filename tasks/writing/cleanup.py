"""A draft's text -> the story's sentences: numbering, markdown, title lines, stage directions and quotes
removed, a numbered line closed as one sentence, then split into sentences (Russian too)."""

from __future__ import annotations

import re


def numbered(sentences: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"{i}. {sentence}" for i, sentence in enumerate(sentences, 1))


_MARKDOWN = re.compile(r"(\*\*|__|\*|_|`|~~|#+\s*|^>\s*)", re.MULTILINE)
_LIST_MARK = re.compile(r"^\s*(?:[-•*+]|\d+(?:[.)]|\s*[-–—:])|[IVX]+\.)\s+", re.MULTILINE)
_NUMBER = re.compile(r"^\s*(\d+)(?:[.)]|\s*[-–—:])\s", re.MULTILINE)
# Letters a story in the language may hold: its own alphabet, and Latin for names in a Russian story.
_BULLET = re.compile(r"^\s*[-•*+]\s+", re.MULTILINE)
_TITLE_LINE = re.compile(r"^\s*(?:title|название|заголовок)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«“(]*[A-ZА-ЯЁ0-9])")
_ABBREVIATIONS = re.compile(r"\b(Mr|Mrs|Ms|Dr|St|Prof|Sr|Jr|т\.е|т\.к|т\.д|т\.п|г|ул)\.\s", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    # An abbreviation's period is swapped for a one-dot leader (not a sentence end), then restored.
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\u2024"), text)
    parts = [p.replace("\u2024", ".").strip() for p in _SENTENCE_END.split(protected)]
    return [p for p in parts if p]


def close_numbered_lines(raw: str) -> str:
    """A numbered line is one sentence: a finished line (a newline follows) that lacks an end mark gets a
    period in place of a trailing comma or dash ("4. На берегу светили звёзды," -> "... звёзды.")."""
    lines = raw.split("\n")
    for i, line in enumerate(lines[:-1]):  # the last line may still be being written
        mark = _LIST_MARK.match(line)
        if mark and line[mark.end():].strip() and not re.search(r"[.!?…][\"'»”)]*\s*$", line):
            lines[i] = re.sub(r"[\s,;:—–-]*$", ".", line, count=1)
    return "\n".join(lines)


def clean_text(raw: str) -> str:
    """The narratable text of a draft: no title line, numbering, markdown, stage directions or quotes."""
    text = _TITLE_LINE.sub("", close_numbered_lines(raw))
    text = _LIST_MARK.sub("", text)
    text = _MARKDOWN.sub("", text)
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)", "", text)  # stage directions, notes
    text = re.sub(r"[\"“”«»]", "", text)
    return " ".join(text.split())


def clean_draft(raw: str) -> tuple[str | None, list[str]]:
    """(title if the model wrote one, the complete sentences)."""
    title_match = _TITLE_LINE.search(raw)
    title = title_match.group(1).strip(" *\"'") if title_match else None
    sentences = split_sentences(clean_text(raw))
    if sentences and not re.search(r"[.!?…]$", sentences[-1]):
        sentences.pop()  # cut off mid-sentence (by the token limit, or by our stop)
    return title, sentences
