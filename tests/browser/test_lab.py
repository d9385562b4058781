"""The lessons in a real browser, offline: JupyterLab runs every cell and the widgets render as
widgets; a slider dragged with the mouse changes the widget's output; the Voilà lecture view
does the same without code; RISE shows the lessons as slides. Screenshots and logs go to
test-output/browser/ (a failing test leaves a FAILED-*.png there).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.browser.conftest import NOTEBOOKS, new_tab, screenshot_if_failed

# The lessons opened in the browser. `slider`: the lesson has a widget with a slider, which
# the test drags (checked against the saved widget state below). Add new lessons here.
LESSONS = [
    pytest.param("00_start_here.ipynb", False, id="00_start_here"),
    pytest.param("14_pschse_implementation_project.ipynb", True, id="14_pschse_implementation_project"),
]
SLIDER_LESSONS = [pytest.param(p.values[0], id=p.id) for p in LESSONS if p.values[1]]
# RISE is checked on the first lesson only (a page load each); every lesson's slide metadata
# is checked without a browser in tests/test_lecture.py.
SLIDE_LESSONS = LESSONS[:1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # the mime type of a widget output
# A widget that fell back to its text form ("interactive(children=(IntSlider(...") or failed.
WIDGET_AS_TEXT = re.compile(r"\w+\(children=\(|\w+Slider\(value=|Error displaying widget|Loading widget\.\.\.")
RUN_TIMEOUT_MS = 150_000

# Kernel and execution state of the open notebook `name`; null until Lab has it ready.
NOTEBOOK_STATE = """(name) => {
  const app = window.jupyterapp, panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.context || panel.context.path !== name || !panel.context.isReady) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.model.cells, errors = [];
  let pending = 0, widgets = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    if (cell.executionCount === null && cell.sharedModel.getSource().trim()) pending += 1;
    for (let j = 0; j < cell.outputs.length; j++) {
      const out = cell.outputs.get(j).toJSON();
      if (out.output_type === 'error') errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
      if (out.data && out.data['application/vnd.jupyter.widget-view+json']) widgets += 1;
    }
  }
  return {kernel: kernel ? kernel.status : null, pending, errors, widgets};
}"""
NOTEBOOK_IDLE = f"(name) => {{ const s = ({NOTEBOOK_STATE})(name); return s && s.kernel === 'idle' ? s : null; }}"
# Run All stops at the first error, so an error also ends the wait.
NOTEBOOK_DONE = f"""(name) => {{
  const s = ({NOTEBOOK_STATE})(name);
  return s && (s.errors.length > 0 || (s.pending === 0 && s.kernel === 'idle')) ? s : null;
}}"""
OPEN_NOTEBOOK = "async (name) => { await window.jupyterapp.commands.execute('docmanager:open', {path: name}); }"
CLOSE_NOTEBOOK = """async (name) => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (panel && panel.context && panel.context.path === name) {
    await panel.sessionContext.shutdown();
    panel.dispose();  // not close(): no "save changes?" dialog, the copy is thrown away anyway
  }
}"""


def save_screenshot(target, output_dir: Path, name: str) -> Path:
    path = output_dir / f"{name}.png"
    target.screenshot(path=path)
    return path


def assert_widgets_render(page, root: str, expected: int = 0) -> int:
    """At least `expected` outputs under `root` are rendered widgets, and none fell back to text.

    Returns the number of rendered widget outputs.
    """
    rendered = page.locator(f"{root} .jp-OutputArea-output:has(> .jupyter-widgets)").count()
    assert rendered >= expected, f"{expected} widget outputs, but only {rendered} rendered as widgets"
    as_text = page.locator(f"{root} .jp-OutputArea-output").filter(has_text=WIDGET_AS_TEXT)
    assert as_text.count() == 0, f"a widget shows as text: {as_text.first.inner_text()[:200]!r}"
    return rendered


def drag_first_slider(page, scope) -> tuple[str, str]:
    """Drag the first slider's handle right with the mouse, as a person would.

    Returns the slider's readout before and after.
    """
    slider = scope.locator(".widget-slider").first
    slider.scroll_into_view_if_needed()
    readout = slider.locator(".widget-readout").first
    before = readout.inner_text()
    handle = slider.locator(".noUi-handle").first.bounding_box()
    track = slider.locator(".noUi-target").first.bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + track["width"] * 0.3, y)  # one step: every step would re-run the widget
    page.mouse.up()
    return before, readout.inner_text()


# True once `el` has kept the same content for `quiet` ms (a widget re-draw has finished).
SETTLED = """([el, quiet]) => {
  const now = Date.now(), html = el.innerHTML;
  if (el.__lastHtml !== html) { el.__lastHtml = html; el.__since = now; return false; }
  return now - el.__since >= quiet;
}"""


def slider_changes_output(page, container) -> tuple[str, str]:
    """Drag the first slider inside `container` and wait until its output region has changed
    and settled. The output region is the widget's own `.widget-output` (where `interact`
    draws). Returns the slider's readout before and after."""
    output = container.locator(".widget-output").first
    output.wait_for(state="visible")
    html_before = output.inner_html()
    before, after = drag_first_slider(page, container)
    assert after != before, f"dragging the slider did not change its value ({before})"
    element = output.element_handle()
    page.wait_for_function("([el, old]) => el.innerHTML !== old && el.querySelector('img, pre, table')",
                           arg=[element, html_before], timeout=60_000, polling=250)
    page.wait_for_function(SETTLED, arg=[element, 1500], timeout=60_000, polling=250)
    return before, after


