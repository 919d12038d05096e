"""The `digiteller` command. Flags mirror the story flow's parameters.

Errors are one line on stderr with an exit code (2: bad input, 1: a stage failed), never a traceback.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

from core import atomic, settings
from digiteller import __version__

EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage dump
        print(f"digiteller: error: {message} (see --help)", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


def _model_choice(text: str) -> tuple[str, str]:
    stage, sep, name = text.partition("=")
    if not sep or not stage or not name:
        raise argparse.ArgumentTypeError(f"expected STAGE=NAME, got {text!r}")
    return stage, name


def build_parser() -> argparse.ArgumentParser:
    from tasks.request import ASPECTS, LANGUAGES, MAX_SENTENCES

    parser = _Parser(prog="digiteller", description="Offline video stories: prompt in, narrated MP4 out.")
    parser.add_argument("--version", action="version", version=f"digiteller {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    # What every story is told with: `story` and `batch` share these options.
    telling = _Parser(add_help=False)
    telling.add_argument("--genre", default="fairy-tale", help="genre preset (see `digiteller genres`)")
    telling.add_argument("--lang", default="en", help=f"story language: {', '.join(LANGUAGES)}")
    telling.add_argument("--sentences", type=int, help=f"sentence count, 1-{MAX_SENTENCES} (default: the genre's)")
    telling.add_argument("--seed", type=int, default=0, help="same seed, same story (default 0)")
    telling.add_argument("--aspect", default="16:9", help=f"frame: {', '.join(ASPECTS)}")
    telling.add_argument("--voice", help="narration voice (default: the genre's; see `digiteller voices`)")
    telling.add_argument("--model", action="append", type=_model_choice, default=[], metavar="STAGE=NAME",
                         help="use another catalogue model for a stage, e.g. --model music=mood-chords")
    telling.add_argument("--check-narration", action="store_true",
                         help="let an offline Whisper judge re-take misheard sentences and report sync")

    story = commands.add_parser("story", parents=[telling],
                                help="write, narrate, illustrate, score and render one story")
    story.add_argument("prompt", help="what the story is about, e.g. 'a fox who finds a lost lantern'")
    story.add_argument("--out", help="story folder (default: outputs/stories/<title>)")

    batch = commands.add_parser("batch", parents=[telling], help="make many stories: one per line of a prompts file")
    batch.add_argument("prompts_file", nargs="?", help="UTF-8 text, one prompt per line (default: the genre's samples)")
    batch.add_argument("--count", type=int, help="make this many stories (cycling through the prompts)")
    batch.add_argument("--concurrency", type=int, default=1, help="stories at once in this process (1-8)")
    batch.add_argument("--out", help="batch folder (default: outputs/batches/<time>)")

    say = commands.add_parser("say", help="speak a text with a narration voice into a WAV file")
    say.add_argument("text")
    say.add_argument("--lang", default="en", help=f"language: {', '.join(LANGUAGES)}")
    say.add_argument("--voice", help="voice name (default: the language's default voice)")
    say.add_argument("--out", required=True, help="WAV file to write")

    server = commands.add_parser("server", help="run Prefect's server and UI, a worker and the story gallery on "
                                                "127.0.0.1 (Ctrl-C stops them)")
    server.add_argument("--port", type=int, default=4200)
    server.add_argument("--gallery-port", type=int, default=4300)

    gallery = commands.add_parser("gallery", help="serve the story gallery on 127.0.0.1 (without Prefect's server)")
    gallery.add_argument("--port", type=int, default=4300)

    clean = commands.add_parser("clean", help="free disk: unused cached artifacts and, if asked, old batches")
    clean.add_argument("--older-than", type=float, default=14, metavar="DAYS",
                       help="remove cached artifacts no kept story uses, untouched for this long (default 14)")
    clean.add_argument("--max-cache", type=float, metavar="GB", help="then remove the oldest of them down to this size")
    clean.add_argument("--batches-older-than", type=float, metavar="DAYS", help="also remove batch folders this old")
    clean.add_argument("--dry-run", action="store_true", help="list what would go, remove nothing")

    deploy = commands.add_parser("deploy", help="register prefect.yaml's deployments (per genre + nightly batch)")
    deploy.add_argument("--timezone", default="UTC", help="timezone of the nightly schedule, e.g. Europe/Berlin")
    told = deploy.add_mutually_exclusive_group()
    told.add_argument("--webhook", metavar="URL", help="POST a notification here when a night fails")
    told.add_argument("--notify", metavar="TYPE/NAME",
                      help="notify through this Prefect notification block instead, e.g. slack-webhook/team-alerts")

    prepare = commands.add_parser("prepare", help="evaluate the story model's instructions and examples for every "
                                  "genre and language once, so a first story starts writing at once (setup runs it)")
    prepare.add_argument("--model", help="the story model (default: the catalogue's)")
    commands.add_parser("models", help="the model catalogue and what is usable on this machine")
    commands.add_parser("genres", help="the genre presets")
    commands.add_parser("voices", help="the narration voices")
    return parser


def _progress_to_stderr(tokens: bool = True) -> None:
    """Stage progress as lines on stderr, and (`tokens`) the story's tokens as the model writes them. A
    line from a batch's story starts with its number, so stories running at once stay apart."""
    progress = logging.StreamHandler(sys.stderr)
    progress.setFormatter(logging.Formatter("  %(story)s%(message)s"))
    progress.addFilter(_StoryNumber())
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(logging.Formatter("%(message)s"))
    stream.terminator = ""
    for name, handler in (("digiteller.progress", progress), ("digiteller.stream", stream if tokens else None)):
        logger = logging.getLogger(name)
        if handler:
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


