"""Replace one "## ..." section of BENCHMARKS.md (or append it), for the benchmarks' --write."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, section: str, report: str) -> None:
    """Put `report` (which starts with the `section` heading) where that section is, or at the end."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find(section)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + report
    else:
        end = text.find("\n## ", start + len(section))
        text = text[:start] + report + ("\n" + text[end + 1 :] if end != -1 else "")
    path.write_text(text, encoding="utf-8")
