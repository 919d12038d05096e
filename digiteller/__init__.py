"""DigiTeller: prompt in, narrated and illustrated video story out, offline."""

__version__ = "0.1.0"
