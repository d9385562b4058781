"""Citations in the lesson notebooks render as linked author-year text, never as raw keys."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crmkit import frameworks
from crmkit.errors import ConfigError
from crmkit.frameworks.citations import RAW, cited_keys, render_citations, render_notebook, short_citation

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def _markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_no_notebook_shows_a_raw_citation_key(path):
    raw = RAW.findall(_markdown(path))
    assert not raw, f"{path.name}: raw keys {raw}; run python -m crmkit.frameworks.citations {path}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_rendered_citation_names_a_key_of_the_reference_list(path):
    assert set(cited_keys(_markdown(path))) <= set(frameworks.references())


def test_a_citation_reads_author_and_year_and_links_the_first_stable_address():
    assert short_citation("payne_frow_2005") == "Payne & Frow, 2005"
    assert short_citation("dwyer_schurr_oh_1987") == "Dwyer et al., 1987"
    assert short_citation("reinartz_kumar_2002") == "Reinartz & Kumar, n.d."  # its date is unverified
    two = render_citations("as shown [@sharp_2005; @hsieh_2010].")
    assert two == ('as shown ([Sharp, 2005](https://byronsharp.wordpress.com/2005/01/12/a-5-drop-in-defection-does-'
                   'not-lead-to-80-more-profits/ "sharp_2005"); [Hsieh, 2010](#References "hsieh_2010")).')
    assert cited_keys(two) == ["sharp_2005", "hsieh_2010"]
    assert render_citations("no keys, [a link](https://x.org)") == "no keys, [a link](https://x.org)"


def test_an_unknown_key_is_refused_by_name():
    with pytest.raises(ConfigError, match="payne_2005"):
        render_citations("[@payne_2005]")


def test_rendering_a_notebook_rewrites_markdown_only_rebuilds_references_and_is_idempotent(tmp_path):
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["Five processes [@payne_frow_2005].\n", "Next."]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [], "source": ["x = '[@sharp_2005]'"]},
        {"cell_type": "markdown", "metadata": {}, "source": ["## References\n", "\n", "Intro.\n", "\n",
                                                             "- **sharp_2005**: old text"]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert render_notebook(path)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert "".join(cells[0]["source"]).startswith("Five processes ([Payne & Frow, 2005](https://doi.org/")
    assert cells[1]["source"] == ["x = '[@sharp_2005]'"]  # code is not prose
    assert "".join(cells[2]["source"]) == ("## References\n\nIntro.\n\n- " + frameworks.cite("sharp_2005")
                                           + "\n- " + frameworks.cite("payne_frow_2005"))
    assert not render_notebook(path)


def test_the_shipped_notebooks_are_already_rendered(tmp_path):
    for path in NOTEBOOKS:
        if "[@" in _markdown(path):
            continue  # reported by the raw-key test above
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        assert not render_notebook(copy), f"{path.name}: its References section is stale; run the renderer"
