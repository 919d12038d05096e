"""Sentence embeddings: what a phrase means, as a vector."""
