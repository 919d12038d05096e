"""The `narrate` stage's parts (tasks/narrate.py is the stage itself):

    spoken.py   a sentence rewritten for the voice (numbers, times, money, abbreviations as words)
    judge.py    how close what the judge heard is to what was written (word error rate)
"""
