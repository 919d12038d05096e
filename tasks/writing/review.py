"""What a listener would notice in a written story, measured: each finding names its check, the sentence
(when it is one sentence's fault, so that sentence can be rewritten) and why.

    echo          the request's own words told back ("Sentence 8 ends the story", "им история заканчивается")
    stock         stock phrases that stand in for a story ("embarked on a magical quest", "many challenges")
    grim          what a children's story should not show: a death, a body, blood, a killing, a being
                  eaten, hunted or hurt ("Max used the lantern to see the mouse and ate it")
    repeat        a sentence that tells an earlier one again
    copied        a sentence of the example story the model was shown, told again ("В благодарность чайка
                  бережно посадила Пипу себе на спину" in a story about a girl and a star)
    fragment      a sentence that is only a lead-in and a clause that hangs on nothing ("One evening, as he
                  sat under a very tall tree with branches like golden chains.")
    hero          the plan's hero missing, named another way, or the prompt's hero lost from the story
    relation      a relation of the hero's that cannot be (a girl with a husband, a son who is a daughter)
    pronoun       the hero called "he" in one place and "she" in another
    tense         a sentence in the present inside a story told in the past ("Pip learned how to use the
                  brush, creates a masterpiece"; "She returns home with the lantern")
    beats         a beat of the plan (what the hero wants, what stands in the way, the turn, the ending) that
                  the story never tells
    images        a thing the prompt names that the story never shows
    script        Latin letters inside a Russian word ("perseverал"), or English words in a Russian sentence
                  ("стали популярны everywhere in the land")
    unknown       a Russian word that is neither in the dictionary nor a name
    agreement     a Russian adjective that does not agree with its noun in case, number or gender, or a
                  word in a case its preposition does not take ("к деревню")

The lists of echoes and stock phrases are data (data/writing/<language>.toml). `score` weighs what a
listener minds most; the writer keeps the candidate with the lowest score and rewrites sentences with
sentence findings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from core.contracts import Plan
from tasks.request import genre_names, load_genre
from tasks.writing import russian
from tasks.writing.checks import COMMON_WORDS, stems
from tasks.writing.prompts import wording

WEIGHTS = {"echo": 10, "grim": 6, "repeat": 4, "copied": 4, "fragment": 4, "undone": 4, "hero": 6, "relation": 6,
           "pronoun": 4, "tense": 2, "script": 5, "unknown": 2, "agreement": 2, "stock": 2, "beats": 2, "images": 2}
BEATS = ("wants", "problem", "turn", "ending")
REPEATED = 0.7  # the share of a sentence's content words that were all in one earlier sentence
# what a rewrite of that one sentence can fix
SENTENCE_CHECKS = {"echo", "grim", "repeat", "copied", "fragment", "undone", "stock", "tense", "script", "unknown",
                   "agreement", "hero"}
CHILD = {"en": ("girl", "boy", "child", "kid", "daughter", "son", "little", "young", "puppy", "kitten", "cub"),
         "ru": ("девочк", "мальчик", "ребён", "ребен", "дочь", "дочк", "сын", "малыш", "котён", "щен")}
GROWN_KIN = {"en": r"\b(?:her|his)\s+(?:husband|wife|daughter|son|children|grandchild\w*)\b",
             "ru": r"\b(?:её|ее|его|свою|своего|своей|своим)\s+(?:муж\w*|жен\w*|доч\w*|сын\w*|внук\w*|внучк\w*)"}
FUNCTION_WORDS = {word[:5] for word in """which will would could should there their about after before into onto
from with without where when what while then than them they this that these those have has had been being
were very just also only even ever never always some every each other another again back down over under
again once upon который которая которое которые когда чтобы потом тогда после перед через очень всегда
никогда снова этот этого свой своя своё свои""".split()}
ARTICLES = {"the", "a", "an", "this", "that", "our", "my", "one", "little", "old", "young", "small"}
# English past forms that do not end in -ed, as the verb they are of ("found" -> "find").
IRREGULAR = {"found": "find", "caught": "catch", "saw": "see", "made": "make", "took": "take", "came": "come",
             "got": "get", "won": "win", "flew": "fly", "ran": "run", "built": "build", "lit": "light",
             "brought": "bring", "gave": "give", "knew": "know", "met": "meet", "left": "leave", "kept": "keep",
             "drew": "draw", "sang": "sing", "swam": "swim", "slept": "sleep", "fell": "fall", "held": "hold"}
TITLES = "Mr|Mrs|Ms|Miss|Dr|Sir|Lady|Captain|Professor|Mister"
SHE = {"she", "her", "hers", "herself"}
HE = {"he", "him", "his", "himself"}
# A sentence told in the past: a past form of "be" or "have", a regular past, or a common irregular one.
PAST = (r"\b(?:was|were|had|did|\w{2,}ed|went|saw|found|came|took|made|said|knew|thought|felt|ran|flew|got|gave|"
        r"told|heard|left|began|kept|held|stood|sat|fell|grew|drew|swam|sang|woke|lit|led|met|brought|caught|"
        r"taught|spun|shone|hid|built|became|put|set|let|cut|rose|ate|rode|spoke|wrote|broke|chose|froze|lay)\b")
# Words that may stand between the hero and a verb ("she always smiles"), and words ending in "s" after
# "he", "she" or a comma that are not verbs in the present.
BETWEEN = "always|also|just|still|now|then|soon|finally|never|sometimes|perhaps"
NOT_VERBS = {"was", "its", "his", "hers", "always", "also", "perhaps", "thus", "sometimes", "towards", "afterwards",
             "besides", "nevertheless", "whereas"}


@dataclass(frozen=True)
class Finding:
    check: str
    sentence: int | None  # 1-based; None for the story as a whole
    detail: str
    word: str | None = None  # the word found, where a mend needs it (a non-word, a noun in the wrong case)

    def __str__(self) -> str:
        where = f"sentence {self.sentence}: " if self.sentence else ""
        return f"{self.check}: {where}{self.detail}"


def score(findings: list[Finding]) -> int:
    return sum(WEIGHTS[finding.check] for finding in findings)


def review(sentences: tuple[str, ...], plan: Plan | None, prompt: str, language: str) -> list[Finding]:
    """Every finding about these sentences, told from `plan` about `prompt`."""
    found = sentence_findings(sentences, plan, prompt, language)
    text = " ".join(sentences)
    found += _hero(sentences, plan, prompt, language)
    found += _relations(text, plan, prompt, language)
    shown = content(text)
    if plan is not None:
        found += [Finding("beats", None, f"the plan's {beat} is never told ({getattr(plan, beat)})")
                  for beat in untold(plan, prompt, shown)]
    images = content(prompt)
    if images and len(images & shown) < len(images) / 3:
        missing = ", ".join(sorted(images - shown))
        found.append(Finding("images", None, f"most of what the prompt names is not in the story ({missing})"))
    return found


def sentence_findings(sentences: tuple[str, ...], plan: Plan | None, prompt: str, language: str) -> list[Finding]:
    """The findings that belong to one sentence each (echoes, stock phrases, grim words, a sentence told
    again, Russian words): later sentences cannot take them back, so those of the sentences told so far are
    the least a telling will score."""
    found: list[Finding] = []
    data = wording(language)["review"]
    names = _names(plan, prompt) if language == "ru" else set()
    for number, sentence in enumerate(sentences, 1):
        lower = sentence.lower()
        # what was found is named as the sentence has it (the rewrite request quotes it to the model)
        found += [Finding("echo", number, f"repeats the request ({match.group(0)})") for pattern in data["echo"]
                  if (match := re.search(pattern, lower))]
        found += [Finding("stock", number, f"stock phrase ({match.group(0)})") for phrase in data["stock"]
                  if (match := re.search(rf"\b{phrase}\w*", lower))]
        found += [Finding("grim", number, f"not for a child ({word})") for word in grim(sentence, prompt, language)]
        if fragment(sentence, language):
            found.append(Finding("fragment", number, "not a whole sentence: it has no main clause"))
        if language == "ru":
            found += [Finding("script", number, f"Latin letters inside a Russian word ({word})")
                      for word in re.findall(r"\w*(?:[а-яё][a-z]|[a-z][а-яё])\w*", lower)]
            found += [Finding("script", number, f"English inside a Russian sentence ({match.group(0)})")
                      for match in re.finditer(r"(?<![\w-])[a-z]{2,}(?:\s+[a-z]+)*(?![\w-])", sentence)]
            found += [Finding("unknown", number, f"not a Russian word ({word})", word)
                      for word in russian.unknown(sentence) if word not in names]
            found += [Finding("agreement", number, f"{adjective} {noun} do not agree", adjective)
                      for adjective, noun in russian.disagreements(sentence)]
            found += [Finding("agreement", number, f"{preposition} {word}: \"{preposition}\" takes another case", word)
                      for preposition, word in russian.misgoverned(sentence)]
    if language == "en":
        found += _present_in_past(sentences, hero_name(plan))
    found += [Finding("copied", number, f"copies the example story the model was shown ({sentence})")
              for number, sentence in enumerate(sentences, 1) if copies(sentence, examples(language)[0])]
    return found + _repeats(sentences) + undone(sentences, language)


def fragment(sentence: str, language: str) -> bool:
    """Whether a sentence is a lead-in and a clause opened by "as", "when", "because" (data/writing) with
    no main clause: where the model broke its line in mid-sentence ("2. One evening, as he sat under a
    tall tree," then "3. He heard a rustling"). A clause is a main one if it has a verb (English: told in
    the past, as the broken clause is; Russian: a finite verb); a clause without commas that has two verbs
    may hold its main one ("When he woke up he saw the lantern") and is let be."""
    opener = wording(language)["review"]["subordinate"]
    *before, last = (part.strip() for part in re.sub(r'["“«][^"”»]*["”»]', "", sentence).lower().split(","))
    if not re.match(rf"{opener}\b", last):
        return False

    def verbs(clause: str) -> int:
        if language == "ru":
            return russian.finite_verbs(clause)
        return len(re.findall(PAST, clause))

    if language == "en" and not verbs(last):
        return False  # told in the present: "Max loves trees, as they are tall" has no past to go by
    if not before:
        return verbs(last) < 2
    return not any(verbs(part) for part in before if not re.match(rf"{opener}\b", part))


def _present_in_past(sentences: tuple[str, ...], name: str | None) -> list[Finding]:
    """English sentences that slip into the present ("she returns", "Pip learns", "he can finally enjoy",
    "the brush, creates a") in a story at least half of whose sentences are told in the past; what is said
    in quotes is left alone. A story told in the present throughout is not a slip, nor is "his new model
    becomes" (only the hero is followed to a verb: a word list cannot tell every noun from a verb)."""
    told = [re.sub(r'["“][^"”]*["”]', "", sentence) for sentence in sentences]
    past = sum(bool(re.search(PAST, sentence, re.IGNORECASE)) for sentence in told)
    if past * 2 < len(told):
        return []
    # "it" is a subject where a clause begins, not after a verb ("telling it stories")
    subject = r"(?:he|she|(?:^|(?<=[,;] )|(?<=\band )|(?<=\bbut )|(?<=\bthen )|(?<=\bwhen )|(?<=\bso ))it" + \
        (rf"|{re.escape(name.lower())}" if name else "") + ")"
    slips = [rf"\b{subject}\s+(?:(?:{BETWEEN})\s+)?([a-z]+[^s\W]s)\b",  # "she returns", "Pip always paints"
             rf"\b{subject}\s+(is|has)\b",
             rf"\b{subject}\s+(?:(?:{BETWEEN})\s+)?(can|can't|cannot|will|won't)\s",  # "now he can finish"
             r",\s+(?:and\s+)?([a-z]+[^s\W]s)\s+(?:a|an|the|his|her|its|their)\b"]  # "the brush, creates a"
    found = []
    for number, sentence in enumerate(told, 1):
        verbs = [verb for pattern in slips for verb in re.findall(pattern, sentence.lower()) if verb not in NOT_VERBS]
        if verbs:
            found.append(Finding("tense", number, f"in the present ({verbs[0]}), the rest of the story in the past"))
    return found


