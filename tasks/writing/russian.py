"""Russian words, checked against a real morphological dictionary (pymorphy3 with pymorphy3-dicts-ru).

A small model's Russian can look Russian to a letter count and still be full of non-words ("спасить")
or lose who the story is about; these two checks catch both.
"""

from __future__ import annotations

import functools
import re


@functools.cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def words(text: str) -> list[str]:
    return re.findall(r"[а-яё]+(?:-[а-яё]+)*", text.lower())


def known(word: str) -> bool:
    """In the dictionary, or (for a hyphenated word such as "жила-была") made of words that are."""
    return _morph().word_is_known(word) or ("-" in word and all(map(_morph().word_is_known, word.split("-"))))


def known_share(text: str) -> float:
    """The share of the Cyrillic words in `text` that the dictionary knows (1.0 for no words)."""
    found = words(text)
    return sum(map(known, found)) / len(found) if found else 1.0


def lemmas(word: str) -> set[str]:
    """Every dictionary form `word` can be an inflection of ("лису" -> {"лиса", "лис"})."""
    return {parse.normal_form for parse in _morph().parse(word)}


def hero(prompt: str) -> str | None:
    """Who a Russian prompt is about: its first animate noun, in its dictionary form ("говорящая рыбка
    находит фонарь" -> "рыбка"); None when it names no being ("в городе кончается свет")."""
    for word in words(prompt):
        parse = _morph().parse(word)[0]
        if parse.tag.POS == "NOUN" and parse.tag.animacy == "anim":
            return parse.normal_form
    return None


def mentions(text: str, word: str) -> bool:
    """Whether `text` names `word` in any of its forms (a hyphenated "робот-пёс" by either part, too)."""
    wanted = set().union(*map(lemmas, [word, *word.split("-")]))
    return any(lemmas(found) & wanted for found in set(words(text)))
