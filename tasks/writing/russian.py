"""Russian words, checked against a real morphological dictionary (pymorphy3 with pymorphy3-dicts-ru).

A small model's Russian can look Russian to a letter count and still be full of non-words ("спасить")
or lose who the story is about; these two checks catch both.
"""

from __future__ import annotations

import dataclasses
import functools
import re


@functools.cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


WORD = re.compile(r"[а-яёА-ЯЁ]+(?:-[а-яёА-ЯЁ]+)*")


def words(text: str) -> list[str]:
    return [match.group(0).lower() for match in WORD.finditer(text)]


def known(word: str) -> bool:
    """In the dictionary, or (for a hyphenated word such as "жила-была") made of words that are."""
    return _morph().word_is_known(word) or ("-" in word and all(map(_morph().word_is_known, word.split("-"))))


def known_share(text: str) -> float:
    """The share of the Cyrillic words in `text` that the dictionary knows (1.0 for no words)."""
    found = words(text)
    return sum(map(known, found)) / len(found) if found else 1.0


def lemma(word: str) -> str:
    """The most likely dictionary form of a word ("нашёл" -> "найти")."""
    return _morph().parse(word)[0].normal_form


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


def unknown(sentence: str) -> list[str]:
    """The words of a Russian sentence the dictionary does not know, names (capitalised inside the
    sentence) aside; its first word is capitalised because it is first, and is checked."""
    names = {word.lower() for word in re.findall(r"(?<=[\s,;:«„\"—-])[А-ЯЁ][а-яё]+", sentence)}
    return [word for word in words(sentence) if word not in names and not known(word)]


LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def respelt(sentence: str, word: str) -> list[str]:
    """The sentence with the non-word `word` (as `unknown` gives it) in each of its `spellings` that agrees
    with the words beside it ("её лесной остров", not "её лесные остров")."""
    slip = next((span for span in WORD.finditer(sentence) if span.group(0).lower() == word), None)
    if slip is None:
        return []
    found = [sentence[:slip.start()] + spelt + sentence[slip.end():] for spelt in spellings(slip.group(0))]
    before = len(disagreements(sentence))
    return [option for option in found if len(disagreements(option)) <= before]


def spellings(word: str) -> list[str]:
    """Dictionary words one slip away from a non-word (a letter dropped, added or changed, or two swapped)
    that can be the part of speech the dictionary guesses for it, with their ё: "лесный" -> "лесной",
    "лесные", ... "тесный"; "принцессей" -> "принцессе", "принцессой"; "фонарьем" -> "фонарём". The small
    model's non-words are mostly such slips in an ending; which word it meant, it says itself
    (writer.chosen). A capitalised word is left alone: a non-word with a capital is mostly a name the
    model made up ("Тайлер", "Шьётер"), which a dictionary would turn into "таймер"."""
    if word[:1].isupper():
        return []
    lower = word.lower()
    guessed = {parse.tag.POS for parse in _morph().parse(lower)}
    splits = [(lower[:i], lower[i:]) for i in range(len(lower) + 1)]
    slips = {head + tail[1:] for head, tail in splits if tail} | \
        {head + tail[1] + tail[0] + tail[2:] for head, tail in splits if len(tail) > 1} | \
        {head + letter + tail[1:] for head, tail in splits if tail for letter in LETTERS} | \
        {head + letter + tail for head, tail in splits for letter in LETTERS}
    found = {}
    for slip in sorted(slips - {lower}):
        readings = _morph().parse(slip) if _morph().word_is_known(slip) else []
        if any(reading.tag.POS in guessed for reading in readings):
            found.setdefault(readings[0].word, None)  # "фонарем" and "фонарём" are one word
    return list(found)


def _forms(word: str, parts: tuple[str, ...]):
    """The word's dictionary readings that are these parts of speech, most likely first."""
    return [parse for parse in _morph().parse(word) if parse.tag.POS in parts]


CASES = {"loc2": "loct", "gen2": "gent", "acc2": "accs", "voct": "nomn"}  # second forms: "в саду", "чаю"
GOVERNING = {"полный", "достойный", "лишённый", "лишенный", "исполненный", "чуждый"}  # "полную кристаллов"


def agree(adjective, noun) -> bool:
    """Whether an adjective reading fits a noun reading: the same case and number, and in the singular
    the same gender (a noun of common gender takes either)."""
    tag, other = adjective.tag, noun.tag
    if CASES.get(tag.case, tag.case) != CASES.get(other.case, other.case) or tag.number != other.number:
        return False
    return tag.number == "plur" or other.gender is None or "ms-f" in other or tag.gender == other.gender


