"""Readable, linked citations for lesson notebooks, from the keys of the kit's reference list.

Lessons are written with pandoc-style keys (``[@payne_frow_2005]``), which a notebook shows
as they are. :func:`render_citations` turns them into the form a reader expects, an author
and a year linked to the source: ``([Payne & Frow, 2005](https://doi.org/... "payne_frow_2005"))``.
The key stays in the link's title, so :func:`cited_keys` still finds every source a text
cites and the References section can be rebuilt from the list (:func:`render_notebook`).

>>> render_citations("five processes [@payne_frow_2005].")
'five processes ([Payne & Frow, 2005](https://doi.org/10.1509/jmkg.2005.69.4.167 "payne_frow_2005")).'
>>> cited_keys(render_citations("[@sharp_2005; @payne_frow_2005]"))
['sharp_2005', 'payne_frow_2005']
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from crmkit._files import write_atomically
from crmkit.frameworks import cite, reference

__all__ = ["short_citation", "render_citations", "cited_keys", "render_notebook"]

RAW = re.compile(r"\[(@[\w-]+(?:\s*;\s*@[\w-]+)*)\]")
RENDERED = re.compile(r"\]\([^)\s]+ \"([\w-]+)\"\)")
# "Surname, A. B." (the initials may be hyphenated or followed by Jr.)
PERSON = re.compile(r"([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*), (?:[A-Z]\.(?:-[A-Z]\.)?\s?)+(?:Jr\.)?")
# Where a lesson's readers land when a source has no address: its References section.
NO_ADDRESS = "#References"


def _author_year(citation: str) -> tuple[str, str]:
    match = re.match(r"^(.*?)\s*\(([^)]*)\)", citation)
    dated = match and re.match(r"\d{4}|n\.d\.", match.group(2).strip())
    if not dated:
        return citation.split(". ")[0].rstrip("."), "n.d."
    year = "n.d." if match.group(2).startswith("n.d.") else match.group(2)[:4]
    return match.group(1), year


def _people(text: str) -> list[str]:
    """The surnames of the authors a citation starts with ("Payne, A. & Frow, P. ..."), if any."""
    names, position = [], 0
    while match := PERSON.match(text, position):
        names.append(match.group(1))
        position = re.match(r",?\s*(?:&|and|with)?\s*", text[match.end():]).end() + match.end()
    return names


def short_citation(key: str) -> str:
    """The in-text form of a reference: "Payne & Frow, 2005", "Linden et al., 2003".

    A reference's ``short`` field wins where the citation cannot be read that way.

    >>> short_citation("linden_smith_york_2003"), short_citation("marketing_week_2015_clubcard")
    ('Linden et al., 2003', 'Marketing Week, 2015')
    """
    ref = reference(key)
    if ref.short:
        return ref.short
    who, year = _author_year(ref.citation)
    names = _people(ref.citation)
    if names:
        who = names[0] if len(names) == 1 else " & ".join(names) if len(names) == 2 else f"{names[0]} et al."
    return f"{who}, {year}"


def _link(key: str) -> str:
    urls = reference(key).urls
    return f'[{short_citation(key)}]({urls[0] if urls else NO_ADDRESS} "{key}")'


def render_citations(text: str) -> str:
    """Replace every ``[@key]`` or ``[@a; @b]`` of a Markdown text by linked author-year citations.

    An unknown key raises :class:`~crmkit.errors.ConfigError` naming it (a typo must not
    vanish into a rendered page).
    """
    def rendered(match: re.Match) -> str:
        keys = [part.strip().lstrip("@") for part in match.group(1).split(";")]
        return "(" + "; ".join(_link(key) for key in keys) + ")"
    return RAW.sub(rendered, text)


def cited_keys(text: str) -> list[str]:
    """The reference keys a Markdown text cites, raw or rendered, in order of first use."""
    found = [(m.start(), part.strip().lstrip("@")) for m in RAW.finditer(text) for part in m.group(1).split(";")]
    found += [(m.start(), m.group(1)) for m in RENDERED.finditer(text)]
    return list(dict.fromkeys(key for _, key in sorted(found)))


def _references_cell(source: str, cited: list[str]) -> str:
    """A "## References" cell with one ``cite(key)`` line per source: those it listed, then new ones."""
    lines = source.splitlines()
    listed = [m.group(1) for line in lines if (m := re.match(r"^- \*\*([\w-]+)\*\*", line))]
    if not listed:  # a heading over a list that a code cell prints: that cell owns the list
        return source
    keys = list(dict.fromkeys(listed + cited))
    head = [line for line in lines if not line.startswith("- **")]
    while head and not head[-1].strip():
        head.pop()
    return "\n".join(head + [""] + [f"- {cite(key)}" for key in keys])


def render_notebook(path) -> bool:
    """Render the citations of a notebook's Markdown cells and rebuild its References cell.

    Only Markdown sources change (outputs, code and metadata stay as they are); the file is
    rewritten atomically, and only when something changed. Returns whether it did.
    """
    path = Path(path)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    markdown = [cell for cell in notebook["cells"] if cell["cell_type"] == "markdown"]
    before = ["".join(cell["source"]) for cell in markdown]
    cited = cited_keys("\n".join(text for text in before if not text.startswith("## References")))
    after = [_references_cell(text, cited) if text.startswith("## References") else render_citations(text)
             for text in before]
    if after == before:
        return False
    for cell, text in zip(markdown, after):
        cell["source"] = text.splitlines(keepends=True)
    write_atomically(path, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return True


if __name__ == "__main__":  # python -m crmkit.frameworks.citations notebooks/*.ipynb
    import sys

    for name in sys.argv[1:]:
        print(f"{name}: {'rendered' if render_notebook(name) else 'unchanged'}")
