"""What a listener would notice, caught by the writer's review: the failures quoted from real stories (an
echoed instruction, stock phrases, a death in a children's story, a relation that changes, a lost hero,
English inside a Russian word, a case error) each found, and a clean telling found clean."""

from __future__ import annotations

import dataclasses
import re

import pytest

from core.contracts import Plan
from tasks.writing.review import Finding, plan_findings, review, score

FOX = Plan(title="The Lantern", hero="Pip, a small red fox", setting="a dark forest",
           wants="to find the lost lantern", problem="the night is dark", turn="a firefly shows the way",
           ending="Pip carries the lantern home")
ANNA = Plan(title="The Missing Ring", hero="Anna, the baker's young daughter", setting="a village bakery",
            wants="to find her mother's ring", problem="the ring is gone", turn="flour shows footprints",
            ending="the cat had hidden it")
ROBOT = Plan(title="Colours", hero="Bolt, a small robot who wants to paint", setting="a space station",
             wants="to paint the stars", problem="no brushes", turn="he finds paint", ending="he paints")
FOXLING = Plan(title="The Lantern", hero="Toby, the fox, a clever hunter", setting="a forest where he hunts",
               wants="to find his lost lantern", problem="it is hidden in a tree", turn="he hears it ring",
               ending="he carries it home")
LISA = Plan(title="Фонарь", hero="Рыжик, рыжая лиса", setting="лес", wants="найти фонарь",
            problem="ночь темна", turn="светлячок светит", ending="Рыжик несёт фонарь домой")
GOOD = ("Pip the fox wanted the lost lantern, but the night was dark.", "Pip saw a firefly show the way.",
        "Pip carried the lantern home.")

