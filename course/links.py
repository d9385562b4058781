"""Read a built static site: every local link and picture, every anchor, every outside resource.

Used by tests/test_book_site.py and `make book` (a broken link fails the build); the standard
library's HTML parser only, no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["Page", "read_page", "site_pages", "broken_links", "outside_resources"]

# Attributes that point at something the browser fetches or the reader follows.
_LINKING = {"href", "src"}
# Elements whose href/src the browser loads by itself (not a link the reader chooses).
_LOADED = {"script", "img", "link", "iframe", "source", "video", "audio", "embed"}


@dataclass
class Page:
    path: Path
    ids: set = field(default_factory=set)
    links: list = field(default_factory=list)      # (tag, attribute, value)
    images: list = field(default_factory=list)     # src of each <img>


class _Reader(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.page.ids.add(values[key])
        for key in _LINKING & set(values):
            if values[key] is not None:
                self.page.links.append((tag, key, values[key]))
        if tag == "img" and values.get("src"):
            self.page.images.append(values["src"])


def read_page(path: Path) -> Page:
    page = Page(path)
    _Reader(page).feed(path.read_text(encoding="utf-8"))
    return page


def site_pages(site: Path) -> list[Path]:
    """The site's pages: its HTML files, less the theme's template fragments in ``_static``
    (files like webpack-macros.html hold "{{ pathto(...) }}", which no page includes)."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def _is_outside(value: str) -> bool:
    return urlsplit(value).scheme not in ("", "file", "data")


def broken_links(site: Path) -> list[str]:
    """Every local href/src of every page whose file or anchor does not exist, as 'page -> link'."""
    pages = {p.resolve(): read_page(p) for p in site_pages(site)}
    broken = []
    for path, page in pages.items():
        for _tag, _key, value in page.links:
            if _is_outside(value) or value.startswith(("data:", "javascript:", "mailto:")):
                continue
            parts = urlsplit(value)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site.resolve())} -> {value} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else read_page(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site.resolve())} -> {value} (no such anchor)")
    return broken


def outside_resources(site: Path) -> list[str]:
    """Scripts, styles, pictures and frames a page would load from outside the site."""
    found = []
    for path in site_pages(site):
        for tag, _key, value in read_page(path).links:
            if tag in _LOADED and _is_outside(value):
                found.append(f"{path.relative_to(site)}: <{tag}> {value}")
    return found
