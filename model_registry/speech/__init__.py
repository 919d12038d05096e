"""Voices that narrate (Piper, command-line engines) and the Whisper judge that listens to them."""