# check, sentence it is in (None: the story), plan, prompt, language, the story
CAUGHT = [
    ("echo", 3, FOX, "a fox who finds a lost lantern", "en",
     (*GOOD[:2], "Sentence 3 ends the story.")),
    ("echo", 3, LISA, "лиса находит фонарь", "ru",  # Qwen's Russian last sentence: the instruction told back
     ("Рыжик искал фонарь в тёмном лесу.", "Светлячок светил Рыжику.", "Им история заканчивается.")),
    ("stock", 1, FOX, "a fox who finds a lost lantern", "en",
     ("Pip embarked on a magical quest to find the lost lantern.", *GOOD[1:])),
    ("stock", 2, FOX, "a fox who finds a lost lantern", "en",
     (GOOD[0], "Pip encountered many challenges and obstacles, but a firefly showed the way.", GOOD[2])),
    ("relation", None, ANNA, "the baker's daughter who loses a ring", "en",  # a daughter given a husband
     ("Anna, the baker's daughter, could not find her mother's ring.", "Her husband looked in the flour.",
      "Anna saw footprints, and the cat had hidden it.")),
    ("hero", None, ROBOT, "a robot who learns to paint", "en",  # the robot's story became the team's
     ("The mission team landed on the station.", "The team wanted to paint the stars.",
      "They found paint and painted.")),
    ("pronoun", None, ANNA, "the baker's daughter who loses a ring", "en",
     ("Anna looked for the ring.", "He searched the bakery, and his hands were white with flour.",
      "He saw footprints; the cat had hidden it.")),
    ("pronoun", None, FOXLING, "a fox who finds a lost lantern", "en",  # the plan's lines call the fox "he"
     ("Toby the fox was hunting near a lake.", "She heard a ringing under a tree.", "She found her lantern.")),
    ("tense", 3, ROBOT, "a robot who learns to paint", "en",  # Qwen's robot, 2026-12-03
     ("Bolt was a small robot on a space station.", "He wanted to paint the stars.",
      "Bolt learned how to use the brush, creates a masterpiece.")),
    ("tense", 3, FOX, "a fox who finds a lost lantern", "en",  # Qwen's fox, 2026-12-03
     (*GOOD[:2], "She returns home with the lantern.")),
    ("tense", 3, ROBOT, "a robot who learns to paint on a space station", "en",  # Qwen's station, 2026-12-07
     (*GOOD[:2], "He can finally enjoy looking at his creation as if it were a real painting.")),
    ("beats", None, FOX, "a fox who finds a lost lantern", "en",  # the turn (the firefly) is never told
     ("Pip the fox wanted the lost lantern, but the night was dark.", "Pip waited.", "Pip carried the lantern home.")),
    ("grim", 4, FOX, "a fox who finds a lost lantern", "en",  # Qwen's adventure: "his friend fell down dead"
     (*GOOD[:2], "Pip's friend fell down dead.", "Pip saw his brother's body under a rock.")),
    ("grim", 2, LISA, "лиса находит фонарь", "ru",
     ("Рыжик искал фонарь в тёмном лесу.", "Светлячок умер в траве.", "Рыжик несёт фонарь домой.")),
    ("echo", 3, FOX, "a fox who finds a lost lantern", "en",  # Qwen's snow hare: the moral told to the listener
     (*GOOD[:2], "The story of the fox and the lantern teaches us that magic can help us overcome our challenges.")),
    ("echo", 3, FOX, "a fox who finds a lost lantern", "en",  # a plan's label left in the story
     (*GOOD[:2], "Ending: Pip carried the lantern home.")),
    ("grim", 3, FOX, "a fox who finds a lost lantern", "en",  # Qwen's fox, 2026-12-07: the hero's meal
     (*GOOD[:2], "Max used the lantern to see the mouse and ate it.")),
    ("grim", 1, FOX, "a fox who finds a lost lantern", "en",
     ("Pip hunted the little rabbit by the lantern's light.", *GOOD[1:])),
    ("grim", 2, LISA, "лиса находит фонарь", "ru",
     ("Рыжик искал фонарь в тёмном лесу.", "Рыжик увидел мышку и съел её.", "Рыжик несёт фонарь домой.")),
    ("copied", 3, LISA, "девочка сажает звезду в своём саду", "ru",  # Qwen's girl, 2026-12-07: the example's gull
     ("Девочка нашла звезду в грязи.", "Девочка посадила звезду в саду.",
      "В благодарность чайка бережно посадила Пипу себе на спину.")),
    ("copied", 2, FOX, "a signal from a frozen moon", "en",  # Qwen's frozen moon, 2026-12-07: the sci-fi example
     (GOOD[0], "Zara sealed the cracks with quick-foam and carried the news back to the station.", GOOD[2])),
    ("fragment", 2, FOX, "a fox who finds a lost lantern", "en",  # Qwen's fox, 2026-12-07: a line broken off
     (GOOD[0], "One evening, as he sat under a very tall tree with branches like golden chains.", GOOD[2])),
    ("fragment", 2, LISA, "лиса находит фонарь", "ru",
     ("Рыжик искал фонарь в тёмном лесу.", "Однажды вечером, когда Рыжик сидел под деревом.",
      "Рыжик несёт фонарь домой.")),
    ("grim", 2, FOX, "a fisherman who follows a whale to the edge of the sea", "en",  # Qwen's fisherman, 12-07
     (GOOD[0], "With his boat and a big stick, Sam tried to break the whale's tail.", GOOD[2])),
    ("grim", 2, FOX, "a fox who finds a lost lantern", "en",  # Qwen's parrot, 2026-12-07
     (GOOD[0], "He saw a man come out of the woods and started shooting at Sarah and her parrot.", GOOD[2])),
    ("grim", 2, FOX, "a fox who finds a lost lantern", "en",  # Qwen's mystery: "a man with a gun"
     (GOOD[0], "A man with a gun fired at Pip.", GOOD[2])),
    ("repeat", 3, FOX, "a fox who finds a lost lantern", "en",  # Qwen's balloon story ended on its sentence 5
     ("As Pip reaches the top, he finds the lost lantern.", "Pip carries the lantern home.",
      "As Pip reaches the top, he finds the lantern.")),
    ("script", 2, LISA, "лиса находит фонарь", "ru",  # Qwen translating its own English story
     ("Рыжик искал фонарь в тёмном лесу.", "Ночь была perseverал и тёмной.", "Рыжик несёт фонарь домой.")),
    ("agreement", 2, LISA, "лиса находит фонарь", "ru",
     ("Рыжик искал фонарь в тёмном лесу.", "Он увидел красивая светлячки.", "Рыжик несёт фонарь домой.")),
    ("unknown", 2, LISA, "лиса находит фонарь", "ru",  # Qwen: "спасить", a non-word
     ("Рыжик искал фонарь в тёмном лесу.", "Рыжик решил спасить светлячка.", "Рыжик несёт фонарь домой.")),
    ("grim", 2, FOX, "a detective cat and the missing cake", "en",  # Qwen's detective cat, 2026-12-07
     (GOOD[0], "Max chased after it and caught the cat in a trap.", GOOD[2])),
    ("grim", 3, FOX, "a detective cat and the missing cake", "en",  # ... whose thief then starves
     (*GOOD[:2], "The cat left Max with a promise to never eat again.")),
    ("grim", 2, LISA, "лиса находит фонарь", "ru",
     ("Рыжик искал фонарь в тёмном лесу.", "Рыжик поймал зайца в ловушку.", "Рыжик несёт фонарь домой.")),
    ("grim", 2, FOX, "a detective cat and the missing cake", "en",  # Qwen's detective cat, 2026-12-07 13:00
     (GOOD[0], "Tommy was released from prison after serving five years.", GOOD[2])),
    ("grim", 2, FOX, "a parrot that witnessed a theft", "en",  # Qwen's parrot, 2026-12-07 13:00
     (GOOD[0], "Oliver discovered the thief was a sadist who had been plotting to steal birds.", GOOD[2])),
    ("grim", 2, LISA, "лиса находит фонарь", "ru",
     ("Рыжик искал фонарь в тёмном лесу.", "Вора посадили в тюрьму.", "Рыжик несёт фонарь домой.")),
    ("grim", 2, LISA, "принцесса дружит с застенчивым драконом", "ru",  # Qwen's princess, 2026-12-07 23:29
     ("Рыжик искал фонарь в тёмном лесу.", "Мария выбрала пленение дракона.", "Рыжик несёт фонарь домой.")),
    ("undone", 3, FOX, "a climb to the top of a burning mountain", "en",  # Qwen's burning mountain, 12-07
     (GOOD[0], "After hours of hard work, they managed to put out the fire and save their home.",
      "Alex made it to the top just in time before the fire began to spread.")),
    ("undone", 3, FOX, "a detective cat and the missing cake", "en",  # Qwen's detective cat: found twice
     ("Max set out to find the missing cake.", "One night he found the cake hidden in a secret drawer.",
      "It found the missing cake under the counter.")),
    ("undone", 2, FOX, "a fox who finds a lost lantern", "en",  # Qwen's fox, seed 77, 2026-12-07 16:20
     ("Max the Fox was on a sunny day after finding the lost lantern.",
      "He looked into his basket but could not find the lantern.", GOOD[2])),
    ("undone", 3, FOX, "a fox who finds a lost lantern", "en",  # ... which then ended
     ("Max the Fox was on a sunny day after finding the lost lantern.", GOOD[1],
      "Max found the lantern once more and returned it to its owner.")),
    ("agreement", 2, LISA, "лиса находит фонарь", "ru",  # Qwen's Russian fox, quality run 2026-12-07
     ("Рыжик искал фонарь в тёмном лесу.", "Листья привели её к деревню.", "Рыжик несёт фонарь домой.")),
    ("agreement", 1, LISA, "лиса находит фонарь", "ru",  # ... and its singing baker
     ("Певец из деревней оказался популярным.", "Рыжик искал фонарь в тёмном лесу.", "Рыжик несёт фонарь домой.")),
    ("repeat", 3, LISA, "принцесса дружит с застенчивым драконом", "ru",  # Qwen's princess: 7 again, and more
     ("Рыжик искал фонарь в тёмном лесу.", "Мария издала объявления о своей победе в звезде.",
      "Мария издала объявления о своей победе в звезде, и теперь она считается одной из самых счастливых принцесс.")),
    ("script", 2, LISA, "пекарь печёт хлеб, от которого люди поют", "ru",  # Qwen's baker, quality run 17:30
     ("Рыжик искал фонарь в тёмном лесу.", "Его песни стали популярны everywhere in the land.",
      "Рыжик несёт фонарь домой.")),
    ("undone", 3, LISA, "лиса и лесной пожар", "ru",
     ("Рыжик искал фонарь в тёмном лесу.", "Звери потушили пожар.", "Вдруг огонь снова начал распространяться.")),
]


