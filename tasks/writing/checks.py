"""Is a draft a story in its language about the prompt's hero, and is the model's plan of it usable? Each
failure raises `DegenerateStory` with the reason, which story.json and the user see. (What a listener
would notice in a story that passes these is review.py's.)"""

from __future__ import annotations

import re

from core.contracts import Plan
from tasks.artifacts import PermanentError
from tasks.request import LANGUAGES
from tasks.writing import russian
from tasks.writing.cleanup import _BULLET, _MARKDOWN
from tasks.writing.prompts import wording

KNOWN_WORDS = 0.95  # a Russian story with fewer dictionary words than this is not Russian enough
VOWELS = {"en": set("aeiouy"), "ru": set("аеёиоуыэюя")}
# Letters a story in the language may hold: its own alphabet, and Latin for names in a Russian story.
ALPHABETS = {"en": re.compile(r"[a-zß-ÿœ]"), "ru": re.compile(r"[а-яёa-z]")}
# Function words that would tie any hero line to any story.
COMMON_WORDS = set("""the and who she his her was for but not all are one you its has had him out how why
now two can did get our own too any with that this from they their there have about which where when
named called это его она они был все как так что где над под без для при уже еще там тут который
которая которое которые очень когда чтобы этот этого""".split())

class DegenerateStory(PermanentError):
    """The model's draft is not a usable story (reason in the message); the same seeds would repeat it."""


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


PLAN_MAX_WORDS = {"title": 10, "hero": 30, "setting": 30, "wants": 40, "problem": 40, "turn": 40, "ending": 40}


def parse_plan(raw: str, language: str, prompt: str) -> Plan:
    """The model's labelled plan lines -> a Plan; raises DegenerateStory if a line is missing, too long or
    in the wrong language, or (Russian, whose prompts name their hero) if the hero line is not about the
    prompt's hero: a small model sometimes plans a story about someone else. English heroes are checked
    in review.py, softly: "a climb to the top of a mountain" names no hero to check against."""
    found = {}
    labels = {name: {wording(lang)["labels"][name].lower() for lang in LANGUAGES} for name in PLAN_MAX_WORDS}
    for line in _MARKDOWN.sub("", raw).splitlines():
        label, _, value = line.partition(":")
        value = re.sub(r"[\"“”«»<>]", "", value).strip(" .")
        for field_name, names in labels.items():
            if label.strip().lower() in names and value and field_name not in found:
                found[field_name] = value
    for field_name, most in PLAN_MAX_WORDS.items():
        if field_name not in found:
            raise DegenerateStory(f"no {field_name} line in the plan")
        if len(found[field_name].split()) > most:
            raise DegenerateStory(f"the plan's {field_name} line is longer than {most} words")
        if (language == "ru") != (cyrillic_share(found[field_name]) > 0.5):
            raise DegenerateStory(f"the plan's {field_name} line is not in {LANGUAGES[language]}")
    subject = russian.hero(prompt) if language == "ru" else None
    if subject and not russian.mentions(found["hero"], subject):
        raise DegenerateStory(f"the plan's hero is not the prompt's ({subject})")
    return Plan(**found)
