"""What the story writer says to the model: the genre's brief and its example (data/genres/<genre>.toml),
and the writer's own lines (the system prompt, the plan's form, how to tell and finish a story, how to
rewrite a sentence), read from data/writing/<language>.toml, so wording changes are data, not code. The
wording is part of write_story's cache key.

The conversation a story is written in:

    system      the storyteller
    user        plan the example prompt            (the genre's example, in the story's language)
    assistant   the example plan
    user        tell it in N numbered sentences
    assistant   the example story
    user        plan this prompt                   <- the model writes the plan
    assistant   its plan
    user        tell it in N numbered sentences    <- the model writes the candidates
"""

from __future__ import annotations

import functools
import tomllib

from core import settings
from core.contracts import Plan
from tasks.request import Genre

Messages = list[dict[str, str]]
WRITING_DIR = settings.DATA_DIR / "writing"
PLAN_FIELDS = ("title", "hero", "setting", "wants", "problem", "turn", "ending")


@functools.cache
def wording(language: str) -> dict:
    """data/writing/<language>.toml: system, plan, story, direct, finish, ending, retell, rewrite, anew,
    beat, spell and form (Russian: a misspelt word, a word in a wrong form), labels, review."""
    return tomllib.loads((WRITING_DIR / f"{language}.toml").read_text("utf-8"))


def plan_messages(prompt: str, genre: Genre, language: str) -> Messages:
    """The conversation that asks for the plan of a story about `prompt`, after the genre's example."""
    words, example = wording(language), genre.example[language]
    told = len(example["story"].strip().splitlines())
    return [{"role": "system", "content": words["system"]},
            asked(plan_request(genre, language, example["prompt"])), said(example["plan"].strip()),
            asked(story_request(language, told)), said(example["story"].strip()),
            asked(plan_request(genre, language, prompt))]


def direct_messages(prompt: str, genre: Genre, language: str, count: int) -> Messages:
    """The conversation that asks for the story itself, with no plan and no example: for a model too
    small to follow them."""
    brief = genre.brief[language].format(prompt=prompt)
    return [{"role": "system", "content": wording(language)["system"]},
            asked(wording(language)["direct"].format(brief=brief, count=count))]


def shared_beginning(messages: Messages, genre: Genre, language: str, prompt: str) -> Messages:
    """What every story of this genre and language begins with: the instructions, the example, and the
    last request up to this prompt's brief (the plan's form, ~110 tokens: 1.7 s to evaluate on 2 cores)."""
    head = messages[-1]["content"].partition(genre.brief[language].format(prompt=prompt))[0]
    return messages[:-1] + ([asked(head)] if head else [])


def plan_request(genre: Genre, language: str, prompt: str) -> str:
    return wording(language)["plan"].format(brief=genre.brief[language].format(prompt=prompt))


def story_request(language: str, count: int) -> str:
    return wording(language)["story"].format(count=count)


def plan_text(plan: Plan, language: str) -> str:
    """The plan as the model wrote it: one labelled line per field it has (the prompt's stand-in has no
    beats)."""
    labels = wording(language)["labels"]
    return "\n".join(f"{labels[name]}: {getattr(plan, name)}" for name in PLAN_FIELDS if getattr(plan, name))


def said(text: str) -> dict[str, str]:
    """A turn of the model's (what it wrote, given back as context)."""
    return {"role": "assistant", "content": text}


def asked(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}