@pytest.mark.parametrize("check, sentence, plan, prompt, language, sentences", CAUGHT,
                         ids=[f"{row[0]}-{row[4]}" for row in CAUGHT])
def test_the_review_catches_what_a_listener_would_notice(check, sentence, plan, prompt, language, sentences):
    found = review(sentences, plan, prompt, language)
    assert any(f.check == check and f.sentence == sentence for f in found), found


def test_a_finding_quotes_the_words_of_the_sentence_not_the_pattern_that_found_them():
    """The rewrite request tells the model what is wrong in these words: a regular expression would be noise."""
    told = ("Pip the fox was filled with excitement and persevered.", "Pip saw a firefly.",
            "Sentence 3 ends the story.")
    details = [f.detail for f in review(told, FOX, "a fox who finds a lost lantern", "en")
               if f.check in ("stock", "echo")]
    assert details == ["stock phrase (persevered)", "stock phrase (filled with excitement)",
                       "repeats the request (ends the story)", "repeats the request (sentence 3)"], details


def test_a_clean_telling_is_found_clean():
    assert review(GOOD, FOX, "a fox who finds a lost lantern", "en") == []
    clean = ("Рыжик искал фонарь в тёмном лесу, но ночь была темна.", "Вдруг светлячок осветил тропинку.",
             "Рыжик нашёл фонарь и понёс его домой.")
    assert review(clean, LISA, "лиса находит фонарь", "ru") == []
    told_it = ("Pip the fox wanted the lost lantern, but the night was dark.",
               "Pip played with the firefly, telling it stories.", "Pip carried the lantern home.")
    assert review(told_it, FOX, "a fox who finds a lost lantern", "en") == []  # "it" after a verb is no subject
    in_the_present = ("Pip the fox wants the lost lantern, but the night is dark.", "Pip sees a firefly show the way.",
                      "Pip carries the lantern home.")
    assert review(in_the_present, FOX, "a fox who finds a lost lantern", "en") == []


