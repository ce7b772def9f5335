"""The CLDR tables shipped as data (issue 14): the same tables, in the same order, as reading CLDR now gives,
and used only while written by this module from this Babel release."""

from __future__ import annotations

import json

import pytest

from onrecord.analysis import lexicon

TABLES = ("month_names", "weekday_names", "scale_words", "unit_words", "currency_words", "territory_names")


def test_the_snapshot_is_current():
    data = json.loads(lexicon.SNAPSHOT.read_text(encoding="utf-8"))
    assert data["key"] == lexicon.snapshot_key(), (
        "lexicon.py or Babel changed: regenerate the tables with `.venv/bin/python -m onrecord.analysis.lexicon`"
    )
    assert sorted(data["tables"]) == sorted(TABLES)


@pytest.mark.parametrize("name", TABLES)
def test_each_shipped_table_is_what_cldr_gives(name):
    shipped = getattr(lexicon, name)()
    fresh = lexicon.computed(name)
    assert list(shipped.items()) == list(fresh.items())  # order too: callers sort by length, ties keep it
    assert [type(v) for v in shipped.values()] == [type(v) for v in fresh.values()]
    assert shipped is lexicon._snapshot()[name]  # it came from the file, not from CLDR


def test_a_snapshot_from_another_babel_release_is_not_used(tmp_path, monkeypatch):
    path = lexicon.write_snapshot(tmp_path / "tables.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["tables"]["month_names"]["października"] == 10
    data["key"]["babel"] = "0.1"
    data["tables"]["month_names"]["października"] = 3
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(lexicon, "SNAPSHOT", path)
    lexicon._snapshot.cache_clear()
    lexicon.month_names.cache_clear()  # type: ignore[attr-defined]
    try:
        assert lexicon._snapshot() == {}
        assert lexicon.month_names()["października"] == 10  # read from CLDR, not the stale file
    finally:
        monkeypatch.undo()
        lexicon._snapshot.cache_clear()
        lexicon.month_names.cache_clear()  # type: ignore[attr-defined]
