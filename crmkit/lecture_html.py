"""A lesson as one self-contained reveal.js slide file: ``crmkit present LESSON --to html``.

The file holds everything it shows: reveal.js and its CSS (shipped in ``crmkit/vendor/reveal``)
inline, every picture as a ``data:`` URI, and each widget as the picture saved with it (the
output area of an explorer, from the notebook's widget state). It loads nothing from the
network, so it can be e-mailed, put on an LMS or opened on a lectern PC without internet.
It shows the lesson as last executed (run it first: ``jupyter nbconvert --execute``).

Slides follow RISE's rules, from each cell's ``metadata.slideshow.slide_type``: ``slide``
starts a slide, ``subslide`` a slide below it, ``fragment`` appears on the next key press,
``skip`` is left out, ``notes`` become speaker notes (key ``s``), ``-`` continues. A lesson
without slide types gets a slide per Markdown heading. Maths stays as written (no MathJax
offline).
"""

from __future__ import annotations

import base64
import html
import json
import re
from importlib import resources
from pathlib import Path

from crmkit._files import write_atomically
from crmkit.errors import DataError

__all__ = ["slides_html", "write_slides_html"]

_WIDGET = "application/vnd.jupyter.widget-view+json"
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s", flags=re.MULTILINE)
_STYLE = """
.reveal { font-size: 26px; }
.reveal .slides section { text-align: left; }
.reveal .slides > section, .reveal .slides > section > section { height: 100%; overflow-y: auto; }
.reveal pre { width: 100%; font-size: 0.6em; box-shadow: none; margin: 0.3em 0; }
.reveal pre code { max-height: 60vh; padding: 0.4em; }
.reveal .output pre { background: #f7f7f7; }
.reveal img { max-height: 62vh; margin: 0.2em 0; }
.reveal table { font-size: 0.55em; margin: 0.3em 0; }
.reveal table th, .reveal table td { padding: 0.15em 0.5em; }
"""


def slides_html(notebook: dict, title: str = "lesson") -> str:
    """The slide file of an executed notebook (a dict as read from its JSON), as text."""
    state = notebook.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = state.get("state", {})
    cells = notebook.get("cells", [])
    typed = any(c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in cells)
    slides: list[list[list[str]]] = []  # slides, each a list of vertical slides, each a list of parts
    for cell in cells:
        kind = _slide_type(cell, typed)
        if kind == "skip":
            continue
        body = _cell_html(cell, models)
        if not body:
            continue
        if kind == "slide" or not slides:
            slides.append([[]])
        elif kind == "subslide":
            slides[-1].append([])
        part = {"fragment": f'<div class="fragment">{body}</div>', "notes": f'<aside class="notes">{body}</aside>'}
        slides[-1][-1].append(part.get(kind, body))
    sections = "\n".join(_section(stack) for stack in slides)
    return _page(html.escape(title), sections)


def write_slides_html(notebook, out=None) -> Path:
    """Write the slide file of the lesson ``notebook`` (a path) to ``out`` (default: beside
    it, ``<lesson>.slides.html``); returns the path written."""
    path = Path(notebook)
    target = Path(out) if out is not None else path.with_suffix(".slides.html")
    if path.suffix != ".ipynb" or not path.is_file():
        raise DataError(f"notebook: {str(notebook)!r} is not an existing .ipynb file; pass a lesson, "
                        "e.g. 'notebooks/00_start_here.ipynb'")
    if target.suffix.lower() not in (".html", ".htm"):
        raise DataError(f"--out {str(target)!r}: the slide file must end in .html or .htm")
    try:
        lesson = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(f"notebook: {str(notebook)!r} cannot be read as notebook JSON ({error})") from None
    if not isinstance(lesson, dict) or not isinstance(lesson.get("cells"), list):
        raise DataError(f"notebook: {str(notebook)!r} has no list of cells; is it a Jupyter notebook (nbformat 4)?")
    return write_atomically(target, slides_html(lesson, title=path.stem))