def test_what_a_later_sentence_tells_after_it_was_done_is_undone_only_if_it_undoes_it():
    done = ("Pip found the lantern under a tree.", "Pip found the lantern was warm, and found a firefly in it.",
            "The fire went out, and the fire never spread again.", "Pip looked for the firefly's home.")
    assert not [f for f in review(done, FOX, "a fox who finds a lost lantern", "en") if f.check == "undone"]


def test_the_prompts_hero_is_read_past_a_verb_in_ing():
    """Qwen's moon story, 2026-12-07: "the moon tucking in the clouds" was read as about "tucking", and
    its telling about Ivy the moon was found to have lost the prompt's hero."""
    moon = Plan(title="Night", hero="Ivy, the moon", setting="the night sky", wants="to tuck in the clouds",
                problem="", turn="", ending="")
    told = ("Ivy the moon rose over the town.", "Ivy tucked in the clouds.", "Ivy shone until morning.")
    assert not [f for f in review(told, moon, "the moon tucking in the clouds", "en") if f.check == "hero"]
    boat = dataclasses.replace(moon, hero="Bo, a sleepy boat")
    told = ("Bo the boat rocked in the harbour.", "Bo listened to the waves.", "Bo slept.")
    assert not [f for f in review(told, boat, "a sleepy boat rocking in the harbour", "en") if f.check == "hero"]
    assert [f.check for f in review(told, boat, "a kitten counting the raindrops", "en")].count("hero") == 1


def test_a_sentence_with_its_main_clause_is_no_fragment():
    whole = ("When Pip found the lantern, he smiled.", "Pip smiled as the sun set, and the night was dark.",
             "When Pip woke up he saw the lantern.", "Pip loves trees, as they are tall.")
    assert not [f for f in review(whole, FOX, "a fox who finds a lost lantern", "en") if f.check == "fragment"]
    ru = ("Рыжик улыбнулся, когда увидел фонарь.", "Когда Рыжик проснулся он увидел фонарь.")
    assert not [f for f in review(ru, LISA, "лиса находит фонарь", "ru") if f.check == "fragment"]


