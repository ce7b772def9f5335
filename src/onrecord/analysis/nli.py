"""Optional natural-language inference (NLI) over aligned claims: a cross-encoder reads both claims at once.

The cue rules (`labels` with the cues, quantities, dates and actors modules) find conflicts that a word,
number, date or name shows. A conflict that only the meaning shows ("the talks were constructive" / "the talks
broke down") needs a model that reads the two sentences together. This backend wraps a local multilingual NLI
model directory (or a hub name) through the sentence-transformers `CrossEncoder`; nothing requires it, and
`sentence_transformers` is imported only when it is used (`pip install onrecord[st]`).

The model's labels are read from its configuration (`id2label`), never assumed: NLI models order
entailment, neutral and contradiction differently. A model without an entailment and a contradiction label
is refused with a clear error.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from onrecord.analysis.embed import dir_fingerprint, quiet_transformers
from onrecord.errors import CompareError

__all__ = ["DEFAULT_THRESHOLD", "CrossEncoderNLI", "Inference", "NLIModel", "contradiction_scores"]

DEFAULT_THRESHOLD = 0.7  # mean contradiction probability over both directions that makes a row a conflict


@dataclass(frozen=True)
class Inference:
    """Probabilities for one (premise, hypothesis) pair; `neutral` is 0 for two-label models."""

    entailment: float
    neutral: float
    contradiction: float

    @property
    def verdict(self) -> str:
        best = max(self.entailment, self.neutral, self.contradiction)
        if best == self.contradiction:
            return "contradiction"
        return "entailment" if best == self.entailment else "neutral"


class NLIModel(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def infer(self, pairs: Sequence[tuple[str, str]]) -> list[Inference]:
        """One Inference per (premise, hypothesis) pair, in order."""
        ...


def _label_index(id2label: dict[Any, Any]) -> dict[str, int]:
    """{"entailment": i, "contradiction": j, ("neutral": k)} from a model's id2label."""
    out: dict[str, int] = {}
    for idx, raw in id2label.items():
        label = str(raw).strip().lower()
        for kind in ("entailment", "neutral", "contradiction"):
            if label.startswith(kind[:6]):
                out[kind] = int(idx)
    return out


class CrossEncoderNLI:
    """A sentence-transformers CrossEncoder NLI model from a local directory or a hub name."""

    def __init__(self, model_name_or_path: str, device: str | None = None) -> None:
        self.model_name_or_path = model_name_or_path
        self.device = device
        self.name = f"nli/{Path(model_name_or_path).name or model_name_or_path}"
        path = Path(model_name_or_path)
        self.version = dir_fingerprint(path) if path.is_dir() else model_name_or_path
        self._model: Any = None
        self._labels: dict[str, int] = {}
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import CrossEncoder
                except ImportError as exc:
                    raise CompareError("the NLI backend needs `pip install onrecord[st]`") from exc
                quiet_transformers()
                where = self.model_name_or_path
                try:
                    model = CrossEncoder(where, device=self.device, local_files_only=os.path.isdir(where))
                except Exception as exc:  # foreign errors (missing files, bad config, no network) enter here
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    raise CompareError(f"cannot load NLI model {where!r}: {first}") from exc
                labels = _label_index(dict(getattr(model.config, "id2label", {}) or {}))
                if "entailment" not in labels or "contradiction" not in labels:
                    names = sorted(str(v) for v in (getattr(model.config, "id2label", {}) or {}).values())
                    raise CompareError(
                        f"{where!r} is not an NLI model: its labels are {', '.join(names) or 'none'}; "
                        "an entailment and a contradiction label are needed"
                    )
                self._model, self._labels = model, labels
            return self._model

    def infer(self, pairs: Sequence[tuple[str, str]]) -> list[Inference]:
        if not pairs:
            return []
        model = self._load()
        probs = model.predict(list(pairs), apply_softmax=True, convert_to_numpy=True, show_progress_bar=False)
        lab = self._labels
        out = []
        for row in probs:
            neutral = float(row[lab["neutral"]]) if "neutral" in lab else 0.0
            out.append(Inference(float(row[lab["entailment"]]), neutral, float(row[lab["contradiction"]])))
        return out


def contradiction_scores(model: NLIModel, pairs: Sequence[tuple[str, str]]) -> list[float | None]:
    """For each (a, b): the mean contradiction probability of a->b and b->a when contradiction is the
    model's verdict in both directions, else None. Both directions, because a claim that only adds to the
    other reads as neutral one way; a contradiction holds both ways."""
    both = model.infer([p for a, b in pairs for p in ((a, b), (b, a))])
    out: list[float | None] = []
    for n in range(len(pairs)):
        fwd, back = both[2 * n], both[2 * n + 1]
        if fwd.verdict == back.verdict == "contradiction":
            out.append((fwd.contradiction + back.contradiction) / 2.0)
        else:
            out.append(None)
    return out