def _slide_type(cell: dict, typed: bool) -> str:
    kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    if typed:
        return kind or "-"
    return "slide" if cell.get("cell_type") == "markdown" and _HEADING.match(_source(cell)) else "-"


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _cell_html(cell: dict, models: dict) -> str:
    import mistune

    if cell.get("cell_type") == "markdown":
        return mistune.html(_source(cell))
    if cell.get("cell_type") != "code":
        return ""
    parts = [_code(_source(cell))] if _source(cell).strip() else []
    parts += [_output(output, models) for output in cell.get("outputs", [])]
    return "\n".join(p for p in parts if p)


def _code(source: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return highlight(source, PythonLexer(), HtmlFormatter(noclasses=True, nowrap=False, style="friendly"))


def _output(output: dict, models: dict) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return _pre(output.get("text", ""))
    if kind == "error":
        return _pre(re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output.get("traceback", []))))
    data = output.get("data", {})
    if _WIDGET in data:
        return _widget(data[_WIDGET].get("model_id", ""), models)
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            payload = "".join(data[mime]) if isinstance(data[mime], list) else data[mime]
            return f'<div class="output"><img src="data:{mime};base64,{payload.strip()}"></div>'
    if "image/svg+xml" in data:
        svg = "".join(data["image/svg+xml"]) if isinstance(data["image/svg+xml"], list) else data["image/svg+xml"]
        return f'<div class="output"><img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"></div>'
    if "text/html" in data:
        text = "".join(data["text/html"]) if isinstance(data["text/html"], list) else data["text/html"]
        return f'<div class="output">{_without_scripts(text)}</div>'
    if "text/markdown" in data:
        import mistune

        text = "".join(data["text/markdown"]) if isinstance(data["text/markdown"], list) else data["text/markdown"]
        return f'<div class="output">{mistune.html(text)}</div>'
    if "text/plain" in data:
        return _pre(data["text/plain"])
    return ""


def _widget(model_id: str, models: dict, depth: int = 0) -> str:
    """The pictures and text a saved widget shows: its output areas, children first to last."""
    model = models.get(model_id)
    if model is None or depth > 20:
        return ""
    state = model.get("state", {})
    shown = [_output(o, models) for o in state.get("outputs", [])]
    for child in state.get("children", []):
        shown.append(_widget(str(child).removeprefix("IPY_MODEL_"), models, depth + 1))
    return "\n".join(s for s in shown if s)


def _pre(text) -> str:
    text = "".join(text) if isinstance(text, list) else text
    return f'<div class="output"><pre><code>{html.escape(text)}</code></pre></div>'


def _without_scripts(text: str) -> str:
    # An output's own script could fetch from the network; the slide file runs none.
    return re.sub(r"<script\b.*?</script\s*>", "", text, flags=re.DOTALL | re.IGNORECASE)


def _section(stack: list[list[str]]) -> str:
    inner = ["<section>\n" + "\n".join(parts) + "\n</section>" for parts in stack]
    return inner[0] if len(inner) == 1 else "<section>\n" + "\n".join(inner) + "\n</section>"


def _asset(name: str) -> str:
    return resources.files("crmkit.vendor.reveal").joinpath(name).read_text(encoding="utf-8")


def _page(title: str, sections: str) -> str:
    theme = re.sub(r'@import\s+(url\()?["\']?https?://[^;]*;', "", _asset("simple.css"))
    script = _asset("reveal.js").replace("</script", "<\\/script")
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<style>\n{_asset('reveal.css')}\n</style>\n<style>\n{theme}\n</style>\n<style>{_STYLE}</style>\n"
            f'</head>\n<body>\n<div class="reveal"><div class="slides">\n{sections}\n</div></div>\n'
            f"<script>\n{script}\n</script>\n"
            "<script>Reveal.initialize({hash: true, width: 1280, height: 860, margin: 0.04, center: false, "
            "transition: 'none'});</script>\n</body>\n</html>\n")
