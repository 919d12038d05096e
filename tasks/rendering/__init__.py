"""The `render` stage's parts (tasks/render.py is the stage itself):

    frames.py     the frames: cards, each picture on its camera move, crossfades and fades
    subtitles.py  the caption burned in while a sentence is spoken, and the SRT/WebVTT sidecars
    mix.py        the soundtrack: narration over ducked music, at -16 LUFS
    encode.py     frames and soundtrack into an H.264/AAC MP4 through ffmpeg
    record.py     story.json and the contact sheet
    media.py      reading a finished video back (for the tests and the benchmark)
"""
