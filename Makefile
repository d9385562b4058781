# The two commands: `make lab` and `make test`. Each builds .venv itself from
# pyproject.toml, pinned by constraints.txt, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST := $(BIN)/python -m pytest
XDIST  := -n 2

.PHONY: lab test install test-unit test-notebooks test-browser datasets docs bench clean help

help:
	@echo "make lab        open JupyterLab on the start-here notebook"
	@echo "make test       install (if needed) and run every test, timing each phase"
	@echo "make test-browser  only the browser tests (needs Debian's chromium)"
	@echo "make datasets   regenerate the shipped datasets in datasets/"
	@echo "make docs       regenerate docs/data_dictionary.md from the data dictionary"
	@echo "make bench      run the speed and memory benchmarks"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lab,lecture,test]"
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

# Each phase prints how long it took, so a slow phase shows up in CI's log.
test: $(STAMP)
	@bash tools/timed.sh "unit tests and doctests" $(MAKE) --no-print-directory test-unit
	@bash tools/timed.sh "notebooks" $(MAKE) --no-print-directory test-notebooks
	@bash tools/timed.sh "browser" $(MAKE) --no-print-directory test-browser

test-unit: $(STAMP)
	$(PYTEST) $(XDIST) tests crmkit --doctest-modules --ignore=tests/browser

test-notebooks: $(STAMP)
	$(PYTEST) $(XDIST) --dist loadfile --nbval --nbval-current-env -p no:cacheprovider notebooks

# JupyterLab and Voila in headless Chromium (Debian's `chromium`; skipped with a message when
# it is missing, except on CI). Screenshots, logs and junit.xml go to test-output/browser/;
# .ci/run reads junit.xml to fail when a browser test was skipped.
test-browser: $(STAMP)
	$(PYTEST) -p no:cacheprovider --junitxml=test-output/browser/junit.xml tests/browser

datasets: $(STAMP)
	$(BIN)/crmkit datasets --out datasets

docs: $(STAMP)
	$(BIN)/python -m crmkit.world.docs > docs/data_dictionary.md

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_world.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