def plan_findings(plan: Plan, prompt: str, language: str) -> list[str]:
    """What is wrong with a plan before any story is told from it: a hero who is not the prompt's ("a dragon
    who is afraid of the dark" planned as "Rosie, a gentle fairy"), and an ending that does not answer what
    the hero wants (wants "to find out who took the cake", ended "found an old newspaper in the attic"), and
    a want the same line tells as had ("to find the lost lantern he found in his basket"), and a line
    copied from the example plan the model was shown (a fox planned as "Лиса, маленькая улитка с розовой
    полосатой раковиной"): a story told from any of them loses its prompt or its point, and a plan costs
    a few seconds, a telling a dozen."""
    found = []
    subject = russian.hero(prompt) if language == "ru" else _english_subject(prompt)
    # who the hero is, before what they do ("King Arthur, a brave king | who fights dragons")
    who_they_are = plan.hero if language == "ru" else re.split(r"\s(?:who|that|whose|with|from)\s", plan.hero)[0]
    if subject and not stems(subject) & stems(who_they_are):
        found.append(f"its hero is not the prompt's {subject}")
    who = _gist(f"{hero_name(plan) or ''} {subject or ''}", language)
    if plan.wants and plan.ending and not (_gist(plan.ending, language) - who) & (
            _gist(f"{plan.wants} {prompt}", language) - who):
        found.append("its ending does not answer what the hero wants")
    if had := re.search(wording(language)["review"]["had"], plan.wants.lower()):
        found.append(f"the hero wants what they already have ({had.group(0)})")
    # half a line is a copy: "Девочка, маленькая девица с розовой полосатой раковиной" (Пипа's, four of six words)
    found += [f"its {line} copies the example plan's" for line in ("hero", *BEATS)  # a setting may: "a sleepy town"
              if copies(getattr(plan, line), examples(language)[1], share=0.5)]
    return found


