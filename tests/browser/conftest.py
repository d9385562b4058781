"""Fixtures of the browser tests: real JupyterLab and Voilà servers on 127.0.0.1, and Debian's
headless Chromium driven by Playwright (``executable_path``; never a downloaded browser).

When no browser can be found the tests skip with a message on a student's laptop and fail on
CI (``CI=true``); ``.ci/run`` also fails if any of them was skipped. Screenshots, the server
logs and the Chromium version go to ``test-output/browser/``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.browser import Server, free_port

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
OUTPUT = REPO / "test-output" / "browser"
VERSION_FILE = OUTPUT / "chromium_version.txt"
# Flags measured to work for Debian's chromium in a container (see tooling_facts.md). No
# --user-data-dir: Playwright makes a fresh profile itself.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
# Anything that is not our own server is blocked: the lessons must work offline.
NOT_LOCAL = re.compile(r"^(?!https?://127\.0\.0\.1[:/])https?://")
RAN_WITH: list[str] = []  # the browser's version, printed at the end of the run
# JupyterLab settings for a test run: no kernel dialog, every cell in the DOM, no network.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True, "windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_chromium() -> str | None:
    """``$CRMKIT_CHROMIUM`` if set, else Debian's ``chromium`` (or ``chromium-browser``) on PATH."""
    if os.environ.get("CRMKIT_CHROMIUM"):
        return shutil.which(os.environ["CRMKIT_CHROMIUM"])  # None unless it is an executable
    return shutil.which("chromium") or shutil.which("chromium-browser")


def no_browser(reason: str):
    """Skip on a laptop, fail on CI: a browser test that did not run proves nothing there."""
    if on_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(f"browser test not run: {reason}")


@pytest.fixture(scope="session")
def output_dir() -> Path:
    # Start empty, so every screenshot and log there is from this run.
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    return OUTPUT


@pytest.fixture(scope="session")
def browser(output_dir):
    path = find_chromium()
    if path is None:
        no_browser("no Chromium found: install Debian's `chromium` (apt-get install chromium fonts-liberation) "
                   "or set CRMKIT_CHROMIUM to a Chromium executable; Playwright's own browser download is not used")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        no_browser("the `playwright` package is missing; run `make install`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
        RAN_WITH.append(f"chromium {chromium.version} ({path}), playwright {version('playwright')}")
        VERSION_FILE.write_text(RAN_WITH[-1] + "\n")
        yield chromium
        chromium.close()


def new_tab(browser):
    """A browser tab with its own fresh profile that cannot reach anything but 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.errors, tab.blocked = [], []  # uncaught page errors and blocked requests, for failure messages
    context.route(NOT_LOCAL, lambda route: (tab.blocked.append(route.request.url), route.abort()))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    return tab


@pytest.fixture
def page(browser, request, output_dir):
    tab = new_tab(browser)
    yield tab
    screenshot_if_failed(request, tab, output_dir)
    tab.context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so fixtures can see whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def screenshot_if_failed(request, tab, output_dir):
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        tab.screenshot(path=output_dir / f"FAILED-{name}.png")


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory) -> dict:
    """A copy of the lessons and private Jupyter folders, so no user state leaks in or out."""
    root = tmp_path_factory.mktemp("jupyter")
    shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name, values in LAB_SETTINGS.items():
        path = root / "settings" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / "config"), JUPYTER_DATA_DIR=str(root / "data"),
               JUPYTER_RUNTIME_DIR=str(root / "runtime"), IPYTHONDIR=str(root / "ipython"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return {"root": root, "notebooks": root / "notebooks", "env": env}


@pytest.fixture(scope="session")
def lab(sandbox, output_dir):
    """JupyterLab on the lesson copies; ``lab.open_url(path)`` is a logged-in URL."""
    port, token, root = free_port(), secrets.token_hex(16), sandbox["root"]
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={sandbox['notebooks']}", f"--LabApp.user_settings_dir={root / 'settings'}",
               f"--LabApp.workspaces_dir={root / 'workspaces'}", "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:  # containers and CI runners often run as root
        command.append("--allow-root")
    server = Server(command, port, sandbox["env"], output_dir / "jupyterlab.log",
                    ready_path=f"/api/status?token={token}", cwd=root)
    server.open_url = lambda path: f"{server.url}/{path}?token={token}"
    yield server
    server.stop()


@pytest.fixture
def voila(sandbox, output_dir):
    """Start the lecture's widget-only view (``crmkit.lecture``) of a lesson: ``voila(name)``."""
    from crmkit.lecture import present_command

    servers = []

    def start(name: str) -> Server:
        port = free_port()
        command = present_command(sandbox["notebooks"] / name, mode="widgets", port=port, open_browser=False)
        servers.append(Server(command, port, sandbox["env"], output_dir / f"voila-{Path(name).stem}.log",
                              ready_path="/voila/static/voila.js", cwd=sandbox["root"]))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def pytest_terminal_summary(terminalreporter):
    if RAN_WITH:
        terminalreporter.write_line(f"browser tests ran with {RAN_WITH[-1]}; screenshots and logs in {OUTPUT}/")
