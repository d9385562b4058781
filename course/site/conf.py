"""Sphinx configuration of the course website (``make book``; see course/book.py).

The site is built from notebooks stored executed, so nothing runs at build time
(``nb_execution_mode = "off"``), and everything it shows is on the local disk: Sphinx with
myst-nb and sphinx-book-theme work offline (Jupyter Book 2 / mystmd fetch their theme at run
time). ``course.book`` copies this file into the staged source folder (course/stage.py).
"""

project = "crmkit: a course in CRM"
author = "the crmkit authors"
copyright = "the crmkit authors; all company data in the worlds is synthetic"

extensions = ["myst_nb"]
# Staged notebooks show each widget as its saved picture (course/stage.py), so no widget JS.
nb_execution_mode = "off"
nb_merge_streams = True
myst_heading_anchors = 3  # Markdown links to '#a-heading' resolve, as on GitHub.
suppress_warnings = ["myst.header"]  # lessons start at '##' under their title cell

html_theme = "sphinx_book_theme"
html_title = "crmkit course"
html_theme_options = {
    "use_download_button": True,   # the page's source (.ipynb for a lesson), from the top bar
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "use_repository_button": False,
}
html_last_updated_fmt = None
# Sphinx's own search: a static index and JS, no server and no network.
html_search_language = "en"
# The notebooks readers download are files, not pages.
exclude_patterns = ["_build", "_downloads_src", "**.ipynb_checkpoints"]
