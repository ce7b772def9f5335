from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from onrecord.parse.normalize import normalize_text, strip_tracking


def test_tracking_parameters_are_stripped() -> None:
    assert strip_tracking("http://a.example/x?id=3&utm_source=tw&fbclid=abc") == "http://a.example/x?id=3"
    assert strip_tracking("http://a.example/x?utm_medium=m") == "http://a.example/x"


def test_whitespace_and_unicode_forms_do_not_matter() -> None:
    a = "Cafe\u0301  talks\u00a0ended.\r\n\n  Next  line "
    b = "Café talks ended.\nNext line"
    assert normalize_text(a) == normalize_text(b) == b


def test_ignore_pattern_removes_noise() -> None:
    assert normalize_text("Statement.\nViews: 1,234", r"^Views: [\d,]+$") == "Statement."


def test_links_in_text_lose_tracking() -> None:
    assert normalize_text("see http://a.example/p?utm_source=x") == "see http://a.example/p"


@given(st.text())
def test_normalize_is_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once