def test_the_grim_check_leaves_harmless_words_alone():
    harmless = ("Pip the fox, a bloodhound and his bodyguard met before the deadline.", "Pip skilled at games.",
                "Pip carried the lantern home.")
    assert not [f for f in review(harmless, FOX, "a fox who finds a lost lantern", "en") if f.check == "grim"]
    meals = ("The little bird found a berry and ate it, Pip ate the chicken soup and hit the ball.",
             "Pip went hunting for the lost bird and ate his friend's cake.", "Pip carried the lantern home.")
    assert not [f for f in review(meals, FOX, "a fox who finds a lost lantern", "en") if f.check == "grim"]
    kept = ("Pip caught the ball in a net and kept the kitten in a warm basket.", "The thief was caught in a trap.",
            "Pip put the mouse in a box and ate everything.")
    assert not [f for f in review(kept, FOX, "a fox who finds a lost lantern", "en") if f.check == "grim"]
    bed = ("Рыжик лёг на кровать.", "Светлячок был умерен, птичка нашла ягоду и съела её.",
           "Рыжик съел его пирог под пленительной луной.")
    assert not [f for f in review(bed, LISA, "лиса находит фонарь", "ru") if f.check == "grim"]


def test_what_the_prompt_asks_for_is_not_grim_in_its_story():
    mystery = Plan(title="The Case", hero="Nora, a detective", setting="a town", wants="to solve the murder",
                   problem="no clues", turn="a footprint", ending="the thief is caught")
    told = ("Nora was asked to solve the murder of the mayor.", "Nora found a footprint.", "The thief was caught.")
    assert not [f for f in review(told, mystery, "a detective who solves a murder", "en") if f.check == "grim"]
    assert [f.detail for f in review(told, mystery, "a detective who finds a lost cat", "en")
            if f.check == "grim"] == ["not for a child (murder)"]
    hunt = ("Tom the cat hunted the mice in the barn.", "Tom caught a mouse.", "Tom slept by the fire.")
    assert not [f for f in review(hunt, None, "a cat who hunts mice", "en") if f.check == "grim"]


def test_the_name_a_plan_gives_its_hero_is_the_heros_name():
    """Qwen's "a robot named Pip" became "Ivy, a robot named Pip", and the story called it both."""
    from tasks.writing.review import hero_name

    assert hero_name(Plan(**{**FOX.__dict__, "hero": "a robot named Pip who loves to paint"})) == "Pip"
    assert hero_name(Plan(**{**LISA.__dict__, "hero": "рыжая лиса по имени Алиса"})) == "Алиса"
    assert hero_name(FOX) == "Pip" and hero_name(Plan(**{**FOX.__dict__, "hero": "The fox, a shy animal"})) is None
    assert hero_name(Plan(**{**FOX.__dict__, "hero": "Mr. Baker, a baker who makes tasty bread"})) == "Mr. Baker"
    # Qwen's plan, 2026-12-07: its fox was told as "Fox the fox"
    assert hero_name(Plan(**{**FOX.__dict__, "hero": "Fox, a wise and friendly fox"})) is None


def test_a_hero_with_a_two_letter_name_or_a_title_is_seen_named():
    """Qwen's frog "Bo" (a name from our own list) and "Mr. Baker" were found "not named at the start"."""
    bo = Plan(**{**FOX.__dict__, "hero": "Bo, a friendly frog"})
    told = ("Bo the frog lived under a bridge.", "Bo granted a wish.", "Bo was happy.")
    assert not [f for f in review(told, bo, "a frog who guards a well of wishes", "en") if f.check == "hero"]
    baker = Plan(**{**FOX.__dict__, "hero": "Mr. Baker, a baker who makes tasty bread"})
    told = ("Mr. Baker had a bakery.", "Mr. Baker baked bread.", "Mr. Baker sang.")
    assert not [f for f in review(told, baker, "a baker whose bread makes people sing", "en") if f.check == "hero"]


def test_what_matters_most_weighs_most():
    assert score([Finding("echo", 3, "")]) > score([Finding("stock", 1, ""), Finding("beats", None, "")])
    assert score([Finding("hero", None, "")]) > score([Finding("agreement", 2, "")])