def disagreements(sentence: str) -> list[tuple[str, str]]:
    """Adjective-noun pairs standing side by side that no reading lets agree ("синяя морем"): only where
    the first is most likely an adjective and the second a noun, so a word that can be read otherwise
    ("красиво", an adverb) is not accused."""
    found = []
    tokens = words(sentence)
    for first, second in zip(tokens, tokens[1:]):
        top_first, top_second = _morph().parse(first)[0], _morph().parse(second)[0]
        if top_first.tag.POS not in ("ADJF", "PRTF") or top_second.tag.POS != "NOUN":
            continue
        adjectives, nouns = _forms(first, ("ADJF", "PRTF")), _forms(second, ("NOUN",))
        if top_first.normal_form in GOVERNING and any(n.tag.case == "gent" for n in nouns):
            continue  # the adjective governs the noun: full of crystals
        if not any(agree(a, n) for a in adjectives for n in nouns):
            found.append((first, second))
    return found


# The cases each preposition takes (pymorphy3's names; second forms as CASES folds them).
GOVERNS = {**dict.fromkeys(("к", "ко"), {"datv"}), "по": {"datv", "accs", "loct"},
           **dict.fromkeys(("от", "ото", "из", "изо", "из-за", "из-под", "до", "без", "безо", "для", "у", "около",
                            "возле", "после", "вокруг", "кроме", "среди", "мимо", "вдоль", "напротив"), {"gent"}),
           **dict.fromkeys(("в", "во", "на", "о", "об", "обо"), {"accs", "loct"}), "при": {"loct"},
           **dict.fromkeys(("с", "со"), {"gent", "ablt", "accs"}),
           **dict.fromkeys(("за", "под", "подо"), {"accs", "ablt"}),
           **dict.fromkeys(("над", "надо", "перед", "передо"), {"ablt"}), "между": {"ablt", "gent"},
           **dict.fromkeys(("через", "про", "сквозь"), {"accs"})}
NOMINAL = ("NOUN", "ADJF", "PRTF", "NPRO", "NUMR")
UNDECLINED = {"его", "её", "ее", "их"}  # "к её дому": the possessive does not take the case; its noun does


@dataclasses.dataclass(frozen=True)
class Phrase:
    """A preposition and the words it governs, as spans of the sentence: the word after it (past a
    possessive, which does not take the case), and, where that word and up to two more are adjectives,
    the noun they lead to ("из старой деревней": `adjectives` ["старой"], `noun` "деревней")."""

    preposition: str
    first: re.Match
    adjectives: tuple[re.Match, ...]
    noun: re.Match | None


def phrases(sentence: str) -> list[Phrase]:
    """The sentence's prepositions and what follows each: the one scan that both the case check and the
    case mend read."""
    spans = list(WORD.finditer(sentence))
    found = []
    for index, span in enumerate(spans[:-1]):
        preposition = span.group(0).lower()
        if preposition not in GOVERNS:
            continue
        following = [s for s in spans[index + 1:index + 5] if s.group(0).lower() not in UNDECLINED]
        if not following:
            continue
        head = next((i for i, s in enumerate(following) if _forms(s.group(0).lower(), ("NOUN",))), None)
        leads = head is not None and all(all(r.tag.POS in ("ADJF", "PRTF") for r in _morph().parse(s.group(0).lower()))
                                         for s in following[:head])
        found.append(Phrase(preposition, following[0], tuple(following[:head]) if leads else (),
                            following[head] if leads else None))
    return found


def misgoverned(sentence: str) -> list[tuple[str, str]]:
    """A preposition and the word after it in a case it does not take ("к деревню", "из лесом"), or the noun
    its adjectives lead to ("из старой деревней"): only where every dictionary reading of that word is a
    noun, adjective, pronoun or number (a word that can be read otherwise, or an unknown name, is not
    accused)."""
    return [(phrase.preposition, word) for phrase in phrases(sentence) if (word := _misgoverned(phrase))]


def _misgoverned(phrase: Phrase) -> str | None:
    """The word of `phrase` in a case its preposition does not take (see `misgoverned`), or None."""
    for span in dict.fromkeys(s for s in (phrase.first, phrase.noun) if s is not None):
        word = span.group(0).lower()
        readings = _morph().parse(word) if known(word) else []
        if not readings or not all(r.tag.POS in NOMINAL for r in readings):
            return None
        if not any(CASES.get(r.tag.case, r.tag.case) in GOVERNS[phrase.preposition] for r in readings):
            return word
    return None


