"""write_story: (prompt, genre, language, count, seed) -> a structured Story, written by a language model.

The model is asked for the story as `count` numbered lines, one sentence each, the last one its ending,
and generation stops the moment a sentence past `count` begins: nothing is generated only to be thrown
away, and nothing the model told is cut. When a draft ends early, or wants to go on past `count`, its
last sentence is dropped and the model finishes the story from there, ending at `count`. The text is
cleaned (numbering, markdown, titles, quotes), split into sentences (Russian too) and checked: a list, a
repetition loop, the wrong language, non-words (Russian: pymorphy3's dictionary) or a story that loses the
prompt's hero is redrafted with the next seed a bounded number of times. Then the same model, with the
story in its context, writes the story bible: a title and one line each on how the hero looks and where
the story happens, which every picture follows. Tokens stream to the `digiteller.stream` logger (the CLI
prints them); every generation is kept in `Story.drafts`, so story.json shows what the model wrote.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field

import model_registry
from tasks import russian
from tasks.artifacts import Artifact, PermanentError, new_artifact, stage_task
from tasks.request import LANGUAGES, Genre

ATTEMPTS = 3
KNOWN_WORDS = 0.95  # a Russian story with fewer dictionary words than this is not Russian enough
log = logging.getLogger("digiteller.progress")
stream = logging.getLogger("digiteller.stream")
SYSTEM = {
    "en": ("You are a storyteller. You tell a story as numbered lines, one short sentence per line, and write "
           "nothing else: no title, no notes."),
    "ru": ("Ты рассказчик. Ты рассказываешь историю на русском языке пронумерованными строками, по одному "
           "короткому предложению в строке, и больше ничего не пишешь: без заголовка и примечаний."),
}
# Finishing a story told so far: the sentences from `start` to `count`, the last one its ending.
FINISH = {
    "en": "Go on: write sentences {start} to {count}, numbered, one per line. Sentence {count} ends the story.",
    "ru": "Продолжи: напиши предложения с {start} по {count}, пронумерованные, по одному на строке. "
          "Предложением {count} история заканчивается.",
}
ENDING = {
    "en": "Now write sentence {count}, the last one: it ends the story. Reply with that one numbered line only.",
    "ru": "Теперь напиши предложение {count}, последнее: им история заканчивается. Ответь только этой строкой.",
}
RETELL = {  # a story of one sentence that wanted to go on
    "en": "Tell this whole story in one sentence.",
    "ru": "Расскажи всю эту историю одним предложением.",
}
FINISH_ROUNDS = 2
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
    # Every generation, in order: {"purpose": story|finish|ending|bible, "asked": sentences (lines) it was to
    # write, "text": as written, "ran_on": whether it began one more and was stopped there}.
    drafts: tuple[dict, ...] = ()
    artifact: Artifact | None = field(default=None, compare=False)


class DegenerateStory(PermanentError):
    """The model's draft is not a usable story (reason in the message); the same seeds would repeat it."""


@dataclass(frozen=True)
class Draft:
    """One generation of story text: what the model wrote, its first `count` complete sentences, and
    whether it went on past them (and was stopped there)."""

    purpose: str
    asked: int  # how many sentences it was to write
    text: str
    sentences: tuple[str, ...]
    ran_on: bool

    @property
    def record(self) -> dict:
        return {"purpose": self.purpose, "asked": self.asked, "text": self.text, "ran_on": self.ran_on}


def build_messages(prompt: str, genre: Genre, language: str, count: int) -> list[dict[str, str]]:
    instruction = genre.prompt[language].format(prompt=prompt, sentences=count)
    return [{"role": "system", "content": SYSTEM[language]}, {"role": "user", "content": instruction}]


def numbered(sentences: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"{i}. {sentence}" for i, sentence in enumerate(sentences, 1))


