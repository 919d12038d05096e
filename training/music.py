"""Train the Music Transformer on music21's folk-tune corpus. Resumable: run it again to continue.

    python -m training.music --minutes 120      # train (CPU, 1 thread by default)
    python -m training.music --export            # best checkpoint -> model_registry/weights/

State lives in `<models cache>/music-transformer/`: the tokenised corpus, `last.pt` (written atomically
every few minutes and on exit), `best.pt` (lowest validation loss) and `log.csv`. Training stops by
itself when validation loss has not improved for `--patience` evaluations.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import signal
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

import model_registry
from core import atomic, settings
from model_registry.music.events import NOTE_OFF, TIME_SHIFT, transpose
from model_registry.music.network import MusicConfig, MusicTransformer
from training import music_corpus

WEIGHTS_DIR = Path(model_registry.__file__).with_name("weights")  # the runtime registry ships what we export
EXPORT_NAME = "music-transformer"


def state_dir() -> Path:
    return settings.models_dir() / "music-transformer"


def load_corpus() -> dict[str, np.ndarray]:
    path = state_dir() / "corpus.npz"
    if not path.exists():
        print("tokenising the music21 folk-tune corpus (once, ~30 s)…", flush=True)
        with atomic.replacing(path, suffix=".npz") as tmp:
            np.savez(tmp, **music_corpus.build())
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


def batch(stream: np.ndarray, size: int, length: int, rng: np.random.Generator, augment: bool):
    """Random windows of `length + 1` tokens, each transposed by -5..+6 semitones when augmenting."""
    starts = rng.integers(0, len(stream) - length - 1, size)
    rows = []
    for start in starts:
        window = stream[start:start + length + 1].astype(np.int64)
        if augment:
            notes = window[window < TIME_SHIFT] % NOTE_OFF
            low, high = (notes.min(), notes.max()) if len(notes) else (60, 60)
            lowest, highest = max(-5, 21 - low), min(6, 108 - high)  # keep notes on a piano's keys
            if lowest <= highest:
                window = transpose(window, int(rng.integers(lowest, highest + 1)))
        rows.append(window)
    tokens = torch.from_numpy(np.stack(rows))
    return tokens[:, :-1], tokens[:, 1:]


@torch.no_grad()
def validation_loss(model: MusicTransformer, stream: np.ndarray, length: int, batches: int = 16) -> float:
    model.eval()
    rng = np.random.default_rng(1234)  # the same windows every time, so losses compare
    device = next(model.parameters()).device
    losses = [model(*(t.to(device) for t in batch(stream, 16, length, rng, augment=False)))[1].item()
              for _ in range(batches)]
    model.train()
    return float(np.mean(losses))


def learning_rate(step: int, peak: float, total: int, warmup: int = 200) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak at `total` steps (and flat after)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / (total - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def train(minutes: float, batch_size: int, peak_lr: float, total_steps: int, eval_every: int, patience: int,
          checkpoint_minutes: float) -> None:
    corpus = load_corpus()
    config = MusicConfig()
    device = "cuda" if torch.cuda.is_available() else "cpu"  # a lent GPU trains the same model faster
    model = MusicTransformer(config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=peak_lr, weight_decay=0.05, betas=(0.9, 0.95))
    state = {"step": 0, "best": float("inf"), "stale": 0, "seconds": 0.0}
    last = state_dir() / "last.pt"
    if last.exists():
        saved = torch.load(last, weights_only=True, map_location=device)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        state = saved["state"]
        print(f"resuming at step {state['step']} (best val {state['best']:.3f})", flush=True)
    rng = np.random.default_rng(state["step"])
    params = sum(p.numel() for p in model.parameters())
    print(f"{params / 1e6:.2f} M parameters, {len(corpus['train']) / 1e6:.2f} M training tokens", flush=True)

    def checkpoint() -> None:
        with atomic.replacing(last) as tmp:
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "state": state,
                        "config": config.to_dict()}, tmp)

    log_path = state_dir() / "log.csv"
    started = last_checkpoint = time.monotonic()
    seconds_before = state["seconds"]
    model.train()
    with _stop_on_signals() as stopped_by:
        try:
            while time.monotonic() - started < minutes * 60 and state["stale"] < patience and not stopped_by:
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate(state["step"], peak_lr, total_steps)
                inputs, targets = batch(corpus["train"], batch_size, config.block_size, rng, augment=True)
                _, loss = model(inputs.to(device), targets.to(device))
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                state["step"] += 1
                state["seconds"] = seconds_before + time.monotonic() - started
                if state["step"] % eval_every == 0:
                    val = validation_loss(model, corpus["val"], config.block_size)
                    improved = val < state["best"]
                    state["best"], state["stale"] = (val, 0) if improved else (state["best"], state["stale"] + 1)
                    tokens = state["step"] * batch_size * config.block_size
                    row = [state["step"], f"{state['seconds']:.0f}", f"{tokens / len(corpus['train']):.3f}",
                           f"{loss.item():.4f}", f"{val:.4f}"]
                    new_log = not log_path.exists()
                    with open(log_path, "a", newline="") as handle:
                        if new_log:
                            csv.writer(handle).writerow(["step", "seconds", "epoch", "train_loss", "val_loss"])
                        csv.writer(handle).writerow(row)
                    print(f"step {row[0]}  {row[1]} s  epoch {row[2]}  train {row[3]}  val {row[4]}"
                          + ("  (best)" if improved else ""), flush=True)
                    if improved:
                        with atomic.replacing(state_dir() / "best.pt") as tmp:
                            torch.save({"model": model.state_dict(), "state": state, "config": config.to_dict()}, tmp)
                if time.monotonic() - last_checkpoint > checkpoint_minutes * 60:
                    checkpoint()
                    last_checkpoint = time.monotonic()
        finally:
            checkpoint()
    reason = ("validation loss stopped improving" if state["stale"] >= patience else
              f"stopped by {stopped_by[0]}" if stopped_by else "time is up")
    print(f"stopped at step {state['step']}: {reason}; best val {state['best']:.4f}", flush=True)


@contextmanager
def _stop_on_signals():
    """While training, Ctrl-C or a TERM (also in a background job, where Python ignores SIGINT) ends
    the run after the current step, with a checkpoint; the yielded list names the signal once one came."""
    received: list[str] = []
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number in previous:
        signal.signal(number, lambda signum, _frame: received.append(signal.Signals(signum).name))
    try:
        yield received
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def export() -> Path:
    """The best checkpoint as fp16 safetensors (config and mode openings in its metadata), and the training
    log with its loss curve as CSV and PNG beside it."""
    from safetensors.torch import save_file

    best = torch.load(state_dir() / "best.pt", weights_only=True, map_location="cpu")
    weights = {name: tensor.half().contiguous() for name, tensor in best["model"].items()
               if name != "head.weight"}  # tied to embed.weight
    target = WEIGHTS_DIR / f"{EXPORT_NAME}.safetensors"
    meta = {"config": json.dumps(best["config"]), "step": str(best["state"]["step"]),
            "val_loss": f"{best['state']['best']:.4f}", "openings": json.dumps(music_corpus.openings())}
    with atomic.replacing(target) as tmp:
        save_file(weights, str(tmp), metadata=meta)
    target.chmod(0o644)
    atomic.copy_file(state_dir() / "log.csv", WEIGHTS_DIR / f"{EXPORT_NAME}-log.csv")
    plot_losses(state_dir() / "log.csv", WEIGHTS_DIR / f"{EXPORT_NAME}-loss.png")
    return target


def plot_losses(log: Path, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(log) as handle:
        rows = list(csv.DictReader(handle))
    epochs = [float(r["epoch"]) for r in rows]
    figure, axes = plt.subplots(figsize=(6, 3.5), dpi=100)
    axes.plot(epochs, [float(r["train_loss"]) for r in rows], label="train (one batch)", alpha=0.6)
    axes.plot(epochs, [float(r["val_loss"]) for r in rows], label="validation")
    axes.set(xlabel="epochs", ylabel="cross-entropy (nats/event)", title="Music Transformer on music21 folk tunes")
    axes.legend()
    figure.tight_layout()
    with atomic.replacing(target) as tmp:
        figure.savefig(tmp, format="png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=60, help="wall-clock budget for this run")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--total-steps", type=int, default=3500, help="length of the learning-rate schedule")
    parser.add_argument("--eval-every", type=int, default=200)
    parser.add_argument("--patience", type=int, default=6, help="evaluations without improvement before stopping")
    parser.add_argument("--checkpoint-minutes", type=float, default=5)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on 2 busy cores)")
    parser.add_argument("--export", action="store_true", help="write the best checkpoint to model_registry/weights")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.export:
        print(export())
    else:
        train(args.minutes, args.batch, args.lr, args.total_steps, args.eval_every, args.patience,
              args.checkpoint_minutes)


if __name__ == "__main__":
    main()
