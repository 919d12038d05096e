"""The story writer's loop: plan the story, tell it from the plan a few times, keep the best telling by what
the checks measure, and mend the sentences that still have something wrong.

  1. the plan: the model, shown one of our own example plans and the story told from it (the genre's, in
     the story's language), writes the plan of this story in labelled lines: title, hero (a name), setting,
     what the hero wants, what stands in the way, the turn, the ending. The plan is the bible the pictures
     follow (title, hero, setting) and goes into story.json. A plan unusable three times gives way to the
     prompt's own (the prompt as title and hero, the genre's scenery, no beats), and the bible says so. A
     model whose catalogue entry says it cannot plan (`options.writing.plan = false`: the tests' 135M
     model) is asked for the story straight from the prompt.
  2. the candidates: the model tells the story from its plan in exactly N numbered sentences, each
     telling with its own seed, until one is good enough (a score the genre sets) or the genre's most;
     a telling whose sentences so far already score no better than the best is given up there.
     Generation stops the moment a sentence past N begins: nothing is generated only to be thrown away
     and nothing told is cut; a telling that ends early or wants to go on is finished by the model from
     its last whole sentence, ending at N.
  3. the choice: an English telling that names its hero too rarely gets its name where a sentence
     begins with the hero's pronoun (`name_the_hero`); a character of a film or a book the model
     knows by name ("Jack Sparrow") gets one of ours, in the plan and every telling (`renamed`); every
     telling is checked (checks.py: is it a story at all; review.py: echoes, stock phrases, the hero,
     relations, pronouns, the plan's beats, the prompt's images, what a later sentence undoes, Russian
     words and agreement) and the one with the lowest score is kept.
  4. the mending: a Russian word the dictionary knows the right forms of (a non-word one slip from
     real words, a noun in a case its preposition does not take) is put right by the model choosing
     among those forms; a sentence with a finding of its own (an echo, a stock phrase, a broken word) is
     rewritten in context, and so is the sentence where an untold beat of the plan belongs (the ending
     in the last), each rewrite kept only if the story then scores better. A candidate that rewrites
     could make good enough is mended before another is told: a sentence costs a few seconds, a
     telling a dozen.
Every generation is kept in `Story.drafts`; tokens stream to the `digiteller.stream` logger (the CLI prints
them). The prompt's shared beginning (instructions, example and the plan's form) is evaluated once, kept on
disk and reused by every request. Same seed, same story.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import model_registry
from core.contracts import Bible, Plan, Story
from core.hashing import content_key
from model_registry.text.base import Messages, TextModel
from tasks.request import Genre
from tasks.writing import review, russian
from tasks.writing.checks import DegenerateStory, check_draft, parse_plan
from tasks.writing.cleanup import _NUMBER, clean_draft, clean_text, numbered, split_sentences
from tasks.writing.prompts import (
    asked,
    direct_messages,
    plan_messages,
    plan_text,
    said,
    shared_beginning,
    story_request,
    wording,
)

ATTEMPTS = 3
PLAN_TRIES = 3
FINISH_ROUNDS = 2
MENDS = 3  # sentences rewritten at most
# Findings a rewrite of "the same moment" keeps (a sentence told twice, or copied from the example): the
# sentence is asked for anew, as what happens next.
ANEW = {"repeat", "copied"}
# Where in a story a beat of its plan is told, as a share of its sentences (the example stories' shape).
BEAT_PLACES = {"wants": 0.3, "problem": 0.45, "turn": 0.65, "ending": 1.0}
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


@dataclass(frozen=True)
class Telling:
    """One candidate: its sentences, what the checks found in it, and its score (lower is better)."""

    sentences: tuple[str, ...]
    findings: tuple[review.Finding, ...]
    mended: bool = False  # its sentences with findings were rewritten (those rewrites that scored better kept)

    @property
    def score(self) -> int:
        return review.score(list(self.findings))


def tag_mood(sentence: str, default: str) -> str:
    lower = sentence.lower()
    scores = {mood: sum(word in lower for word in words) for mood, words in MOOD_WORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else default


def compose_story(prompt: str, genre: Genre, language: str, count: int, seed: int, model: str | None) -> Story:
    """The plain function: plan, tell the candidates, keep the best, mend it (see the module's docstring).
    An attempt whose every telling is unusable is redrafted with other seeds; after ATTEMPTS the
    error says which check failed and why."""
    lm = model_registry.get("text", model)
    writing = genre.writing | lm.entry.options.get("writing", {})  # a small model may plan less, try fewer
    planning = writing.get("plan", True)
    mends = writing.get("mends", MENDS)
    messages = plan_messages(prompt, genre, language) if planning else direct_messages(prompt, genre, language, count)
    problems = []
    for attempt in range(ATTEMPTS):
        remember_beginning(lm, messages, genre, language, prompt)
        base = seed + 1000 * attempt
        records: list[dict] = []
        if planning:
            log.info("write_story: planning (attempt %d of %d)", attempt + 1, ATTEMPTS)
            plan, planner = write_plan(lm, messages, prompt, genre, language, base, records)
            telling = story_messages(messages, plan, language, count)
        else:  # a model too small to write labelled lines tells the story straight from the prompt
            plan, planner, telling = prompt_plan(prompt, genre, language), "prompt", messages
        candidates: list[Telling] = []
        most = writing["candidates"]
        for number in range(most):
            if candidates and min(c.score for c in candidates) <= writing["good_enough"]:
                break  # a telling with nothing much wrong: more would cost time, not gain it
            log.info("write_story: telling it (candidate %d, at most %d)", number + 1, most)
            drafts: list[Draft] = []
            to_beat = min((c.score for c in candidates), default=None)
            try:
                sentences = tell(lm, telling, prompt, language, count, base + number + 1, drafts, writing,
                                 outscored=_outscored(to_beat, plan, prompt, language))
            except Outscored as exc:
                log.info("write_story: candidate %d given up (%s)", number + 1, exc)
                continue
            except DegenerateStory as exc:
                problems.append(f"attempt {attempt + 1}, candidate {number + 1}: {exc}")
                log.info("write_story: candidate rejected (%s)", exc)
                continue
            finally:
                records += [draft.record for draft in drafts]
            sentences = settled(name_the_hero(sentences, plan, language), language)
            candidate = Telling(sentences, tuple(review.review(sentences, plan, prompt, language)))
            log.info("write_story: candidate %d scores %d (%s)", number + 1, candidate.score,
                     "; ".join(map(str, candidate.findings)) or "nothing found")
            fixes = repairs(candidate, plan, prompt, language)[:mends]
            if candidate.score > writing["good_enough"] >= candidate.score - sum(weight for weight, _, _ in fixes):
                # a few rewritten sentences may make it good enough: cheaper than telling it all again
                candidate = mend(lm, telling, candidate, mends, plan, prompt, language, base, records)
            candidates.append(candidate)
        if not candidates:
            continue
        best = min(candidates, key=lambda c: c.score)
        if not best.mended:
            best = mend(lm, telling, best, mends, plan, prompt, language, base, records)
        return Story(
            title=plan.title,
            sentences=best.sentences,
            moods=tuple(tag_mood(s, genre.music.mood) for s in best.sentences),
            bible=Bible(hero=plan.hero, setting=plan.setting, prompt=prompt, written_by=planner),
            look=genre.look,
            language=language,
            genre=genre.name,
            model=lm.entry.name,
            drafts=tuple(records),
            plan=plan,
            findings=tuple(map(str, best.findings)),
        )
    raise DegenerateStory(f"no usable story after {ATTEMPTS} attempts: " + "; ".join(problems))


def remember_beginning(lm: TextModel, messages: Messages, genre: Genre, language: str, prompt: str) -> None:
    """Have the beginning every story of this genre and language shares (`shared_beginning`: the
    instructions, the example and the plan's form) evaluated, from the model's saved copy where it has one."""
    shared = shared_beginning(messages, genre, language, prompt)
    lm.remember(shared, f"{genre.name}-{language}-{content_key(shared)[:16]}")


def prepare(genres: list[Genre], languages: list[str], model: str | None = None,
            report: Callable[[str], None] = log.info) -> None:
    """Evaluate and save every genre's shared beginning in every language once (setup does it), so that a
    user's first story in any genre starts writing at once instead of after ~10 s of prompt evaluation on
    2 cores; a beginning already saved is only restored."""
    lm = model_registry.get("text", model)
    for genre in genres:
        planning = (genre.writing | lm.entry.options.get("writing", {})).get("plan", True)
        for language in languages:
            started = time.perf_counter()
            messages = plan_messages("", genre, language) if planning else direct_messages("", genre, language, 1)
            remember_beginning(lm, messages, genre, language, "")
            report(f"{genre.name} ({language}): ready in {time.perf_counter() - started:.1f} s")


class Outscored(Exception):
    """A telling given up while it was being written: what it already told scores no better than the best."""


def _outscored(to_beat: int | None, plan: Plan, prompt: str, language: str
               ) -> Callable[[tuple[str, ...]], str | None] | None:
    """What gives up a telling once the findings of its sentences so far (which later sentences cannot take
    back) score at least `to_beat`, the best telling's score: it could only lose, and the best is kept on a
    tie. Nothing to beat yet: None."""
    if to_beat is None:
        return None

    def why(sentences: tuple[str, ...]) -> str | None:
        found = review.sentence_findings(sentences, plan, prompt, language)
        return (f"after sentence {len(sentences)} it scores {review.score(found)}, the best {to_beat}"
                if review.score(found) >= to_beat else None)

    return why


def write_plan(lm: TextModel, messages: Messages, prompt: str, genre: Genre, language: str, seed: int,
               records: list[dict]) -> tuple[Plan, str]:
    """The story's plan and who wrote it: the model's (PLAN_TRIES tries, each request beginning from the
    remembered instructions and example), or, when every one was unusable (a line missing, or a death or a
    gun the prompt did not ask for: a story told from it would show them), the prompt's own. A usable plan with a flaw
    (`review.plan_findings`: another hero than the prompt's, an ending that does not answer the want) is
    asked for again, and the one with the fewest flaws kept."""
    flawed: list[tuple[list[str], Plan]] = []
    for attempt in range(PLAN_TRIES):
        last = attempt == PLAN_TRIES - 1
        raw = _streamed(lm, messages, seed=seed + attempt, max_new_tokens=160, temperature=0.7, reuse=True)
        records.append({"purpose": "plan", "asked": 7, "text": raw, "ran_on": False})
        try:
            plan = Plan(*renamed(dataclasses.astuple(parse_plan(raw, language, prompt)), language))
            if shown := review.grim(plan_text(plan, language), prompt, language):
                raise DegenerateStory(f"the plan is not for a child ({', '.join(shown)})")
        except DegenerateStory as exc:
            log.info("write_story: plan rejected (%s); %s", exc,
                     "asking again" if not last else "the best plan stands" if flawed else "the prompt stands in")
            continue
        plan = named(plan, prompt, language)
        if not (flaws := review.plan_findings(plan, prompt, language)):
            return plan, lm.entry.name
        log.info("write_story: the plan: %s; %s", "; ".join(flaws),
                 "asking again" if not last else "the one with the fewest flaws is kept")
        flawed.append((flaws, plan))
    if flawed:
        return min(flawed, key=lambda kept: len(kept[0]))[1], lm.entry.name
    return prompt_plan(prompt, genre, language), "prompt"


def prompt_plan(prompt: str, genre: Genre, language: str) -> Plan:
    """The plan the prompt alone gives: the prompt as title and hero (with a name), the genre's scenery as
    setting, no beats."""
    title = prompt[:1].upper() + prompt[1:]
    return named(Plan(title=title, hero=prompt, setting=genre.look.scenery, wants="", problem="", turn="", ending=""),
                 prompt, language)


def named(plan: Plan, prompt: str, language: str) -> Plan:
    """The plan with a name for its hero, where it left the hero nameless ("The fox, a shy animal" ->
    "Toby, the fox, a shy animal"): a listener follows a named hero, and the checks can follow the name. The
    name comes from the writer's list (data/writing), chosen by the prompt; a Russian one of the gender of
    the word the plan calls the hero by, an English one a she's or a he's as the plan says (either, where
    it does not)."""
    if review.hero_name(plan):
        return plan
    names = wording(language)["names"]
    if language == "ru":
        names = names[russian.gender(plan.hero) or "masc"]
    else:
        pronoun = review.plan_pronoun(plan)
        names = names[pronoun] if pronoun else names["she"] + names["he"]
    name = names[int(content_key(prompt)[:8], 16) % len(names)]
    # "Fox, a wise fox" -> "Toby, a wise fox", not "Toby, fox, a wise fox"
    said = plan.hero.partition(", ")[2]
    hero = said if said and review.kind_first(plan.hero) else plan.hero
    return dataclasses.replace(plan, hero=f"{name}, {hero[:1].lower()}{hero[1:]}")


def settled(sentences: tuple[str, ...], language: str) -> tuple[str, ...]:
    """A telling as the review reads it: characters of films renamed (`renamed`), and in Russian a noun after
    a one-case preposition put in that case ("к деревню" -> "к деревне", russian.governed), which the
    model's rewrites of the sentence had kept."""
    sentences = renamed(sentences, language)
    return tuple(map(russian.governed, sentences)) if language == "ru" else sentences


def renamed(texts: tuple[str, ...], language: str) -> tuple[str, ...]:
    """`texts` (a story's sentences, a plan's lines) with the characters of films and books the model knows
    by name ("Jack Sparrow", Tom's friend "Jerry": data/writing `known`) called by our names instead: a
    story of ours, not a retelling of theirs. A Russian name is found in any case ("Джека Воробья"); a
    replacement that is the name's first word keeps that word as written ("Jack Sparrow's" -> "Jack's")."""
    whole = " ".join(texts)
    for known, ours in wording(language)["known"].items():
        *needs, name = known.split("+")
        if not all(re.search(rf"\b{re.escape(need)}\b", whole) for need in needs):
            continue
        words = name.split()
        stems = [word[:-2] if language == "ru" and len(word) > 4 else word for word in words]
        parts = [rf"({re.escape(stem)}\w*)" if language == "ru" else f"({re.escape(stem)})" for stem in stems]
        pattern = re.compile(r"\b" + r"\s+".join(parts) + r"(?![\w-])")
        replacement = r"\1" if ours == words[0] else ours
        texts = tuple(pattern.sub(replacement, text) for text in texts)
    return texts


def name_the_hero(sentences: tuple[str, ...], plan: Plan, language: str) -> tuple[str, ...]:
    """An English telling that names its hero in too few sentences ("She loved to hunt... She rushed back"),
    with the name for the hero's pronoun where a sentence begins with it ("Tess rushed back", "Tess's
    eyes"), first at the start if the first two sentences do not name it, then in the sentences farthest
    from a naming, until a third of them name it: a listener follows a named hero. The pronoun is the
    plan's (a girl, a king), else the one the story uses far more for someone."""
    name = review.hero_name(plan)
    if language != "en" or not name:
        return sentences
    pronoun = review.plan_pronoun(plan) or review.pronoun_of(" ".join(sentences))
    if pronoun is None:
        return sentences
    opening = {"she": ("She", "Her"), "he": ("He", "His")}[pronoun]
    told = list(sentences)
    named = [bool(re.search(rf"\b{re.escape(name)}\b", sentence)) for sentence in told]
    starts = [i for i, s in enumerate(told) if re.match(rf"(?:{'|'.join(opening)})\b", s) and not named[i]]
    while starts and (sum(named) < review.named_often(sentences) or not any(named[:2])):
        early = [i for i in starts if i < 2]
        far = early[0] if early and not any(named[:2]) else max(
            starts, key=lambda i: min((abs(i - j) for j, n in enumerate(named) if n), default=len(told)))
        subject, possessive = opening
        told[far] = re.sub(rf"^{subject}\b", name, re.sub(rf"^{possessive}\b", f"{name}'s", told[far]))
        named[far] = True
        starts.remove(far)
    return tuple(told)


def story_messages(messages: Messages, plan: Plan, language: str, count: int) -> Messages:
    """The conversation that asks for the story told from `plan`."""
    return messages + [said(plan_text(plan, language)), asked(story_request(language, count))]


def tell(lm: TextModel, messages: Messages, prompt: str, language: str, count: int, seed: int,
         drafts: list[Draft], writing: dict, outscored: Callable[[tuple[str, ...]], str | None] | None = None
         ) -> tuple[str, ...]:
    """Exactly `count` checked sentences that end the story. When a draft ends early or wants to go on past
    `count`, its last sentence is dropped and the model finishes the story from there, ending at `count`.
    `outscored(sentences told so far)` says why a telling cannot be the best any more (then generation stops
    there and Outscored is raised), or None."""
    sampling = {"temperature": writing["temperature"], "top_p": writing["top_p"]}
    draft = _write(lm, messages, count, seed, "story", drafts, sampling, outscored)
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
        draft = _write(lm, messages + ask, count - len(keep), seed, "ending" if start == count else "finish",
                       drafts, sampling)
        sentences = keep + draft.sentences
    if len(sentences) < count:
        raise DegenerateStory(f"{len(sentences)} complete sentences, {count} needed")
    check_draft("\n".join(d.text for d in drafts), sentences, language, prompt)
    return sentences


def repairs(telling: Telling, plan: Plan, prompt: str, language: str) -> list[tuple[int, int, str]]:
    """What rewriting one sentence in context could fix, as (weight, sentence number, request), the
    weightiest first: a sentence with findings of its own (an echo, a stock phrase, a broken word; one told
    twice or copied from the example is asked for anew, as what happens next), and a
    beat of the plan the telling never told, in the sentence where a story of this length tells it (the
    ending in the last; a turn two thirds in), unless that sentence is already to be rewritten."""
    words, count = wording(language), len(telling.sentences)
    own: dict[int, list[review.Finding]] = {}
    for finding in telling.findings:
        if finding.check in review.SENTENCE_CHECKS and finding.sentence:
            own.setdefault(finding.sentence, []).append(finding)
    fixes = [(review.score(found), number, words["anew" if {f.check for f in found} & ANEW else "rewrite"].format(
              number=number, why="; ".join(f.detail for f in found))) for number, found in own.items()]
    taken = set(own)
    for beat in review.untold(plan, prompt, review.content(" ".join(telling.sentences))):
        number = max(1, min(count, round(BEAT_PLACES[beat] * count)))
        if number not in taken:
            taken.add(number)
            fixes.append((review.WEIGHTS["beats"], number, words["beat"].format(number=number,
                                                                               beat=getattr(plan, beat))))
    return sorted(fixes, key=lambda fix: (-fix[0], fix[1]))


def mend(lm: TextModel, messages: Messages, telling: Telling, most: int, plan: Plan, prompt: str, language: str,
         seed: int, records: list[dict]) -> Telling:
    """The telling with its misspelt Russian words and wrong cases put right (`chosen`), then up to `most`
    of its `repairs` made, one sentence at a time, each rewritten in context; a rewrite is kept when the
    whole story then scores better and still passes its checks. A rewrite that brought findings the
    sentence did not have (a beat told in the plan's present tense) is rewritten once more for them, and
    the better of the two is weighed."""
    def rewritten(sentences: tuple[str, ...], number: int, request: str, attempt: int) -> Telling | None:
        log.info("write_story: rewriting sentence %d (%s)", number, request)
        raw = _streamed(lm, messages + [said(numbered(sentences)), asked(request)],
                        seed=seed + 50 + number + 100 * attempt, max_new_tokens=70, temperature=0.7, reuse=True,
                        stop=lambda text: len(split_sentences(clean_text(text))) > 1)
        records.append({"purpose": "rewrite", "asked": 1, "text": raw, "ran_on": False})
        rewrite = clean_draft(raw)[1][:1]
        if not rewrite:
            return None
        sentences = settled(sentences[:number - 1] + (rewrite[0],) + sentences[number:], language)
        try:
            check_draft(numbered(sentences), sentences, language, prompt)
        except DegenerateStory:
            return None
        return Telling(sentences, tuple(review.review(sentences, plan, prompt, language)))

    def own(of: Telling, number: int) -> list[review.Finding]:
        return [f for f in of.findings if f.sentence == number and f.check in review.SENTENCE_CHECKS]

    telling = chosen(lm, messages, telling, plan, prompt, language, records)
    for _, number, request in repairs(telling, plan, prompt, language)[:most]:
        if not (better := rewritten(telling.sentences, number, request, 0)):
            continue
        had = {f.check for f in own(telling, number)}
        if new := [f for f in own(better, number) if f.check not in had]:
            why = "; ".join(f.detail for f in new)
            again = rewritten(better.sentences, number, wording(language)["rewrite"].format(number=number, why=why), 1)
            better = min(filter(None, (better, again)), key=lambda t: t.score)
        if better.score < telling.score:
            telling = better
    return dataclasses.replace(telling, mended=True)


# The findings the dictionary offers the right words for, and the request that asks the model to choose.
CHOICES = {"unknown": (russian.respelt, "spell"), "agreement": (russian.agreeing, "form")}


def chosen(lm: TextModel, messages: Messages, telling: Telling, plan: Plan, prompt: str, language: str,
           records: list[dict]) -> Telling:
    """The telling with each word the dictionary knows the right forms of put right by the model's choice
    among them: a Russian non-word that is a slip from dictionary words ("её лесный остров": "лесной",
    "тесный", ...; `russian.respelt`), a noun in a case its preposition does not take, where the
    preposition takes two ("море за деревьев": "за деревья", "за деревьями"), and an adjective that does not
    agree with its noun ("на лесной холме": "лесном"; `russian.agreeing`). Asked for the sentence again,
    put right, the model may only reply one of those sentences, and chooses the one the story means
    ("лесной", not "тесный"): its free rewrite of such a sentence often keeps the slip or makes another.
    A choice costs the sentence's length in tokens (~2 s); where the dictionary offers one form, it is
    taken without asking. Each is kept where the story then scores better; a slip the dictionary offers
    nothing for is left to the rewrite."""
    for finding in telling.findings:
        if finding.check not in CHOICES or not finding.word:
            continue
        offer, asking = CHOICES[finding.check]
        number = finding.sentence
        options = {f"{number}. {option}": option  # numbered, as the model writes its lines
                   for option in offer(telling.sentences[number - 1], finding.word)}
        if not options:
            continue
        if len(options) > 1:
            request = wording(language)[asking].format(number=number, word=finding.word)
            log.info("write_story: choosing the word in sentence %d (%s)", number, request)
            reply = lm.choose(messages + [said(numbered(telling.sentences)), asked(request)], list(options),
                              reuse=True)
            records.append({"purpose": "choice", "asked": 1, "text": reply, "ran_on": False})
        else:
            reply = next(iter(options))
        sentences = settled(telling.sentences[:number - 1] + (options[reply],) + telling.sentences[number:], language)
        better = Telling(sentences, tuple(review.review(sentences, plan, prompt, language)))
        if better.score < telling.score:
            telling = better
    return telling


def _write(lm: TextModel, messages: Messages, count: int, seed: int, purpose: str, drafts: list[Draft],
           sampling: dict, outscored: Callable[[tuple[str, ...]], str | None] | None = None) -> Draft:
    """One generation, stopped as soon as a sentence past `count` begins, or (`outscored`) as soon as the
    sentences told so far say it cannot be the best telling; kept in `drafts`."""
    judged, gave_up = [0], []

    def past_count(text: str) -> bool:
        return len(split_sentences(clean_text(text))) > count

    def stop(text: str) -> bool:
        told = split_sentences(clean_text(text))
        if len(told) > count:
            return True
        complete = tuple(told[:-1])  # the sentence being written is judged once the next one begins
        if outscored is not None and len(complete) > judged[0]:
            judged[0] = len(complete)
            if why := outscored(complete):
                gave_up.append(why)
                return True
        return False

    raw = _streamed(lm, messages, seed=seed, max_new_tokens=48 * count + 40, stop=stop, reuse=True, **sampling)
    draft = Draft(purpose, count, raw, tuple(clean_draft(raw)[1][:count]), ran_on=past_count(raw))
    drafts.append(draft)
    if gave_up:
        raise Outscored(gave_up[0])
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