def test_lesson_list_matches_the_notebooks():
    """Each listed lesson exists, and has a slider in its saved widget state exactly when marked so."""
    for lesson in LESSONS:
        name, slider = lesson.values
        saved = json.loads((NOTEBOOKS / name).read_text())
        state = saved["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
        models = {model["model_name"] for model in state.get("state", {}).values()}
        assert any(m.endswith("SliderModel") for m in models) == slider, f"{name}: widget models {sorted(models)}"


@pytest.fixture(scope="module")
def lab_tab(browser, lab):
    """One JupyterLab tab for all lessons: loading Lab is the slow part, so load it once."""
    tab = new_tab(browser)
    tab.goto(lab.open_url("lab/workspaces/browser-test"))
    tab.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open')",
                          timeout=90_000)
    tab.evaluate("async () => { await window.jupyterapp.restored; }")
    yield tab
    tab.context.close()


@pytest.fixture
def lesson_in_lab(lab_tab, request, output_dir):
    """Open a lesson in the Lab tab; afterwards shut its kernel down and close it."""
    opened = []

    def open_lesson(name: str):
        opened.append(name)
        lab_tab.evaluate(OPEN_NOTEBOOK, name)
        lab_tab.wait_for_function(NOTEBOOK_IDLE, arg=name, timeout=90_000, polling=250)
        return lab_tab

    yield open_lesson
    screenshot_if_failed(request, lab_tab, output_dir)
    for name in opened:
        lab_tab.evaluate(CLOSE_NOTEBOOK, name)


@pytest.mark.parametrize(("name", "slider"), LESSONS)
def test_lesson_runs_in_jupyterlab(lesson_in_lab, output_dir, name, slider):
    page = lesson_in_lab(name)
    page.evaluate("async () => { await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs'); }")
    page.evaluate("() => { window.jupyterapp.commands.execute('runmenu:run-all'); }")  # not awaited: runs long
    state = page.wait_for_function(NOTEBOOK_DONE, arg=name, timeout=RUN_TIMEOUT_MS, polling=500).json_value()
    assert not state["errors"], state["errors"]
    assert_widgets_render(page, ".jp-Notebook", expected=state["widgets"])
    stem = Path(name).stem
    if slider:
        cell = page.locator(".jp-Notebook .jp-Cell").filter(has=page.locator(".widget-slider")).first
        slider_changes_output(page, cell)
        page.wait_for_function(NOTEBOOK_IDLE, arg=name, timeout=60_000, polling=250)
        cell.scroll_into_view_if_needed()
        save_screenshot(cell, output_dir, f"lab-{stem}-widget")
    elif state["widgets"]:
        page.locator(".jp-Notebook .jp-OutputArea-output:has(> .jupyter-widgets)").first.scroll_into_view_if_needed()
    save_screenshot(page, output_dir, f"lab-{stem}")
    assert not page.errors, page.errors


@pytest.mark.parametrize("name", SLIDER_LESSONS)
def test_widget_lesson_in_voila_lecture_view(page, voila, output_dir, name):
    """The lecture view (crmkit.lecture, mode="widgets") runs offline, shows no code, and its
    slider works."""
    server = voila(name)
    page.goto(server.url + "/", wait_until="commit")  # Voila streams the page while it runs the cells
    page.locator(".widget-slider").first.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    assert_widgets_render(page, "body", expected=1)
    assert page.locator(".jp-InputArea-editor:visible, .jp-CodeMirrorEditor:visible").count() == 0, "code is shown"
    container = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-slider")).first
    slider_changes_output(page, container)
    container.scroll_into_view_if_needed()
    save_screenshot(page, output_dir, f"voila-{Path(name).stem}")
    assert not page.errors, page.errors


@pytest.mark.parametrize(("name", "slider"), SLIDE_LESSONS)
def test_lesson_presents_as_rise_slides(page, lab, output_dir, name, slider):
    """jupyterlab-rise shows the lesson as a reveal.js deck, one slide per slide/subslide cell."""
    page.goto(lab.open_url(f"rise/{name}"))
    page.locator(".reveal .slides section").first.wait_for(state="visible", timeout=90_000)
    saved = json.loads((NOTEBOOKS / name).read_text())
    kinds = [c["metadata"].get("slideshow", {}).get("slide_type") for c in saved["cells"]]
    expected = max(1, sum(kind in ("slide", "subslide") for kind in kinds))
    page.wait_for_function("(n) => document.querySelectorAll('.reveal .slides section:not(:has(section))').length >= n",
                           arg=expected, timeout=30_000)
    save_screenshot(page, output_dir, f"rise-{Path(name).stem}")
    assert not page.errors, page.errors