def _gist(text: str, language: str) -> set[str]:
    """A text's words of three letters or more as their dictionary forms, roughly ("found" and "finds" are
    "find", "stars" "star", "нашла" "найти"), less the commonest: enough to see two lines speak of one thing."""
    words = [word for word in re.findall(r"[^\W\d_]{3,}", text.lower().replace("ё", "е")) if word not in COMMON_WORDS]
    if language == "ru":
        return {russian.lemma(word) for word in words}
    return {IRREGULAR.get(word, re.sub(r"(?<=\w{3})(?:ing|ed|es|s)$", "", word))[:5] for word in words} - FUNCTION_WORDS


def grim(text: str, prompt: str, language: str) -> list[str]:
    """What `text` shows that a children's story should not (a death, a body, a gun, a being eaten or
    hurt), unless the prompt itself asked for it ("a detective who solves a murder", "a cat who hunts
    mice")."""
    data = wording(language)["review"]
    asked_for = prompt.lower()
    shown = [match.group(0) for pattern in data["grim"]
             if (match := re.search(rf"\b{pattern}", text.lower())) and not re.search(rf"\b{pattern}", asked_for)]
    return shown + ([] if re.search(rf"\b{data['eats']}", asked_for) else harmed(text, language))


def harmed(text: str, language: str) -> list[str]:
    """Where `text` has a being eaten, hunted, hurt or caged: "ate the mouse", "hunted a rabbit", "break
    the whale's tail", "caught the cat in a trap", or "ate it" after a being that is not the sentence's
    subject ("used the lantern to see the mouse and ate it"; but "the bird found a berry and ate it" is a
    meal). A being followed by food is food ("the chicken soup")."""
    data = wording(language)["review"]
    eats, being, food, pronoun = data["eats"], data["beings"], data["food"], data["pronouns"]
    found = []
    for clause in re.split(r"[.!?;\n]", text.lower()):
        found += [match.group(0) for match in
                  re.finditer(rf"\b{eats}\s+{data['determiners']}{being}\b(?!'s|\s+{food})", clause)]
        found += [match.group(0) for match in
                  re.finditer(rf"\b{data['harms']}\s+{data['determiners']}{being}\b{data['body']}(?!'s)", clause)]
        found += [match.group(0) for match in
                  re.finditer(rf"\b{data['holds']}\s+{data['determiners']}{being}\s+{data['cages']}", clause)]
        for match in re.finditer(rf"\b{eats}\s+{pronoun}\b(?!\s+{food})|\b{pronoun}\s+{eats}", clause):
            before = clause[:match.start()]
            beings = [seen for seen in re.finditer(rf"\b{being}\b", before)
                      if set(before[:seen.start()].split()) - ARTICLES]  # not the sentence's subject
            if beings and not re.search(rf"\b{food}", before[beings[-1].end():]):
                found.append(f"{beings[-1].group(0)} ... {match.group(0)}")
    return found


