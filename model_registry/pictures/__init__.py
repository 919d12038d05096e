"""Pictures: painters that illustrate a sentence, and upscalers that enlarge the painting.

A painter is any class with
    paint(*, text, bible, width, height, seed, shot=None) -> PIL image
where `shot` is the sentence's shot plan (tasks/shots.py) for painters that draw one; the picture's
`info["assets"]` lists the library assets (or emoji) it drew, when it draws any.
"""