# A plan's flaws, from plans the model wrote: the prompt, the plan, what is found in it.
PLANS = [
    ("a dragon who is afraid of the dark",
     Plan(title="The Dragon's Shadow", hero="Rosie, little Cloud, a gentle fairy", setting="a forest",
          wants="to be free from shadows", problem="dragons are afraid of the dark",
          turn="Cloud used her magic", ending="the shadows disappeared"), ["its hero is not the prompt's dragon"]),
    ("a dragon who is afraid of the dark",  # the prompt's hero only in what the plan's hero does
     Plan(title="The Moon's Gate", hero="King Arthur, a brave king who fights dragons", setting="a castle",
          wants="to see the stars", problem="the moon was hidden", turn="a knight found the stone",
          ending="the king saw the stars"), ["its hero is not the prompt's dragon"]),
    ("who took the cake from the bakery",
     Plan(title="The Bakery Thief", hero="Billy, a young boy with a red cap", setting="his bakery",
          wants="to find out who took the cake", problem="no one had seen", turn="he saw a clue",
          ending="Billy read an old newspaper in the attic"), ["its ending does not answer what the hero wants"]),
    ("a lighthouse keeper's lost cat",  # "found" answers "find", and a three-letter "cat" counts
     Plan(title="The Lost Cat", hero="Mike, a lighthouse keeper", setting="the lighthouse",
          wants="to find his lost cat", problem="it was gone for weeks", turn="he heard a meow",
          ending="Mike found it under a stack of old books"), []),
    ("a fox who finds a lost lantern",  # Qwen's fox at seed 77: it found, lost and found the lantern
     Plan(title="Fox Finds a Lost Lantern", hero="The Fox, a curious fox", setting="forest on a sunny day",
          wants="to find the lost lantern he found in his basket", problem="he was too lazy to look for it again",
          turn="a rabbit ran into him", ending="the fox found the lantern"),
     ["the hero wants what they already have (find the lost lantern he found)"]),
    ("лиса находит фонарь",
     Plan(title="Фонарь", hero="Рыжик, маленькая лиса", setting="лес", wants="найти фонарь, который он нашёл в корзине",
          problem="он ленился", turn="заяц помог", ending="Рыжик нашёл фонарь"),
     ["the hero wants what they already have (найти фонарь, который он нашёл)"]),
    ("лиса находит потерянный фонарь",  # Qwen's fox, 2026-12-07: the fairy tale example's snail, word for word
     Plan(title="Фонарь на пути", hero="Лиса, маленькая улитка с розовой полосатой раковиной",
          setting="пустая лесная местность", wants="вернуть потерянный фонарь", problem="деревья закрывают вид",
          turn="Лиса увидела новый фонарь", ending="Лиса нашла старый фонарь и вернулась домой"),
     ["its hero copies the example plan's"]),
    ("девочка сажает звезду в своём саду",  # Qwen's girl, 2026-12-08: four of the snail's six words
     Plan(title="Девочка и звезда", hero="Девочка, маленькая девица с розовой полосатой раковиной", setting="сад",
          wants="посадить звезду", problem="звезда упала", turn="луна помогла", ending="звезда выросла в саду"),
     ["its hero copies the example plan's"]),
    ("a fox who finds a lost lantern", FOX, []),
    ("лиса находит фонарь", LISA, []),
]


@pytest.mark.parametrize("prompt, plan, flaws", PLANS)
def test_a_plan_whose_hero_or_ending_loses_the_prompt_is_flawed(prompt, plan, flaws):
    language = "ru" if re.match("[а-яё]", prompt) else "en"
    assert plan_findings(plan, prompt, language) == flaws


def test_a_plan_whose_hero_eats_another_character_is_grim():
    """Qwen's fox plan, 2026-12-07: told from it, "Max used the lantern to see the mouse and ate it"."""
    from tasks.writing.prompts import plan_text
    from tasks.writing.review import grim

    hungry = Plan(title="The Lantern", hero="Max, a clever fox", setting="a forest",
                  wants="to find the mouse that had stolen the lamp so he could eat it", problem="a wolf",
                  turn="the lantern shines", ending="Max finds the mouse")
    assert grim(plan_text(hungry, "en"), "a fox who finds a lost lantern", "en") == ["mouse ... eat it"]
    assert grim(plan_text(FOX, "en"), "a fox who finds a lost lantern", "en") == []