def undone(sentences: tuple[str, ...], language: str) -> list[Finding]:
    """A sentence that tells as still to do what an earlier one told was done (data/writing `undone`): the
    fire put out in sentence 7, "before the fire began to spread" in 8; the cake found in 3, "found the
    missing cake under the counter" in 5. The later sentence is the one to rewrite."""
    found: dict[int, Finding] = {}
    lower = [sentence.lower() for sentence in sentences]
    for rule in wording(language)["review"].get("undone", ()):
        for number, sentence in enumerate(lower, 1):
            for done in re.finditer(rule["done"], sentence):
                thing = done.groupdict().get("thing")
                again = rule["again"].replace("{thing}", re.escape(thing)) if thing else rule["again"]
                for later, told in enumerate(lower[number:], number + 1):
                    if later not in found and (match := re.search(again, told)):
                        found[later] = Finding("undone", later, f"sentence {number} already told "
                                                                f"\"{done.group(0)}\", yet here \"{match.group(0)}\"")
    return [found[number] for number in sorted(found)]


def _repeats(sentences: tuple[str, ...]) -> list[Finding]:
    """A sentence that tells an earlier one again: most of its content words (three or more) are that one's
    ("As Max reaches the top, he finds an ancient book" twice; "promised him their loyalty forever" twice),
    or it holds all of that one's (four or more) with a clause added (the Russian princess: "Мария издала
    объявления о своей победе в звезде" in 7, and in 8 again ", и теперь она считается ...")."""
    found = []
    seen = [content(sentence) for sentence in sentences]
    for number, words in enumerate(seen[1:], 2):
        again = next((i for i, earlier in enumerate(seen[:number - 1], 1)
                      if _most_of(words, earlier) or len(earlier) >= 4 and earlier <= words), None)
        if again:
            found.append(Finding("repeat", number, f"tells sentence {again} again"))
    return found


