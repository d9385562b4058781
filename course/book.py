"""Build the course website: ``python -m course.book --out DIR [--instructor]``.

``make book`` builds the student site (lessons as the student edition with their outputs,
cases, syllabus); ``make book-instructor`` adds the instructor pages and shows the full
lessons with their solutions. The build reads the notebooks as stored (executed) and runs
none of them, so it needs no kernel and no network. Sphinx prints its warnings; ``--strict``
turns them into a failure (the site test uses it). A link to a missing page, file or anchor,
or a script or picture loaded from outside the site, fails the build.

The site is built from clean in a new folder beside ``DIR`` and then put in its place, so a
failed build leaves the previous site whole. ``DIR`` must be new, empty or a site this
command wrote (it leaves a ``.crmkit-book`` marker): nothing else is ever overwritten.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from course.links import broken_links, outside_resources
from course.pages import site_pages
from course.stage import stage_site

__all__ = ["REPO", "MARKER", "SiteError", "build", "main"]

REPO = Path(__file__).resolve().parents[1]
MARKER = ".crmkit-book"


class SiteError(Exception):
    """The site could not be built; the message says why in one line (or lists the broken links)."""


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise SiteError(f"--out {out}: holds files this command did not write; allowed: a new or empty "
                        f"folder, or a site an earlier build wrote (it has a {MARKER} file)")


def _sphinx(source: Path, html: Path, doctrees: Path, strict: bool) -> None:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(doctrees),
               *(["-W", "--keep-going"] if strict else []), str(source), str(html)]
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        raise SiteError(f"the site build failed (sphinx exit {done.returncode}); its messages are above")
    problems = broken_links(html) + [f"loads from outside the site: {r}" for r in outside_resources(html)]
    if problems:
        raise SiteError("the site has broken links:\n" + "\n".join(problems[:30]))


def build(out: Path, *, instructor: bool = False, strict: bool = False, repo: Path = REPO) -> Path:
    """Build the site into ``out`` (see the module docstring) and return ``out / "index.html"``."""
    out = Path(out).resolve()
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}-building-", dir=out.parent) as work:
        source, html = Path(work) / "source", Path(work) / "html"
        stage_site(repo, source, site_pages(repo, instructor=instructor), instructor=instructor)
        _sphinx(source, html, Path(work) / "doctrees", strict)
        (html / MARKER).write_text("written by `python -m course.book`; the next build replaces this folder\n")
        old = Path(work) / "previous"
        if out.exists():
            out.rename(old)  # removed with the work folder
        html.rename(out)
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.book", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "_build" / "book", help="the site's folder")
    parser.add_argument("--instructor", action="store_true", help="add the instructor pages and solutions")
    parser.add_argument("--strict", action="store_true", help="fail on any Sphinx warning")
    args = parser.parse_args(argv)
    try:
        index = build(args.out, instructor=args.instructor, strict=args.strict)
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"site: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
