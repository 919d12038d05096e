"""The Music Transformer: its event encoding, its attention, and the shipped model making music."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import model_registry
from model_registry.music.events import START, Note, decode, encode, transpose
from model_registry.music.network import MusicConfig, MusicTransformer, skew
from model_registry.music.theory import estimate_key, pitch_class_seconds, scale_pitch_classes, tonic_pitch_class
from model_registry.music.transformer_composer import arrange
from tasks.request import load_genre

# A few steps of a tiny training run: long enough to evaluate and checkpoint twice.
SHORT_RUN = {"minutes": 0.02, "batch_size": 4, "peak_lr": 1e-3, "total_steps": 50, "eval_every": 2, "patience": 100,
                 "checkpoint_minutes": 0}


def test_events_round_trip_on_the_10ms_grid():
    notes = [Note(60, 0.0, 0.5, 80), Note(64, 0.5, 1.75, 100), Note(67, 0.5, 3.2, 100), Note(60, 4.5, 4.62, 40)]
    tokens = encode(notes)
    assert max(tokens) < START
    assert decode(tokens) == notes


def test_decode_cleans_what_a_sampler_writes():
    stray_off, on, shift, again, off = 128 + 70, 60, 256 + 49, 60, 128 + 60
    notes = decode([stray_off, on, shift, again, shift, off, 64, 64, 256 + 99])
    assert [(n.pitch, n.start, n.end) for n in notes] == [(60, 0.0, 0.5), (60, 0.5, 1.0), (64, 1.0, 2.0)]
    held = decode([60] + [256 + 99] * 10, max_note=4.0)
    assert held[0].end - held[0].start == pytest.approx(4.0)


def test_transpose_moves_notes_only():
    tokens = np.array([60, 128 + 60, 300, 360, START])
    assert transpose(tokens, 2).tolist() == [62, 128 + 62, 300, 360, START]


def test_relative_attention_skew_and_kv_cache_match_the_definition():
    torch.manual_seed(0)
    model = MusicTransformer(MusicConfig(block_size=16, n_layer=2, n_head=2, n_embd=32, dropout=0.0)).eval()
    q, table = torch.randn(1, 2, 6, 16), model.blocks[0].attn.distance_embedding
    skewed = skew(q @ table[:6].flip(0).T)
    for i in range(6):
        for j in range(i + 1):
            assert torch.allclose(skewed[..., i, j], q[..., i, :] @ table[i - j], atol=1e-5)
    tokens = torch.randint(0, 388, (1, 12))
    full, _ = model(tokens)
    caches = [{} for _ in model.blocks]
    stepped = torch.stack([model.step(tokens[:, i:i + 1], caches) for i in range(12)], dim=1)
    assert torch.allclose(stepped, full, atol=1e-4)


@pytest.fixture(scope="module")
def composer():
    torch.set_num_threads(1)
    return model_registry.get("music", "music-transformer")


@pytest.mark.parametrize("genre", ["mystery", "adventure"])  # slow minor, fast major
def test_the_model_writes_music_in_the_requested_key_tempo_and_length(composer, genre):
    import librosa

    mood = load_genre(genre).music
    tempo = sum(mood.tempo) / 2
    music = composer.compose(seconds=17.3, tempo=tempo, mode=mood.mode, key=mood.key,
                             instruments=mood.instruments, seed=1)
    assert music.shape == (round(17.3 * 44_100), 2)
    assert np.sqrt(np.mean(music ** 2)) > 0.02

    beat = 60 / tempo
    lead = composer.melody(seconds=16 * beat, beat=beat, step=beat if tempo < 90 else beat / 2,
                           key=mood.key, mode=mood.mode, seed=1)
    assert {n.pitch % 12 for n in lead} <= scale_pitch_classes(mood.key, mood.mode)
    assert all(n.end - n.start <= 3.0 for n in lead[:-1])  # only the final tonic is held
    midi = arrange(lead, bars=4, beat=beat, key=mood.key, mode=mood.mode, instruments=mood.instruments,
                   tempo=tempo)
    assert estimate_key(pitch_class_seconds(midi)) == (tonic_pitch_class(mood.key), mood.mode)

    # An independent listener: librosa's beat tracker and chroma key on the rendered audio.
    audio = librosa.resample(music.mean(axis=1), orig_sr=44_100, target_sr=22_050)
    heard_tempo = float(np.atleast_1d(librosa.beat.beat_track(y=audio, sr=22_050)[0])[0])
    low, high = mood.tempo
    assert low * 0.9 <= heard_tempo <= high * 1.1
    heard_key = estimate_key(librosa.feature.chroma_cens(y=audio, sr=22_050).mean(axis=1))
    assert heard_key[1] == mood.mode


def test_the_model_is_deterministic_per_seed(composer):
    args = {"seconds": 6.0, "tempo": 100, "mode": "major", "key": "F", "instruments": ["celesta"], "seed": 5}
    assert np.array_equal(composer.compose(**args), composer.compose(**args))
    assert not np.array_equal(composer.compose(**args), composer.compose(**(args | {"seed": 6})))


@pytest.fixture
def tiny_training(tmp_path, monkeypatch):
    """train_music with a random-token corpus, a one-layer model and its state under tmp_path."""
    from training import music as train_music

    monkeypatch.setenv("DIGITELLER_MODELS", str(tmp_path))
    rng = np.random.default_rng(0)
    streams = {"train": rng.integers(0, 388, 5000).astype(np.int16), "val": rng.integers(0, 388, 2000).astype(np.int16)}
    monkeypatch.setattr(train_music, "load_corpus", lambda: streams)
    monkeypatch.setattr(train_music, "MusicConfig",
                        lambda: MusicConfig(block_size=16, n_layer=1, n_head=2, n_embd=32, dropout=0.0))
    return train_music


def test_training_resumes_from_its_last_checkpoint(tiny_training, tmp_path, capsys):
    train_music = tiny_training
    train_music.train(**SHORT_RUN)
    first = torch.load(tmp_path / "music-transformer" / "last.pt", weights_only=True)["state"]["step"]
    train_music.train(**SHORT_RUN)
    assert f"resuming at step {first}" in capsys.readouterr().out
    second = torch.load(tmp_path / "music-transformer" / "last.pt", weights_only=True)["state"]["step"]
    assert second > first > 0
    log = (tmp_path / "music-transformer" / "log.csv").read_text().splitlines()
    assert log[0] == "step,seconds,epoch,train_loss,val_loss" and len(log) > 2


def test_a_term_signal_ends_training_with_a_checkpoint(tiny_training, tmp_path, capsys, monkeypatch):
    import os
    import signal

    train_music = tiny_training
    schedule = train_music.learning_rate

    def term_at_step_three(step, *args):  # the signal comes mid-run, once the handler is surely ours
        if step == 3:
            os.kill(os.getpid(), signal.SIGTERM)
        return schedule(step, *args)

    monkeypatch.setattr(train_music, "learning_rate", term_at_step_three)
    before = signal.getsignal(signal.SIGTERM)
    train_music.train(minutes=5, batch_size=4, peak_lr=1e-3, total_steps=50, eval_every=1000, patience=100,
                      checkpoint_minutes=60)
    assert "stopped by SIGTERM" in capsys.readouterr().out
    assert torch.load(tmp_path / "music-transformer" / "last.pt", weights_only=True)["state"]["step"] > 0
    assert signal.getsignal(signal.SIGTERM) == before  # the handler was ours only while training


def test_export_writes_fp16_weights_with_their_log(tiny_training, tmp_path, monkeypatch):
    from safetensors import safe_open

    train_music = tiny_training
    monkeypatch.setattr(train_music, "WEIGHTS_DIR", tmp_path / "weights")
    monkeypatch.setattr(train_music.music_corpus, "openings", lambda: {"major": [[60]], "minor": [[57]]})
    train_music.train(**SHORT_RUN)
    with safe_open(str(train_music.export()), framework="pt") as handle:
        meta = handle.metadata()
        dtypes = {handle.get_tensor(name).dtype for name in handle.keys()}
        names = set(handle.keys())
    best = torch.load(tmp_path / "music-transformer" / "best.pt", weights_only=True)
    assert names == set(best["model"]) - {"head.weight"} and dtypes == {torch.float16}
    assert meta["step"] == str(best["state"]["step"]) and float(meta["val_loss"]) == round(best["state"]["best"], 4)
    assert (tmp_path / "weights" / "music-transformer-log.csv").read_text() == \
        (tmp_path / "music-transformer" / "log.csv").read_text()
    assert (tmp_path / "weights" / "music-transformer-loss.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("genre", ["mystery", "sci-fi"])
def test_minor_arrangements_keep_their_key_across_seeds(composer, genre):
    """A lead that dwells on the fifth must not turn A minor into E minor: the dominant is major and
    only comes right before a tonic."""
    mood = load_genre(genre).music
    tempo = sum(mood.tempo) / 2
    beat = 60 / tempo
    tonic = tonic_pitch_class(mood.key)
    for seed in range(6):
        lead = composer.melody(seconds=16 * beat, beat=beat, step=beat if tempo < 90 else beat / 2,
                               key=mood.key, mode=mood.mode, seed=seed)
        midi = arrange(lead, bars=4, beat=beat, key=mood.key, mode=mood.mode,
                       instruments=mood.instruments, tempo=tempo)
        assert estimate_key(pitch_class_seconds(midi)) == (tonic, "minor"), seed