@functools.cache
def examples(language: str) -> tuple[tuple[set[str], ...], tuple[set[str], ...]]:
    """The content words of each sentence of every genre's example story in `language`, and of each line of
    their plans (data/genres): the model is shown one before every story, and a small model copies from it
    ("Лиса, маленькая улитка с розовой полосатой раковиной" as a fox's plan; the example's gull and its
    snail in a story about a girl and a star)."""
    shown = [example for name in genre_names() if (example := load_genre(name).example.get(language))]
    plans = [line.split(":", 1)[-1] for example in shown for line in example["plan"].strip().splitlines()]
    return (tuple(content(line) for example in shown for line in example["story"].strip().splitlines()),
            tuple(map(content, plans)))


def copies(text: str, originals: tuple[set[str], ...], share: float = REPEATED) -> bool:
    """Whether `share` of the content words of `text`, and three or more, are those of one of `originals`."""
    words = content(text)
    return any(_most_of(words, original, share) for original in originals)


def _most_of(words: set[str], other: set[str], share: float = REPEATED) -> bool:
    """Whether `share` of `words`, and three or more, are in `other`: a sentence told again or copied."""
    return len(words & other) >= max(3, share * len(words))


def untold(plan: Plan, prompt: str, shown: set[str]) -> list[str]:
    """The plan's beats (wants, problem, turn, ending) that a story whose content words are `shown` never
    tells."""
    return [beat for beat in BEATS if getattr(plan, beat) and not told(getattr(plan, beat), plan, prompt, shown)]


