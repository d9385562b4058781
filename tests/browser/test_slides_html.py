"""`crmkit present --to html` in headless Chromium, with the network cut off: reveal.js starts,
the lesson is a deck of slides, every picture (widget pictures among them) is drawn, and the
page asks for nothing beyond its own file."""

from __future__ import annotations

import pytest

from crmkit.lecture_html import write_slides_html
from tests.browser.conftest import NOTEBOOKS

LESSONS = ["00_start_here.ipynb", "07_lifecycle_and_retention_economics.ipynb"]


@pytest.mark.parametrize("name", LESSONS)
def test_the_slide_file_shows_its_slides_and_pictures_offline(page, output_dir, tmp_path, name):
    deck = write_slides_html(NOTEBOOKS / name, tmp_path / f"{name}.html")
    requested = []
    page.context.route("**/*", lambda route: (requested.append(route.request.url), route.continue_()
                                               if route.request.url.startswith(("file:", "data:")) else route.abort()))
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
    assert page.evaluate("Reveal.getTotalSlides()") >= 8
    pictures = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
    assert len(pictures) >= 3 and all(pictures)
    widget_slide = page.evaluate("""() => {
        const tops = [...document.querySelectorAll('.slides > section')];
        const img = [...document.images].pop();
        return tops.indexOf(img.closest('.slides > section'));
    }""")
    page.evaluate(f"Reveal.slide({widget_slide})")
    page.wait_for_timeout(300)
    page.screenshot(path=output_dir / f"slides_html-{name}.png")
    outside = [url for url in requested + page.blocked if not url.startswith(("file:", "data:"))]
    assert outside == [] and page.errors == []
