"""The story writer, the `write_story` stage's parts (tasks/story.py is the stage itself):

    prompts.py   what is said to the model (its wording is data: data/writing/<language>.toml)
    cleanup.py   a draft's text -> its sentences (numbering, markdown, stage directions removed)
    checks.py    is it a story in the language about the prompt's hero; is the bible usable
    russian.py   Russian words against a real dictionary (pymorphy3)
    writer.py    the loop: draft, finish, check, redraft, describe
"""