class _StoryNumber(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from flows.batch import STORY

        record.story = f"[story {STORY.get()}] " if STORY.get() else ""
        return True


def _telling(args: argparse.Namespace) -> dict:
    """The shared story options as StoryRequest fields."""
    return {"genre": args.genre, "language": args.lang, "sentences": args.sentences, "seed": args.seed,
            "aspect": args.aspect, "voice": args.voice, "models": dict(args.model),
            "check_narration": args.check_narration}


def cmd_story(args: argparse.Namespace) -> int:
    from tasks.request import StoryRequest

    request = StoryRequest(prompt=args.prompt, out=args.out, **_telling(args))  # checked here, before Prefect starts
    _progress_to_stderr()
    print("Starting the story flow (the first run in a process starts Prefect's local server)...", file=sys.stderr)
    with _beside_the_writer(request.model("text")):
        from flows.story import story_flow

        print(story_flow(request))
    return 0


@contextlib.contextmanager
def _beside_the_writer(model: str | None):
    """Prefect's temporary local server (unless one is configured) boots in its own process while the
    story model loads in this one; the flow inside runs against it once it answers, and it stops after.
    (Only the writer preloads: the other models are Python-heavy imports that would hold the interpreter
    while the flow starts; they load in their stages, beside other work.)"""
    import model_registry
    from digiteller.operations import TemporaryServer

    server = TemporaryServer.wanted()
    model_registry.preload(("text", model))
    if server is None:
        yield
        return
    try:
        server.wait_until_ready()
        with server.serving():
            yield
    finally:
        server.stop()


def cmd_batch(args: argparse.Namespace) -> int:
    from tasks.request import BatchRequest

    request = BatchRequest.read(args.prompts_file, args.count, args.concurrency, args.out, **_telling(args))
    _progress_to_stderr(tokens=False)  # stories at once would interleave their tokens mid-line
    print(f"Starting a batch of {len(request.prompts)} stories...", file=sys.stderr)
    with _beside_the_writer(request.story.model("text")):
        from flows.batch import BatchFailed, batch_flow

        try:
            summary = batch_flow(request)
        except BatchFailed as failed:  # the other stories were made; the summary says which failed and why
            summary = failed.summary
    print(Path(summary["folder"]) / "summary.json")
    return 0 if not summary["failed"] else EXIT_FAILED


def cmd_server(args: argparse.Namespace) -> int:
    from digiteller import operations
    from tasks.request import check_number

    check_number(args.port, "port", 1, 65535)
    check_number(args.gallery_port, "gallery port", 1, 65535)
    logs = settings.home() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{args.port}/api"
    signal.signal(signal.SIGTERM, _stop_on_term)  # TERM, like Ctrl-C, stops the server and worker below
    server = operations.start_server(args.port, logs / "server.log")
    gallery = operations.start_gallery(args.gallery_port, url, logs / "gallery.log")
    worker = None
    try:
        operations.wait_until_healthy(url)
        operations.ensure_work_pool(url)
        worker = operations.start_worker(url, logs / "worker.log", gallery=f"http://127.0.0.1:{args.gallery_port}")
        print(f"Prefect UI: http://127.0.0.1:{args.port}  (API {url}; logs in {logs})", file=sys.stderr)
        print(f"Story gallery: http://127.0.0.1:{args.gallery_port}", file=sys.stderr)
        print(f"Register the deployments with: PREFECT_API_URL={url} digiteller deploy", file=sys.stderr)
        server.wait()
    except KeyboardInterrupt:
        print("digiteller: stopping the Prefect server, worker and gallery", file=sys.stderr)
    finally:
        for process in (worker, gallery, server):
            operations.stop(process)
    return 0


def cmd_gallery(args: argparse.Namespace) -> int:
    from digiteller import gallery
    from tasks.request import check_number

    check_number(args.port, "port", 1, 65535)
    print(f"Story gallery: http://127.0.0.1:{args.port}  (stories from {settings.home()}; Ctrl-C stops)",
          file=sys.stderr)
    try:
        gallery.serve(args.port)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    from digiteller import housekeeping
    from tasks.request import BadRequest

    for name in ("older_than", "max_cache", "batches_older_than"):
        if (value := getattr(args, name)) is not None and value < 0:
            raise BadRequest(f"--{name.replace('_', '-')} must not be negative, not {value:g}")
    removals = housekeeping.plan(args.older_than, args.max_cache, args.batches_older_than)
    for removal in removals:
        print(f"{'would remove' if args.dry_run else 'removing'} {removal.path} "
              f"({removal.bytes / 1e6:.1f} MB): {removal.why}")
    total = sum(r.bytes for r in removals) / 1e6
    if args.dry_run:
        print(f"{len(removals)} to remove, {total:.1f} MB; run again without --dry-run to free it")
    else:
        print(f"freed {housekeeping.remove(removals) / 1e6:.1f} MB ({len(removals)} removed)")
    return 0


def _stop_on_term(signum: int, frame) -> None:
    raise KeyboardInterrupt


def cmd_deploy(args: argparse.Namespace) -> int:
    from digiteller import operations
    from tasks.request import check_block_name, check_timezone, check_url

    check_timezone(args.timezone)
    if args.webhook:
        check_url(args.webhook, "webhook")
    if args.notify:
        check_block_name(args.notify)
    url = operations.api_url()
    operations.wait_until_healthy(url, timeout=10)
    print(operations.deploy(url, args.timezone))
    if args.webhook or args.notify:
        block = operations.notify_on_failed_nights(url, webhook=args.webhook, block=args.notify)
        print(f"A failed night is told through the notification block {block}.")
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    from core.audio import write_wav
    from tasks.narrate import speak, voice_for
    from tasks.request import check_language, check_models, clean_prompt, writable_file

    text = clean_prompt(args.text)
    check_language(args.lang)
    target = writable_file(args.out, "WAV file")
    voice = args.voice or voice_for(args.lang)
    check_models(args.lang, voice, {}, stages=())
    samples, rate = speak(text, voice, args.lang)
    with atomic.replacing(target) as tmp:
        write_wav(tmp, samples, rate)
    print(f"{target} ({len(samples) / rate:.2f} s)")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    import model_registry

    for entry in sorted(model_registry.entries(), key=lambda e: (e.stage, not e.default, e.name)):
        problems = entry.problems()
        status = "available" if not problems else "unavailable: " + "; ".join(problems)
        if problems and entry.fallback:
            status += f" (uses {entry.fallback} instead)"
        marker = "*" if entry.default else " "
        print(f"{marker} {entry.stage:<10} {entry.name:<20} {entry.source:<7} {entry.license:<30} {status}")
        if entry.description:
            print(f"    {entry.description}")
    print("(* = the stage's default)")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    import model_registry
    from tasks.request import LANGUAGES, BadRequest, genre_names, load_genre
    from tasks.writing.writer import prepare

    try:
        entry = model_registry.entry("text", args.model)
    except model_registry.ModelUnavailable as exc:
        raise BadRequest(str(exc)) from None
    if problems := entry.problems():
        raise BadRequest(f"text model {entry.name} is unavailable here: {'; '.join(problems)}")
    print("digiteller: evaluating the story model's instructions and examples for every genre and language...",
          file=sys.stderr)
    prepare([load_genre(name) for name in genre_names()], list(LANGUAGES), args.model,
            report=lambda line: print(f"  {line}", file=sys.stderr))
    return 0


def cmd_genres(args: argparse.Namespace) -> int:
    from tasks.request import genre_names, load_genre

    for name in genre_names():
        genre = load_genre(name)
        music = genre.music
        print(f"{name:<12} {genre.title:<18} {genre.sentences} sentences, music: {music.mood} "
              f"({music.key} {music.mode}, {music.tempo[0]}-{music.tempo[1]} bpm), pictures: {genre.look.style}")
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    import model_registry

    for entry in model_registry.entries("tts"):
        status = "available" if not entry.problems() else "unavailable (see `digiteller models`)"
        print(f"{entry.name:<12} {','.join(entry.languages):<6} {status:<12}  {entry.description}")
    return 0


RESUMABLE = {"story", "batch"}  # commands whose finished work is cached
COMMANDS = {"story": cmd_story, "batch": cmd_batch, "server": cmd_server, "gallery": cmd_gallery, "clean": cmd_clean,
            "deploy": cmd_deploy, "say": cmd_say, "prepare": cmd_prepare, "models": cmd_models, "genres": cmd_genres,
            "voices": cmd_voices}


def main(argv: list[str] | None = None) -> int:
    settings.configure_environment()
    # Our own progress lines on the terminal; Prefect's full logs (tracebacks too) still reach its API/UI.
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL", "CRITICAL")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    args = build_parser().parse_args(argv)

    from model_registry import ModelUnavailable
    from tasks.request import BadRequest

    try:
        return COMMANDS[args.command](args)
    except BadRequest as exc:
        print(f"digiteller: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ModelUnavailable as exc:
        print(f"digiteller: error: {exc} (run `digiteller models`)", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        resume = "; finished stages are cached, rerun to resume" if args.command in RESUMABLE else ""
        print(f"digiteller: interrupted{resume}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"digiteller: error: {message}", file=sys.stderr)
        if args.command in RESUMABLE:
            print("  finished stages are cached; rerun the same command to resume", file=sys.stderr)
        return EXIT_FAILED


def run() -> None:
    """The `digiteller` command: `main`, then out without tearing the interpreter down. The exit handlers
    run as at any exit (Prefect drains its log and event workers there), the streams are flushed, and then
    the process ends: finalizing every module after a story (torch, onnxruntime, Prefect's thousands of
    objects) took 1.5-3 s in which the user waited for nothing. Every file was written and renamed before."""
    code = main()
    atexit._run_exitfuncs()  # what sys.exit would run first
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
