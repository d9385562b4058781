"""The course website (``make book``, ``make book-instructor``) built from a clean folder with
Sphinx, offline: warning-free, every local link and anchor resolves, nothing is loaded from
outside the site, each explorer shows its saved picture, each lesson links its notebook,
the search page and index are there; the student build holds no solution and no instructor
page, the instructor build holds both. One test per build, so each is built once per run."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from course.book import build
from course.lesson_facts import lesson_facts
from crmkit.teach.editions import secret_lines
from course.links import broken_links, outside_resources, read_page, site_pages

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def page_text(path: Path) -> str:
    """A page's text as a reader sees it (tags dropped)."""
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def check_links_and_offline(site: Path):
    assert len(site_pages(site)) >= len(NOTEBOOKS) + 5
    assert broken_links(site) == []
    assert outside_resources(site) == []


def saved_widget_pngs(notebook: Path) -> list[bytes]:
    state = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["widgets"][WIDGET_STATE]["state"]
    return [base64.b64decode("".join(o["data"]["image/png"])) for model in state.values()
            for o in model.get("state", {}).get("outputs", []) if "image/png" in o.get("data", {})]


def check_widget_pictures(site: Path):
    for notebook in NOTEBOOKS:
        page = site / "notebooks" / f"{notebook.stem}.html"
        cells = page.read_text(encoding="utf-8").split('class="cell docutils container"')
        for explorer, _ in lesson_facts(notebook).explorers:
            cell = next(c for c in cells if f"{explorer}(" in page_text_of(c))
            shown = [(page.parent / src).read_bytes() for src in re.findall(r'<img[^>]*src="([^"]+)"', cell)]
            assert shown and all(png in saved_widget_pngs(notebook) for png in shown), (notebook.name, explorer)


def page_text_of(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


def check_downloads_search_and_navigation(site: Path, edition: str):
    for notebook in NOTEBOOKS:
        page = read_page(site / "notebooks" / f"{notebook.stem}.html")
        downloads = [v for _, key, v in page.links if key == "href" and v.startswith("../_downloads/")]
        assert [Path(v).name for v in downloads] == [notebook.name]
        expected = (REPO / edition / notebook.name).read_bytes()
        assert (site / "notebooks" / downloads[0]).resolve().read_bytes() == expected
        nav = {v for _, key, v in page.links if key == "href"}
        assert {f"{n.stem}.html" for n in NOTEBOOKS} - {notebook.stem + ".html"} <= nav | {"#"}
    assert (site / "search.html").exists() and (site / "searchindex.js").stat().st_size > 10_000
    assert "retention" in (site / "searchindex.js").read_text(encoding="utf-8")


def shown_secret_lines(site: Path) -> set[str]:
    shown = set()
    for notebook in NOTEBOOKS:
        secrets = {line for line in secret_lines(json.loads(notebook.read_text(encoding="utf-8"))) if len(line) > 15}
        lines = {line.strip() for line in page_text(site / "notebooks" / f"{notebook.stem}.html").splitlines()}
        shown |= secrets & lines
    return shown


def test_the_student_site_builds_offline_with_every_link_and_no_solution(tmp_path):
    site = tmp_path / "book"
    build(site, strict=True)
    check_links_and_offline(site)
    check_widget_pictures(site)
    check_downloads_search_and_navigation(site, "lessons")
    assert shown_secret_lines(site) == set()
    assert not (site / "course" / "instructor").exists()
    assert "Instructor guide" not in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "course" / "syllabus.html").exists()
    assert len(list((site / "case_studies").rglob("README.html"))) >= 5


def test_the_instructor_site_adds_the_guides_and_the_solutions(tmp_path):
    site = tmp_path / "book"
    build(site, instructor=True, strict=True)
    check_links_and_offline(site)
    check_downloads_search_and_navigation(site, "notebooks")
    guides = sorted(p.stem for p in (site / "course" / "instructor").glob("*.html"))
    assert guides == [n.stem for n in NOTEBOOKS]
    assert "Instructor guide" in (site / "index.html").read_text(encoding="utf-8")
    assert len(shown_secret_lines(site)) > 20  # the same check finds the solutions where they belong