def told(beat: str, plan: Plan, prompt: str, shown: set[str]) -> bool:
    """Whether a story whose content words are `shown` tells a beat of its plan: a quarter of the beat's
    own content words (not the hero's, not the prompt's, which any telling has) are in it, and at least one."""
    own = content(beat) - content(f"{plan.hero} {prompt}")
    return not own or len(own & shown) >= max(1, len(own) / 4)


def content(text: str) -> set[str]:
    """Stems of a text's content words, four letters or more and not function words: English endings
    (-s, -es, -ed, -ing) cut, a Russian word's dictionary form ("нашёл" -> "найти"), then the first five
    letters."""
    words = re.findall(r"[^\W\d_]{4,}", text.lower().replace("ё", "е"))
    cut = [re.sub(r"(?:ing|ed|es|s)$", "", word) if re.match("[a-z]", word) else russian.lemma(word).replace("ё", "е")
           for word in words]
    return {word[:5] for word in cut if len(word) >= 4 and word[:5] not in FUNCTION_WORDS}


def _names(plan: Plan | None, prompt: str) -> set[str]:
    """The proper names the plan and the prompt give (lower case): words a dictionary need not know."""
    source = f"{plan.hero} {plan.setting} {plan.title}" if plan else ""
    return {word.lower() for word in re.findall(r"\b[A-ZА-ЯЁ][a-zа-яё]+", f"{source} {prompt}")}


def hero_name(plan: Plan | None) -> str | None:
    """The hero's name: the one the plan's hero line gives ("a robot named Pip", "лиса по имени Рыжик"),
    else its first word when that is capitalised ("Pip, a small snail") and not a kind (`kind_first`)."""
    if plan is None:
        return None
    given = re.search(r"\b(?:named|called|по имени|по кличке|зовут)\s+([A-ZА-ЯЁ][\w-]+)", plan.hero)
    if given:
        return given.group(1)
    titled = re.match(rf"\s*((?:{TITLES})\.?\s+[A-Z][\w-]+)", plan.hero)  # "Mr. Baker", not "Mr"
    if titled:
        return titled.group(1)
    first = re.match(r"\s*([A-ZА-ЯЁ][\w-]+)", plan.hero)
    if not first or first.group(1).lower() in ARTICLES or kind_first(plan.hero):
        return None
    return first.group(1)


def kind_first(hero: str) -> bool:
    """Whether a hero line begins with what it calls the hero again, a kind and not a name ("Fox, a wise
    and friendly fox": told as it was, the story said "Fox the fox")."""
    first = re.match(r"\s*([A-ZА-ЯЁ][\w-]+)", hero)
    return bool(first and re.search(rf"\b{re.escape(first.group(1).lower())}\b", hero[first.end():]))


def _named_in(sentence: str, name: str) -> bool:
    """Whether the sentence names the hero: its name inflected ("Рыжика"), or said as it is, as a name of
    two letters ("Bo") must be."""
    return bool(stems(name) & stems(sentence)) or bool(re.search(rf"\b{re.escape(name)}\b", sentence))


