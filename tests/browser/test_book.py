"""The course website (``make book``) in headless Chromium, with the network cut off: opened from
its files, a lesson page shows each explorer's saved picture (drawn, not a broken image) and the
navigation lists every lesson and leads to the next; served as a web host would (a local
static server), the search box finds a word of the lessons."""

from __future__ import annotations

import sys

import pytest

from course.book import build
from course.lesson_facts import lesson_facts
from tests.browser import Server, free_port
from tests.browser.conftest import NOTEBOOKS

LESSON = "07_lifecycle_and_retention_economics"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("book") / "site").parent


@pytest.fixture
def web_host(site, output_dir):
    """The site served over HTTP on 127.0.0.1 (the search page fetches the pages it lists)."""
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)]
    server = Server(command, port, None, output_dir / "book-http.log", ready_path="/index.html", cwd=site)
    yield server
    server.stop()


def open_page(page, path):
    requested = []
    page.context.route("**/*", lambda route: (requested.append(route.request.url), route.continue_()
                                               if route.request.url.startswith(("file:", "data:")) else route.abort()))
    page.goto(path.as_uri())
    return requested


def test_a_lesson_page_shows_the_explorers_picture_and_the_navigation(page, site, output_dir):
    requested = open_page(page, site / "notebooks" / f"{LESSON}.html")
    explorers = [name for name, _ in lesson_facts(NOTEBOOKS / f"{LESSON}.ipynb").explorers]
    for explorer in explorers:
        cell = page.locator("div.cell", has=page.locator("div.cell_input", has_text=f"{explorer}(")).first
        picture = cell.locator("div.cell_output img").first
        picture.scroll_into_view_if_needed()
        drawn = picture.evaluate("img => img.complete && img.naturalWidth > 100 && img.naturalHeight > 100")
        assert drawn, f"{explorer}: its saved picture is not drawn"
    page.screenshot(path=output_dir / f"book-{LESSON}.png", full_page=False)
    nav = page.locator("nav.bd-docs-nav")
    # Sphinx prints typographic apostrophes (smartquotes).
    shown = {" ".join(text.split()).replace("\u2019", "'") for text in nav.locator("a").all_inner_texts()}
    titles = {lesson_facts(path).title for path in NOTEBOOKS.glob("*.ipynb")}
    assert titles <= shown, f"not in the navigation: {sorted(titles - shown)}"
    link = nav.get_by_role("link", name="08 · Sales force automation", exact=False).first
    link.click()
    page.wait_for_url("**/08_sales_force_automation.html")
    assert page.locator("h1").first.inner_text().startswith("08 ·")
    outside = [url for url in requested + page.blocked if not url.startswith(("file:", "data:"))]
    assert outside == [] and page.errors == []


def test_the_search_box_finds_a_lesson_offline(page, web_host):
    page.goto(f"{web_host.url}/index.html")
    box = page.locator("input[name='q']").first
    if not box.is_visible():  # the book theme hides the field behind a search button
        page.locator("button.search-button, .search-button-field").first.click()
    box = page.locator("input[name='q']:visible").first
    box.fill("retention")
    box.press("Enter")
    page.wait_for_url("**/search.html?*")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=30_000)
    assert results.count() >= 3
    assert page.blocked == [] and page.errors == []