_MARKDOWN = re.compile(r"(\*\*|__|\*|_|`|~~|#+\s*|^>\s*)", re.MULTILINE)
_LIST_MARK = re.compile(r"^\s*(?:[-•*+]|\d+(?:[.)]|\s*[-–—:])|[IVX]+\.)\s+", re.MULTILINE)
_NUMBER = re.compile(r"^\s*(\d+)(?:[.)]|\s*[-–—:])\s", re.MULTILINE)
# Letters a story in the language may hold: its own alphabet, and Latin for names in a Russian story.
ALPHABETS = {"en": re.compile(r"[a-zß-ÿœ]"), "ru": re.compile(r"[а-яёa-z]")}
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


def check_draft(raw: str, sentences: tuple[str, ...], language: str, prompt: str) -> None:
    """Raise DegenerateStory if these sentences are not a story in `language` about the prompt's hero."""
    if len(_BULLET.findall(raw)) >= 3:
        raise DegenerateStory("a list instead of a story")
    if len({s.lower() for s in sentences}) < len(sentences):
        raise DegenerateStory("repeated sentences")
    text = " ".join(sentences)
    words = re.findall(r"[^\W\d_]+", text.lower())
    grams = [" ".join(words[i:i + 4]) for i in range(len(words) - 3)]
    if grams and max(grams.count(g) for g in set(grams)) >= max(4, len(sentences) + 1):
        raise DegenerateStory("a repetition loop")  # more often than once per sentence: a refrain is fine
    if (language == "ru") != (cyrillic_share(" ".join(words)) > 0.5):
        raise DegenerateStory(f"not written in {LANGUAGES[language]}")
    if foreign := sorted({ch for ch in "".join(words) if not ALPHABETS[language].match(ch)}):
        raise DegenerateStory(f"letters from another script ({''.join(foreign[:5])})")
    wordlike = sum(bool(VOWELS[language] & set(w)) for w in words) / max(1, len(words))
    mean_length = sum(map(len, words)) / max(1, len(words))
    if wordlike < 0.85 or not 2.5 <= mean_length <= 11:
        raise DegenerateStory(f"not readable {LANGUAGES[language]} words")
    if language == "ru":
        if (share := russian.known_share(text)) < KNOWN_WORDS:
            raise DegenerateStory(f"only {share:.0%} of its words are Russian dictionary words")
        hero = russian.hero(prompt)
        if hero and not russian.mentions(text, hero):
            raise DegenerateStory(f"it never names the prompt's hero ({hero})")


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
                   seed: int, records: list[dict]) -> dict[str, str] | None:
    """Ask the model that wrote the story for its title, hero and setting (two tries); None when both
    answers are unusable. Each answer is added to `records`."""
    request = messages + [_said(numbered(sentences)), _asked(DESCRIBE[language])]
    for attempt in range(2):
        log.info("write_story: describing the hero and the setting for the pictures")
        raw = _streamed(lm, request, seed=seed + attempt, max_new_tokens=90, temperature=0.3)
        records.append({"purpose": "bible", "asked": 3, "text": raw, "ran_on": False})
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
    """The plain function: tell the story in exactly `count` sentences, check it (redrafting a bad one with
    the next seed), then have the model describe it for the pictures."""
    lm = model_registry.get("text", model)
    messages = build_messages(prompt, genre, language, count)
    problems = []
    for attempt in range(ATTEMPTS):
        log.info("write_story: drafting (attempt %d of %d)", attempt + 1, ATTEMPTS)
        drafts: list[Draft] = []
        try:
            sentences = tell(lm, messages, prompt, language, count, seed + attempt, drafts)
        except DegenerateStory as exc:
            problems.append(str(exc))
            log.info("write_story: draft rejected (%s)", exc)
            continue
        records = [draft.record for draft in drafts]
        described = describe_story(lm, messages, prompt, sentences, language, seed + attempt, records)
        if described is None:
            log.warning("write_story: the model's description was unusable twice; the pictures follow the prompt")
        title = clean_draft(drafts[0].text)[0]
        lines = described or {"title": title or prompt[:1].upper() + prompt[1:], "hero": prompt, "setting": ""}
        return Story(
            title=title or lines["title"],
            sentences=sentences,
            moods=tuple(tag_mood(s, genre.music["mood"]) for s in sentences),
            bible={"hero": lines["hero"], "setting": lines["setting"], "prompt": prompt,
                   "scenery": genre.visual.get("setting", ""), "style": genre.visual["style"],
                   "palette": ",".join(genre.visual["palette"]),
                   "written_by": lm.entry.name if described else "prompt"},
            language=language,
            genre=genre.name,
            model=lm.entry.name,
            drafts=tuple(records),
        )
    raise DegenerateStory(f"no usable story after {ATTEMPTS} drafts: " + "; ".join(problems))


