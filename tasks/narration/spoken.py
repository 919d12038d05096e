"""Text as a narrator should read it: numbers, abbreviations and symbols in words, no markup.

The story text (and the subtitles) keep the writer's spelling; only the voice gets this version. TTS
engines read "Dr." as "doctor" inconsistently, spell out "**", and say "one nine nine nine" for a year,
so we normalise before synthesis, in English and Russian:

    for_speech("Dr. Lee paid $5 at 10:30 in 1999 [laughs].", "en")
    -> "Doctor Lee paid five dollars at ten thirty in nineteen ninety-nine."
"""

from __future__ import annotations

import re

from num2words import num2words

ABBREVIATIONS = {
    "en": {"Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Dr.": "Doctor", "St.": "Saint", "Prof.": "Professor",
           "Capt.": "Captain", "Lt.": "Lieutenant", "Sgt.": "Sergeant", "Jr.": "Junior", "Sr.": "Senior",
           "vs.": "versus", "etc.": "et cetera", "e.g.": "for example", "i.e.": "that is", "approx.": "about",
           "No.": "number"},
    "ru": {"т.е.": "то есть", "т. е.": "то есть", "т.к.": "так как", "т. к.": "так как", "и т.д.": "и так далее",
           "и т. д.": "и так далее", "и т.п.": "и тому подобное", "и др.": "и другие", "др.": "другие",
           "г.": "год", "гг.": "годы", "ул.": "улица", "проф.": "профессор", "им.": "имени", "см.": "смотри",
           "руб.": "рублей", "коп.": "копеек", "тыс.": "тысяч", "млн": "миллионов", "млрд": "миллиардов"},
}
SYMBOLS = {
    "en": {"%": " percent", "&": " and ", "+": " plus ", "=": " equals ", "°": " degrees", "№": " number ",
           "@": " at ", "×": " times "},
    "ru": {"%": " процентов", "&": " и ", "+": " плюс ", "=": " равно ", "°": " градусов", "№": " номер ",
           "@": " собака ", "×": " на "},
}
CURRENCIES = {
    "en": {"$": "dollars", "€": "euros", "£": "pounds", "₽": "roubles"},
    "ru": {"$": "долларов", "€": "евро", "£": "фунтов", "₽": "рублей"},
}
SILENT_BRACKETS = re.compile(r"\[[^\]]*\]|\{[^}]*\}|<[^>]*>")  # stage directions, markup: not read
MARKUP = re.compile(r"[*_#`~|\\^]+")
ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
TIME = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
MONEY = re.compile(r"([$€£₽])\s?(\d+(?:[.,]\d+)?)")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def for_speech(text: str, language: str) -> str:
    """The sentence rewritten for the voice; empty only if nothing speakable is left."""
    text = SILENT_BRACKETS.sub(" ", text)
    text = MARKUP.sub(" ", text)
    text = re.sub(r"[()]", ", ", text)
    for short, full in sorted(ABBREVIATIONS.get(language, {}).items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"(?<![\w.]){re.escape(short)}(?=[\s,;:!?]|$)", full, text)
    text = MONEY.sub(lambda m: f"{_number(m.group(2), language)} {CURRENCIES[language][m.group(1)]}", text)
    text = TIME.sub(lambda m: _time(int(m.group(1)), int(m.group(2)), language), text)
    if language == "en":
        text = ORDINAL.sub(lambda m: num2words(int(m.group(1)), lang="en", to="ordinal"), text)
    text = NUMBER.sub(lambda m: _number(m.group(0), language), text)
    for symbol, words in SYMBOLS.get(language, {}).items():
        text = text.replace(symbol, words)
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"[,;:]+\s*([.!?])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:")


def _number(digits: str, language: str) -> str:
    if re.fullmatch(r"\d+[.,]\d+", digits):
        return num2words(float(digits.replace(",", ".")), lang=language)
    value = int(digits)
    if language == "en" and 1100 <= value <= 2099 and value % 100:  # most likely a year: "nineteen ninety"
        return num2words(value, lang="en", to="year")
    return num2words(value, lang=language)


def _time(hours: int, minutes: int, language: str) -> str:
    spoken = num2words(hours, lang=language)
    if minutes:
        tail = num2words(minutes, lang=language)
        spoken += f" oh {tail}" if language == "en" and minutes < 10 else f" {tail}"
    elif language == "en":
        spoken += " o'clock"
    return spoken
