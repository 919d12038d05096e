"""Stress marks for Russian text, so a voice says за́мок (castle) and замо́к (lock) as the sentence means:
silero-stress (MIT; its model inside the wheel) puts "+" before each stressed vowel, telling homographs
apart by their context, and Festival's msu_ru_nsh voice reads exactly that mark (its letter-to-sound rules
turn "+а" into a stressed a). Loaded once per process, ~5 s and ~600 MB; a sentence takes milliseconds.
"""

from __future__ import annotations

import re
import threading

from model_registry.catalogue import Entry

VOWELS = "[аеёиоуыэюяАЕЁИОУЫЭЮЯ]"


class SileroStress:
    def __init__(self, entry: Entry):
        import torch

        threads, grad = torch.get_num_threads(), torch.is_grad_enabled()
        from silero_stress import load_accentor

        self.entry = entry
        self.accentor = load_accentor("ru")
        # silero's import sets torch to one thread, and its package turns autograd off, for the whole process:
        # a painter or a training run in the same process would then fail at its first backward pass
        torch.set_num_threads(threads)
        torch.set_grad_enabled(grad)
        self._lock = threading.Lock()

    def mark(self, text: str) -> str:
        """`text` with "+" before the stressed vowel of every word of two syllables or more ("з+амок"):
        a one-syllable word has nowhere else to put it (marking "по", "на" stresses a preposition), and "ё"
        is stressed by itself (the voice reads "+ё" as a stray sign)."""
        with self._lock:
            marked = self.accentor(text)
        return re.sub(r"[\w+]+", _kept, marked)


def _kept(match: re.Match) -> str:
    word = match.group(0)
    if "+" not in word:
        return word
    if len(re.findall(VOWELS, word.replace("+", ""))) < 2 or "+ё" in word or "+Ё" in word:
        return word.replace("+", "")
    return word