def governed(sentence: str) -> str:
    """The sentence with a noun after a one-case preposition ("к", "из", "для", "при", "через"...) that is in
    another case put in the case it takes, with the adjectives before it ("к деревню" -> "к деревне", "из
    старой деревней" -> "из старой деревни"): a slip the dictionary mends surely, where the small model's
    rewrite of the sentence had kept it. A preposition of two cases (в, на, за, с) means one or the other
    by what is said: `recased` offers both."""
    for phrase in reversed(phrases(sentence)):  # from the end, so the spans before stay where they are
        if phrase.noun is not None and len(GOVERNS[phrase.preposition]) == 1 and _misgoverned(phrase) is not None:
            sentence = _in_case(sentence, phrase, next(iter(GOVERNS[phrase.preposition]))) or sentence
    return sentence


def agreeing(sentence: str, word: str) -> list[str]:
    """The sentence with `word`, which the agreement check found in a wrong form, in each form that would
    fit: a noun in a case its two-case preposition does not take, in each case it takes (`recased`); an
    adjective that does not agree with the noun after it, in the form of each reading of that noun ("на
    лесной холме" -> "на лесном холме")."""
    return recased(sentence, word) or _agreed(sentence, word)


def _agreed(sentence: str, word: str) -> list[str]:
    pairs = set(disagreements(sentence))
    spans = list(WORD.finditer(sentence))
    for span, after in zip(spans, spans[1:]):
        if span.group(0).lower() != word or (word, after.group(0).lower()) not in pairs:
            continue
        forms = []
        for noun in _forms(after.group(0).lower(), ("NOUN",)):
            grammemes = _agreement(noun.tag, CASES.get(noun.tag.case, noun.tag.case))
            form = _inflected(span.group(0), grammemes | {noun.tag.animacy}) if noun.tag.case == "accs" else None
            forms.append(form or _inflected(span.group(0), grammemes))  # "увидел доброго волка": animate
        return list(dict.fromkeys(sentence[:span.start()] + form + sentence[span.end():] for form in forms if form))
    return []


def recased(sentence: str, word: str) -> list[str]:
    """The sentence with the phrase whose `word` is in a case its preposition does not take put in each case
    the preposition does take ("море за деревьев" -> "море за деревья", "море за деревьями"): which one
    the story means is the model's to say (writer.chosen)."""
    for phrase in phrases(sentence):
        if phrase.noun is not None and _misgoverned(phrase) == word:
            cases = sorted(GOVERNS[phrase.preposition])
            return list(dict.fromkeys(filter(None, (_in_case(sentence, phrase, case) for case in cases))))
    return []


def _in_case(sentence: str, phrase: Phrase, case: str) -> str | None:
    """The sentence with the noun of `phrase`, and the adjectives before it agreeing, in `case`; None where
    the dictionary cannot inflect them."""
    noun = _forms(phrase.noun.group(0).lower(), ("NOUN",))[0].inflect({case})
    if noun is None:
        return None
    mended = [_inflected(s.group(0), _agreement(noun.tag, case)) for s in phrase.adjectives] + \
        [_cased(noun.word, phrase.noun.group(0))]
    if None in mended:
        return None
    for span, word in reversed(list(zip((*phrase.adjectives, phrase.noun), mended))):
        sentence = sentence[:span.start()] + word + sentence[span.end():]
    return sentence


def _agreement(noun, case: str) -> set[str]:
    """What an adjective takes from its noun (a noun's tag) to agree with it in `case`: the case, the number,
    and in the singular the gender (none for a noun of common gender)."""
    return ({case, noun.number} | ({noun.gender} if noun.number == "sing" else set())) - {None}


def _inflected(word: str, grammemes: set[str]) -> str | None:
    reading = _forms(word.lower(), ("ADJF", "PRTF"))[0].inflect(grammemes)
    return _cased(reading.word, word) if reading else None


def _cased(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def finite_verbs(text: str) -> int:
    """How many words of `text` are finite verbs (as their likeliest reading): "сидел", "светит"; not "сидя"."""
    return sum(_morph().parse(word)[0].tag.POS == "VERB" for word in words(text))


def gender(text: str) -> str | None:
    """The grammatical gender of the first noun of `text` (masc, femn, neut), or None."""
    for word in words(text):
        parse = _morph().parse(word)[0]
        if parse.tag.POS == "NOUN" and parse.tag.gender:
            return parse.tag.gender
    return None
