"""write_story: (prompt, genre, language, count, seed) -> a structured Story, written by a language model.

The model's raw text is cleaned (markdown, numbering, titles, quotes), split into sentences (Russian
too), and checked for degenerate output (repetition loops, wrong language or not words at all, lists).
A draft that stops short is continued ("go on for N more sentences"); a bad one is retried with the
next seed a bounded number of times before the stage fails clearly. Then the same model, with the
story in its context, writes the story bible: a title and one line each on how the hero looks and
where the story happens, which every picture of the story follows. Tokens stream to the
`digiteller.stream` logger as they are written (the CLI prints them).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field

import model_registry
from tasks.artifacts import Artifact, PermanentError, new_artifact, stage_task
from tasks.request import LANGUAGES, Genre

CODE_VERSION = "4"
ATTEMPTS = 3
log = logging.getLogger("digiteller.progress")
stream = logging.getLogger("digiteller.stream")
CONTINUE = {
    "en": "Continue the same story with exactly {missing} more short sentences of plain prose, ending it.",
    "ru": "Продолжи ту же историю: ещё ровно {missing} коротких предложения простой прозой, с концовкой.",
}
VOWELS = {"en": set("aeiouy"), "ru": set("аеёиоуыэюя")}
# The bible request: one labelled line per field, in the story's language.
DESCRIBE = {
    "en": ("Describe this story for its illustrator. Answer in exactly three lines, in this form:\n"
           "Title: <a title of two to six words>\n"
           "Hero: <who the main character is and how they look, under twelve words>\n"
           "Setting: <where the story happens, under twelve words>"),
    "ru": ("Опиши эту историю для художника. Ответь ровно тремя строками в таком виде:\n"
           "Название: <название из двух-шести слов>\n"
           "Герой: <кто главный герой и как он выглядит, до двенадцати слов>\n"
           "Место: <где происходит история, до двенадцати слов>"),
}
BIBLE_LABELS = {"title": ("title", "название"), "hero": ("hero", "герой"), "setting": ("setting", "место")}
BIBLE_MAX_WORDS = {"title": 10, "hero": 30, "setting": 30}
# Function words that would tie any hero line to any story.
COMMON_WORDS = set("""the and who she his her was for but not all are one you its has had him out how why
now two can did get our own too any with that this from they their there have about which where when
named called это его она они был все как так что где над под без для при уже еще там тут который
которая которое которые очень когда чтобы этот этого""".split())

MOOD_WORDS = {
    "tense": ("danger", "dark", "fear", "storm", "chase", "scream", "trap", "strange", "опасн", "страх", "бур", "темн"),
    "sad": ("sad", "lost", "cry", "alone", "tears", "lonely", "груст", "плак", "один", "потерял"),
    "joyful": ("happy", "laugh", "joy", "smile", "celebrat", "danced", "рад", "смея", "счаст", "улыб"),
    "calm": ("sleep", "quiet", "soft", "gentle", "rest", "dream", "сон", "спать", "тих", "мягк", "засып"),
    "mysterious": ("secret", "mystery", "clue", "hidden", "whisper", "тайн", "загад", "улик", "шепот"),
    "triumphant": ("won", "victory", "saved", "finally", "reached", "hero", "побед", "спас", "наконец"),
}


@dataclass(frozen=True)
class Story:
    title: str
    sentences: tuple[str, ...]
    moods: tuple[str, ...]
    # What every picture keeps: hero and setting (one line each, written by the model, or the prompt
    # when the model's lines were unusable), the prompt, the genre's style, palette and default
    # scenery, and who wrote it ("written_by").
    bible: dict[str, str]
    language: str
    genre: str
    model: str
    artifact: Artifact | None = field(default=None, compare=False)


class DegenerateStory(PermanentError):
    """The model's draft is not a usable story (reason in the message); the same seeds would repeat it."""


class TooShort(DegenerateStory):
    """A clean draft with fewer complete sentences than asked: worth continuing rather than discarding."""


