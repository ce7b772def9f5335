"""Soft 404s: a 'not found' page with status 200 is recognised in several languages; articles are not."""

from __future__ import annotations

import pytest

from onrecord.parse.soft404 import phrases, redirected_home, soft_404


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Page not found | Ministry", "The page you requested could not be found."),
        ("Ministerium", "Seite nicht gefunden. Bitte prüfen Sie die Adresse."),
        ("Ministère", "Page introuvable"),
        ("Министерство", "Страница не найдена"),
        ("Міністерство", "Сторінку не знайдено"),
        ("外交部", "您访问的页面不存在"),
        ("外務省", "お探しのページは見つかりません"),
        ("Ministerio", "Página no encontrada"),
    ],
)
def test_not_found_pages_are_soft_404s(title: str, text: str) -> None:
    assert soft_404(title, text) == "not-found page"


def test_an_article_that_mentions_a_missing_page_is_not_a_soft_404() -> None:
    article = "The minister said the old portal showed page not found for weeks. " + "More words here. " * 40
    assert soft_404("Minister on the portal", article) is None
    assert soft_404("Budget statement", "The budget was agreed.") is None


def test_redirect_of_an_item_to_the_front_page() -> None:
    assert redirected_home("http://a.example/statements/1", "http://a.example/", True)
    assert not redirected_home("http://a.example/statements/1", "http://a.example/statements/1b", True)
    assert not redirected_home("http://a.example/", "http://a.example/", True)
    assert not redirected_home("http://a.example/statements/1", "http://a.example/", False)


def test_phrase_file_loads_several_languages() -> None:
    got = phrases()
    assert len(got) > 30 and all(p == p.casefold() for p in got)