@pytest.mark.parametrize("sentence, found", [
    ("Листья привели её к деревню.", [("к", "деревню")]),  # Qwen's, from the quality run
    ("Снежный заяц слышит море за деревьев.", [("за", "деревьев")]),
    ("Певец из деревней оказался очень популярным.", [("из", "деревней")]),
    ("Рыжик подошёл к её дому.", []),  # the possessive takes no case; its noun does
    ("Он шёл из старой деревней домой.", [("из", "деревней")]),  # past the adjective, to the noun
    ("С утра до вечера он шёл по тропинке к нему.", []),
    ("Из-за дождя они сидели в саду у старого дуба.", []),
    ("Через два дня она пела о звёздах над морем.", []),
    ("Она шла лесом из леса.", []),  # "лесом" after no preposition; "из леса" right
])
def test_a_russian_preposition_is_checked_for_the_case_it_takes(sentence, found):
    from tasks.writing.russian import misgoverned

    assert misgoverned(sentence) == found


@pytest.mark.parametrize("sentence, mended", [
    ("Листья привели её к деревню.", "Листья привели её к деревне."),  # Qwen's, from the quality run
    ("Певец из деревней оказался популярным.", "Певец из деревни оказался популярным."),
    ("Он шёл из старой деревней домой.", "Он шёл из старой деревни домой."),  # the adjective stays agreeing
    ("Они пошли к Красивую деревню.", "Они пошли к Красивой деревне."),
    ("Она шла к реке, а потом к деревню.", "Она шла к реке, а потом к деревне."),
    ("Снежный заяц слышит море за деревьев.", "Снежный заяц слышит море за деревьев."),  # за: which case is meant?
    ("Рыжик подошёл к её дому.", "Рыжик подошёл к её дому."),
    ("Рыжик подошёл к её деревню.", "Рыжик подошёл к её деревне."),  # past the possessive
])
def test_a_noun_after_a_one_case_preposition_is_put_in_its_case(sentence, mended):
    from tasks.writing.russian import governed

    assert governed(sentence) == mended


@pytest.mark.parametrize("sentence, word, offered, refused", [
    # Qwen's, from the quality runs: a slip in an ending, the word it meant one letter away
    ("Однажды она увидела дракона, который смотрел на её лесный остров.", "лесный", "её лесной остров",
     "её лесные остров"),  # one slip away too, but it would not agree with "остров"
    ("Мария была принцессей звездного пляжа.", "принцессей", "была принцессой", None),
    ("Лиса увидела деревню с небольшим фонарьем.", "фонарьем", "с небольшим фонарём", "с небольшим фонарем"),  # its ё
    ("Старый человек призвел его в комнату.", "призвел", "человек привёл его", None),  # and "призвал": the model's
])
def test_a_russian_non_word_is_offered_the_dictionary_words_one_slip_away_that_fit(sentence, word, offered, refused):
    from tasks.writing.russian import respelt

    options = respelt(sentence, word)
    assert any(offered in option for option in options)
    assert not refused or not any(refused in option for option in options)


def test_a_capitalised_non_word_is_taken_for_a_made_up_name_and_not_respelt():
    from tasks.writing.russian import spellings

    assert spellings("Тайлер") == [] and "таймер" in spellings("тайлер")  # Qwen's boy Тайлер stays Тайлер


@pytest.mark.parametrize("sentence, word, options", [
    ("Снежный заяц слышит море за деревьев.", "деревьев",  # Qwen's: "за" takes the accusative or instrumental
     ["Снежный заяц слышит море за деревьями.", "Снежный заяц слышит море за деревья."]),
    ("Он шёл под старой деревню.", "деревню", []),  # "под деревню" is a case "под" takes: nothing to offer
    ("Заяц жил на лесной холме.", "лесной", ["Заяц жил на лесном холме."]),  # Qwen's "лесной холме"
    ("Она смотрела на синяя море.", "синяя",  # "море" reads as three cases: two forms of "синий" fit them
     ["Она смотрела на синее море.", "Она смотрела на синем море."]),
])
def test_a_russian_word_in_a_form_that_does_not_agree_is_offered_each_form_that_would(sentence, word, options):
    from tasks.writing.russian import agreeing

    assert agreeing(sentence, word) == options