def tell(lm, messages: list[dict[str, str]], prompt: str, language: str, count: int, seed: int,
         drafts: list[Draft]) -> tuple[str, ...]:
    """Exactly `count` checked sentences that end the story. When a draft ends early or wants to go on past
    `count`, its last sentence is dropped and the model finishes the story from there, ending at `count`."""
    draft = _write(lm, messages, count, seed, "story", drafts)
    sentences = draft.sentences
    for _ in range(FINISH_ROUNDS):
        if len(sentences) == count and not draft.ran_on:
            break
        keep = sentences[:min(len(sentences), count) - 1]
        start = len(keep) + 1
        log.info("write_story: %s after sentence %d; asking the model to finish it at sentence %d",
                 "it goes on" if draft.ran_on else "it ends", len(sentences), count)
        if keep:
            request = (ENDING if start == count else FINISH)[language].format(start=start, count=count)
            ask = [_said(numbered(keep)), _asked(request)]
        elif sentences:  # a one-sentence story that wanted to go on
            ask = [_said(numbered(sentences)), _asked(RETELL[language])]
        else:
            raise DegenerateStory("no complete sentence")
        draft = _write(lm, messages + ask, count - len(keep), seed, "ending" if start == count else "finish", drafts)
        sentences = keep + draft.sentences
    if len(sentences) < count:
        raise DegenerateStory(f"{len(sentences)} complete sentences, {count} needed")
    check_draft("\n".join(d.text for d in drafts), sentences, language, prompt)
    return sentences


def _write(lm, messages: list[dict[str, str]], count: int, seed: int, purpose: str, drafts: list[Draft]) -> Draft:
    """One generation, stopped as soon as a sentence past `count` begins; kept in `drafts`."""
    def past_count(text: str) -> bool:
        return len(split_sentences(clean_text(text))) > count

    raw = _streamed(lm, messages, seed=seed, max_new_tokens=48 * count + 40, stop=past_count)
    draft = Draft(purpose, count, raw, tuple(clean_draft(raw)[1][:count]), ran_on=past_count(raw))
    drafts.append(draft)
    numbers = [int(n) for n in _NUMBER.findall(raw)]
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise DegenerateStory(f"lines numbered out of order ({', '.join(map(str, numbers[:5]))})")
    return draft


def _said(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def _asked(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def _streamed(lm, messages: list[dict[str, str]], **options) -> str:
    """One generation, streamed token by token to `digiteller.stream` as an indented paragraph."""
    stream.info("    ")
    raw = lm.generate(messages, on_text=stream.info, **options)
    stream.info("\n")
    return raw


def _depends_on(prompt: str, genre: Genre, language: str, count: int, seed: int, model: str | None) -> dict:
    return {"prompt": prompt, "template": genre.prompt[language], "language": language, "count": count,
            "seed": seed, "model": model_registry.identity("text", model)}


def release_writer(model: str | None) -> None:
    """Let the story model's memory go back once the story is written (unless a batch holds it)."""
    if model_registry.release("text", model):
        log.info("write_story: the story model is unloaded; its memory goes to the pictures and the render")


@stage_task("write_story", _depends_on, run_name="write_story")
def write_story(prompt: str, genre: Genre, language: str, count: int, seed: int, model: str | None = None) -> Story:
    story = compose_story(prompt, genre, language, count, seed, model)
    with new_artifact("write_story") as out:
        fields = {k: v for k, v in asdict(story).items() if k != "artifact"}
        out.path("story.json").write_text(json.dumps(fields, ensure_ascii=False, indent=1), "utf-8")
        return Story(**fields, artifact=out.commit())
