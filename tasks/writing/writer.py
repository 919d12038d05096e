"""The story writer's loop: draft the story, finish it at exactly N sentences, check it (redrafting a bad
one with the next seed), then have the same model describe it for the pictures (the bible).

The model is asked for the story as N numbered lines, one sentence each, the last one its ending, and
generation stops the moment a sentence past N begins: nothing is generated only to be thrown away, and
nothing the model told is cut. When a draft ends early, or wants to go on past N, its last sentence is
dropped and the model finishes the story from there, ending at N. Tokens stream to the
`digiteller.stream` logger (the CLI prints them); every generation is kept in `Story.drafts`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import model_registry
from core.contracts import Bible, Story
from model_registry.text.base import Messages, TextModel
from tasks.request import Genre
from tasks.writing.checks import DegenerateStory, check_draft, parse_bible
from tasks.writing.cleanup import _NUMBER, clean_draft, clean_text, numbered, split_sentences
from tasks.writing.prompts import asked, build_messages, said, wording

ATTEMPTS = 3
FINISH_ROUNDS = 2
log = logging.getLogger("digiteller.progress")
stream = logging.getLogger("digiteller.stream")

MOOD_WORDS = {
    "tense": ("danger", "dark", "fear", "storm", "chase", "scream", "trap", "strange", "опасн", "страх", "бур", "темн"),
    "sad": ("sad", "lost", "cry", "alone", "tears", "lonely", "груст", "плак", "один", "потерял"),
    "joyful": ("happy", "laugh", "joy", "smile", "celebrat", "danced", "рад", "смея", "счаст", "улыб"),
    "calm": ("sleep", "quiet", "soft", "gentle", "rest", "dream", "сон", "спать", "тих", "мягк", "засып"),
    "mysterious": ("secret", "mystery", "clue", "hidden", "whisper", "тайн", "загад", "улик", "шепот"),
    "triumphant": ("won", "victory", "saved", "finally", "reached", "hero", "побед", "спас", "наконец"),
}


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


def describe_story(lm: TextModel, messages: Messages, prompt: str, sentences: tuple[str, ...], language: str,
                   seed: int, records: list[dict]) -> dict[str, str] | None:
    """Ask the model that wrote the story for its title, hero and setting (two tries); None when both
    answers are unusable. Each answer is added to `records`."""
    request = messages + [said(numbered(sentences)), asked(wording(language)["describe"])]
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
            moods=tuple(tag_mood(s, genre.music.mood) for s in sentences),
            bible=Bible(hero=lines["hero"], setting=lines["setting"], prompt=prompt,
                        written_by=lm.entry.name if described else "prompt"),
            look=genre.look,
            language=language,
            genre=genre.name,
            model=lm.entry.name,
            drafts=tuple(records),
        )
    raise DegenerateStory(f"no usable story after {ATTEMPTS} drafts: " + "; ".join(problems))


def tell(lm: TextModel, messages: Messages, prompt: str, language: str, count: int, seed: int,
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
            request = wording(language)["ending" if start == count else "finish"].format(start=start, count=count)
            ask = [said(numbered(keep)), asked(request)]
        elif sentences:  # a one-sentence story that wanted to go on
            ask = [said(numbered(sentences)), asked(wording(language)["retell"])]
        else:
            raise DegenerateStory("no complete sentence")
        draft = _write(lm, messages + ask, count - len(keep), seed, "ending" if start == count else "finish", drafts)
        sentences = keep + draft.sentences
    if len(sentences) < count:
        raise DegenerateStory(f"{len(sentences)} complete sentences, {count} needed")
    check_draft("\n".join(d.text for d in drafts), sentences, language, prompt)
    return sentences


def _write(lm: TextModel, messages: Messages, count: int, seed: int, purpose: str, drafts: list[Draft]) -> Draft:
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


def _streamed(lm: TextModel, messages: Messages, **options) -> str:
    """One generation, streamed token by token to `digiteller.stream` as an indented paragraph."""
    stream.info("    ")
    raw = lm.generate(messages, on_text=stream.info, **options)
    stream.info("\n")
    return raw