def _hero(sentences: tuple[str, ...], plan: Plan | None, prompt: str, language: str) -> list[Finding]:
    found = []
    text = " ".join(sentences)
    name = hero_name(plan)
    if name and not any(_named_in(sentence, name) for sentence in sentences[:2]):
        found.append(Finding("hero", 1, f"the hero ({name}) is not named at the start"))
    often = named_often(sentences)
    if name and sum(_named_in(s, name) for s in sentences) < often:
        found.append(Finding("hero", None, f"the hero ({name}) is named in fewer than {often} sentences"))
    subject = russian.hero(prompt) if language == "ru" else _english_subject(prompt)
    if subject and plan is not None and not (stems(subject) & stems(f"{plan.hero} {text}")):
        found.append(Finding("hero", None, f"the prompt's hero ({subject}) is not the story's"))
    if language == "en" and plan is not None and (pronoun := plan_pronoun(plan)):
        she, he = pronoun_counts(text)
        if (pronoun == "she" and he > she) or (pronoun == "he" and she > he):
            found.append(Finding("pronoun", None, f"the hero is {pronoun} in the plan, "
                                                  f"the story says {'he' if pronoun == 'she' else 'she'} more"))
    return found


def pronoun_counts(text: str) -> tuple[int, int]:
    """How often an English text says she/her and he/him/his."""
    words = re.findall(r"[a-z]+", text.lower())
    return sum(w in SHE for w in words), sum(w in HE for w in words)


def plan_pronoun(plan: Plan) -> str | None:
    """"she" or "he" when the plan's English hero line says which (a girl, a king), else when its other
    lines call someone by one of them at least twice as often as by the other ("to find his lost lantern",
    "where he hunts"), else None."""
    female = bool(re.search(r"\b(she|her|girl|woman|princess|queen|mother|grandmother|daughter|lady)\b",
                            plan.hero.lower()))
    male = bool(re.search(r"\b(he|his|boy|man|prince|king|father|grandfather|son|knight)\b", plan.hero.lower()))
    if female != male:
        return "she" if female else "he"
    return pronoun_of(" ".join((plan.setting, plan.wants, plan.problem, plan.turn, plan.ending)))


def pronoun_of(text: str) -> str | None:
    """"she" or "he" when an English text says one at least twice as often as the other, else None."""
    she, he = pronoun_counts(text)
    return "she" if she > 2 * he else "he" if he > 2 * she else None


def named_often(sentences: tuple[str, ...]) -> int:
    """How many sentences a telling must name its hero in: a third of them, at least one."""
    return max(1, round(len(sentences) / 3))


def _english_subject(prompt: str) -> str | None:
    """Who an English prompt is about: the noun after its article, or after the article and one word,
    that a "who", "that", a preposition or a verb in -ing follows ("a robot who learns" -> robot, "the
    moon tucking in the clouds" -> moon, "a sleepy boat rocking" -> boat)."""
    after = r"\s+(?:who|that|and|whose|of|on|in|with|\w{3,}ing)\b"
    for before in (r"\s*(?:a|an|the|two|three)\s+", r"\s*(?:a|an|the|two|three)\s+\w+\s+"):
        if match := re.match(rf"{before}(\w+){after}", prompt.lower()):
            return match.group(1)
    return None


def _relations(text: str, plan: Plan | None, prompt: str, language: str) -> list[Finding]:
    """A hero the prompt or plan makes a child who is given a husband, a wife or children of their own."""
    who = f"{prompt} {plan.hero if plan else ''}".lower()
    if not any(re.search(rf"\b{word}", who) for word in CHILD[language]):
        return []
    return [Finding("relation", None, f"a young hero with {match.group(0)}")
            for match in re.finditer(GROWN_KIN[language], text.lower())]
