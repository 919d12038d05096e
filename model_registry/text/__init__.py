"""Story writers: language models behind one `generate(messages, seed=...)` interface."""
