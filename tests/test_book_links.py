"""The site's link check (course/links.py) finds what it must: a missing file, a missing anchor,
a resource loaded from outside; and passes what is fine (anchors, folders, outside links)."""

from __future__ import annotations

from course.links import broken_links, outside_resources


def test_the_link_check_reports_missing_files_and_anchors_and_outside_loads(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "sub" / "index.html").write_text('<h1 id="top">x</h1>')
    (tmp_path / "_static" / "macros.html").write_text('<link href="{{ pathto(x) }}">')  # a template, not a page
    (tmp_path / "a.html").write_text(
        '<p id="here"></p><a href="#here">ok</a><a href="sub/">ok</a><a href="sub/index.html#top">ok</a>'
        '<a href="https://example.org/x">an outside link is fine</a><img src="data:image/png;base64,AA">'
        '<a href="#nowhere">bad</a><a href="gone.html">bad</a><a href="sub/index.html#gone">bad</a>'
        '<img src="missing.png"><script src="https://cdn.example.org/x.js"></script>')
    assert broken_links(tmp_path) == ["a.html -> #nowhere (no such anchor)", "a.html -> gone.html (no such file)",
                                      "a.html -> sub/index.html#gone (no such anchor)",
                                      "a.html -> missing.png (no such file)"]
    assert outside_resources(tmp_path) == ["a.html: <script> https://cdn.example.org/x.js"]


def test_the_site_build_never_writes_into_a_folder_it_did_not_make(tmp_path):
    from course.book import main

    (tmp_path / "notes.txt").write_text("mine")
    assert main(["--out", str(tmp_path)]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
