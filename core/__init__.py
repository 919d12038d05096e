"""The bottom floor: settings, atomic writes, hashing and audio I/O.

Every other package may import it; it imports nothing of ours, so it can never pull a higher floor in.
"""