def build_messages(prompt: str, genre: Genre, language: str, count: int) -> list[dict[str, str]]:
    instruction = genre.prompt[language].format(prompt=prompt, sentences=count)
    system = (
        "You are a storyteller. Reply with the story only: plain sentences, no title, no lists, "
        "no headings, no notes." if language == "en" else
        "Ты рассказчик. Отвечай только текстом сказки на русском языке: простые предложения, "
        "без заголовка, списков и примечаний."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": instruction}]


_MARKDOWN = re.compile(r"(\*\*|__|\*|_|`|~~|#+\s*|^>\s*)", re.MULTILINE)
_LIST_MARK = re.compile(r"^\s*(?:[-•*+]|\d+[.)]|[IVX]+\.)\s+", re.MULTILINE)
_TITLE_LINE = re.compile(r"^\s*(?:title|название|заголовок)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«“(]*[A-ZА-ЯЁ0-9])")
_ABBREVIATIONS = re.compile(r"\b(Mr|Mrs|Ms|Dr|St|Prof|Sr|Jr|т\.е|т\.к|т\.д|т\.п|г|ул)\.\s", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    # An abbreviation's period is swapped for a one-dot leader (not a sentence end), then restored.
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\u2024"), text)
    parts = [p.replace("\u2024", ".").strip() for p in _SENTENCE_END.split(protected)]
    return [p for p in parts if p]


def clean_draft(raw: str) -> tuple[str | None, list[str]]:
    """(title if the model wrote one, the narratable sentences)."""
    title_match = _TITLE_LINE.search(raw)
    title = title_match.group(1).strip(" *\"'") if title_match else None
    text = _TITLE_LINE.sub("", raw)
    text = _LIST_MARK.sub("", text)
    text = _MARKDOWN.sub("", text)
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)", "", text)  # stage directions, notes
    text = re.sub(r"[\"“”«»]", "", text)
    text = " ".join(text.split())
    sentences = split_sentences(text)
    if sentences and not re.search(r"[.!?…]$", sentences[-1]):
        sentences.pop()  # cut off by the token limit
    return title, sentences


def check_draft(sentences: list[str], language: str, count: int, raw: str) -> None:
    if len(_LIST_MARK.findall(raw)) >= 3:
        raise DegenerateStory("a list instead of a story")
    chosen = sentences[:count]
    if len({s.lower() for s in chosen}) < len(chosen):
        raise DegenerateStory("repeated sentences")
    words = re.findall(r"[^\W\d_]+", " ".join(chosen).lower())
    grams = [" ".join(words[i:i + 4]) for i in range(len(words) - 3)]
    if grams and max(grams.count(g) for g in set(grams)) >= max(4, len(chosen) + 1):
        raise DegenerateStory("a repetition loop")  # more often than once per sentence: a refrain is fine
    if (language == "ru") != (cyrillic_share(" ".join(words)) > 0.5):
        raise DegenerateStory(f"not written in {LANGUAGES[language]}")
    wordlike = sum(bool(VOWELS[language] & set(w)) for w in words) / max(1, len(words))
    mean_length = sum(map(len, words)) / max(1, len(words))
    if wordlike < 0.85 or not 2.5 <= mean_length <= 11:
        raise DegenerateStory(f"not readable {LANGUAGES[language]} words")
    if len(sentences) < count:
        raise TooShort(f"{len(sentences)} complete sentences, {count} needed")


def cyrillic_share(text: str) -> float:
    letters = "".join(re.findall(r"[^\W\d_]+", text.lower()))
    return sum("а" <= ch <= "я" or ch == "ё" for ch in letters) / max(1, len(letters))


def stems(text: str) -> set[str]:
    """Word stems good enough to spot the same word inflected ("девочка", "девочку"): the first five letters
    of every word of three or more, minus function words."""
    words = re.findall(r"[^\W\d_]{3,}", text.lower().replace("ё", "е"))
    return {word[:5] for word in words if word not in COMMON_WORDS}


def parse_bible(raw: str, language: str, story: str) -> dict[str, str]:
    """The model's labelled lines -> {title, hero, setting}; raises DegenerateStory if any is missing,
    too long or in the wrong language, or if the hero line names nobody the prompt or `story` does
    (a small model sometimes describes a character it never wrote)."""
    found = {}
    for line in _MARKDOWN.sub("", raw).splitlines():
        label, _, value = line.partition(":")
        value = re.sub(r"[\"“”«»<>]", "", value).strip(" .")
        for field_name, labels in BIBLE_LABELS.items():
            if label.strip().lower() in labels and value and field_name not in found:
                found[field_name] = value
    for field_name, most in BIBLE_MAX_WORDS.items():
        if field_name not in found:
            raise DegenerateStory(f"no {field_name} line in the description")
        if len(found[field_name].split()) > most:
            raise DegenerateStory(f"the {field_name} line is longer than {most} words")
        if (language == "ru") != (cyrillic_share(found[field_name]) > 0.5):
            raise DegenerateStory(f"the {field_name} line is not in {LANGUAGES[language]}")
    if not stems(found["hero"]) & stems(story):
        raise DegenerateStory("the hero line names nobody in the story")
    return found


def describe_story(lm, messages: list[dict[str, str]], prompt: str, sentences: tuple[str, ...], language: str,
                   seed: int) -> dict[str, str] | None:
    """Ask the model that wrote the story for its title, hero and setting (two tries); None when both
    answers are unusable."""
    request = messages + [{"role": "assistant", "content": " ".join(sentences)},
                          {"role": "user", "content": DESCRIBE[language]}]
    for attempt in range(2):
        log.info("write_story: describing the hero and the setting for the pictures")
        raw = _streamed(lm, request, seed=seed + attempt, max_new_tokens=90, temperature=0.3)
        try:
            return parse_bible(raw, language, " ".join((prompt, *sentences)))
        except DegenerateStory as exc:
            log.info("write_story: description rejected (%s)", exc)
    return None


def tag_mood(sentence: str, default: str) -> str:
    lower = sentence.lower()
    scores = {mood: sum(word in lower for word in words) for mood, words in MOOD_WORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else default


def compose_story(prompt: str, genre: Genre, language: str, count: int, seed: int, model: str | None) -> Story:
    """The plain function: ask the model, clean and check the draft, continue a short one, retry a bad
    one with the next seed."""
    lm = model_registry.get("text", model)
    messages = build_messages(prompt, genre, language, count)
    problems = []
    for attempt in range(ATTEMPTS):
        log.info("write_story: drafting (attempt %d of %d)", attempt + 1, ATTEMPTS)
        title, sentences, raw = _draft(lm, messages, seed + attempt, 40 * count + 60)
        try:
            try:
                check_draft(sentences, language, count, raw)
            except TooShort:
                missing = count - len(sentences)
                log.info("write_story: %d sentences short, asking the model to go on", missing)
                follow_up = messages + [{"role": "assistant", "content": " ".join(sentences)},
                                        {"role": "user", "content": CONTINUE[language].format(missing=missing)}]
                _, more, extra = _draft(lm, follow_up, seed + attempt, 40 * missing + 40)
                sentences, raw = sentences + more, raw + "\n" + extra
                check_draft(sentences, language, count, raw)
        except DegenerateStory as exc:
            problems.append(str(exc))
            log.info("write_story: draft rejected (%s)", exc)
            continue
        chosen = tuple(sentences[:count])
        described = describe_story(lm, messages, prompt, chosen, language, seed + attempt)
        if described is None:
            log.warning("write_story: the model's description was unusable twice; the pictures follow the prompt")
        lines = described or {"title": title or prompt[:1].upper() + prompt[1:], "hero": prompt, "setting": ""}
        return Story(
            title=title or lines["title"],
            sentences=chosen,
            moods=tuple(tag_mood(s, genre.music["mood"]) for s in chosen),
            bible={"hero": lines["hero"], "setting": lines["setting"], "prompt": prompt,
                   "scenery": genre.visual.get("setting", ""), "style": genre.visual["style"],
                   "palette": ",".join(genre.visual["palette"]),
                   "written_by": lm.entry.name if described else "prompt"},
            language=language,
            genre=genre.name,
            model=lm.entry.name,
        )
    raise DegenerateStory(f"no usable story after {ATTEMPTS} drafts: " + "; ".join(problems))


def _streamed(lm, messages: list[dict[str, str]], **options) -> str:
    """One generation, streamed token by token to `digiteller.stream` as an indented paragraph."""
    stream.info("    ")
    raw = lm.generate(messages, on_text=stream.info, **options)
    stream.info("\n")
    return raw


def _draft(lm, messages: list[dict[str, str]], seed: int, max_new_tokens: int) -> tuple[str | None, list[str], str]:
    """One story draft: (title, sentences, raw text)."""
    raw = _streamed(lm, messages, seed=seed, max_new_tokens=max_new_tokens)
    title, sentences = clean_draft(raw)
    return title, sentences, raw


def _depends_on(prompt: str, genre: Genre, language: str, count: int, seed: int, model: str | None) -> dict:
    return {"prompt": prompt, "template": genre.prompt[language], "language": language, "count": count,
            "seed": seed, "model": model_registry.identity("text", model)}


@stage_task("write_story", CODE_VERSION, _depends_on, run_name="write_story")
def write_story(prompt: str, genre: Genre, language: str, count: int, seed: int, model: str | None = None) -> Story:
    story = compose_story(prompt, genre, language, count, seed, model)
    with new_artifact("write_story") as out:
        fields = {k: v for k, v in asdict(story).items() if k != "artifact"}
        out.path("story.json").write_text(json.dumps(fields, ensure_ascii=False, indent=1), "utf-8")
        return Story(**fields, artifact=out.commit())
