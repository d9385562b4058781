# The two commands: `make lab` and `make test`. Each builds .venv itself from
# pyproject.toml, pinned by constraints.txt, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The student's set-up: only what the lessons need (the `lab` extra), no test or grading tools.
LAB_STAMP := $(VENV)/.lab-stamp
INSTRUCTOR_STAMP := $(VENV)/.instructor-stamp
# setuptools prints a generic "Editable installation" notice (a folder named like the package
# may shadow it: here that folder is the package itself, as intended); it is filtered by its
# message alone, so any other warning still shows (tests/test_packaging.py checks both).
QUIET_EDITABLE := ignore:Editable installation
BOOK_STAMP := $(VENV)/.book-stamp
PIP_INSTALL = PYTHONWARNINGS="$(QUIET_EDITABLE)" $(BIN)/python -m pip install --quiet -c constraints.txt -e
PYTEST := $(BIN)/python -m pytest
XDIST  := -n 2

.PHONY: book book-instructor lab instructor test install test-unit test-notebooks test-slow test-browser student-edition datasets docs bench clean help

help:
	@echo "make lab        open JupyterLab on the student's lessons (lessons/, exercises blank)"
	@echo "make instructor open JupyterLab on the full lessons (notebooks/, with solutions); slides, grading tools"
	@echo "make student-edition  regenerate lessons/ and the worked solutions from notebooks/"
	@echo "make test       install (if needed) and run every test, timing each phase"
	@echo "make test-browser  only the browser tests (needs Debian's chromium)"
	@echo "make test-slow  only the minutes-long checks (explorer cells never stall a batch run under load)"
	@echo "make datasets   regenerate the shipped datasets in datasets/"
	@echo "make docs       regenerate docs/data_dictionary.md from the data dictionary"
	@echo "make bench      run the speed and memory benchmarks"
	@echo "make book       build the course website (lessons, cases, syllabus) into _build/book/"
	@echo "make book-instructor  the same with the instructor guide and solutions, into _build/book-instructor/"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(LAB_STAMP): pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP_INSTALL) ".[lab]"
	touch $(LAB_STAMP)

$(INSTRUCTOR_STAMP): pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP_INSTALL) ".[lab,lecture,instructor]"
	touch $(INSTRUCTOR_STAMP) $(LAB_STAMP)

# Everything: the tests need every extra.
$(STAMP): pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP_INSTALL) ".[lab,lecture,instructor,test]"
	touch $(STAMP) $(INSTRUCTOR_STAMP) $(LAB_STAMP) $(BOOK_STAMP)

install: $(STAMP)

# The course website: Sphinx + myst-nb read the stored, executed notebooks (nothing runs, no
# network); tests/test_book_site.py builds both editions in `make test` and checks every link.
$(BOOK_STAMP): pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP_INSTALL) ".[book]"
	touch $(BOOK_STAMP)

book: $(BOOK_STAMP)
	$(BIN)/python -m course.book --out _build/book

book-instructor: $(BOOK_STAMP)
	$(BIN)/python -m course.book --instructor --out _build/book-instructor

# Students open the student edition (solutions blanked; checks.solution(name) after a try).
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab lessons/00_start_here.ipynb

instructor: $(INSTRUCTOR_STAMP)
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

# lessons/ and the worked solutions are generated from notebooks/ (a test checks they are in step).
student-edition: $(LAB_STAMP)
	$(BIN)/crmkit student-edition notebooks --out lessons --solutions crmkit/teach/data/solutions.json

# Each phase prints how long it took, so a slow phase shows up in CI's log.
test: $(STAMP)
	@bash tools/timed.sh "unit tests and doctests" $(MAKE) --no-print-directory test-unit
	@bash tools/timed.sh "notebooks" $(MAKE) --no-print-directory test-notebooks
	@bash tools/timed.sh "explorer cells under load (slow)" $(MAKE) --no-print-directory test-slow
	@bash tools/timed.sh "browser" $(MAKE) --no-print-directory test-browser

test-unit: $(STAMP)
	$(PYTEST) $(XDIST) tests crmkit --doctest-modules --ignore=tests/browser -m "not slow"

# Minutes-long checks, kept out of the parallel unit phase because they load both cores on
# purpose (the explorer-stall check: 20 fresh kernels beside two busy loops); `make test`
# runs them as a phase of their own.
test-slow: $(STAMP)
	$(PYTEST) -p no:cacheprovider -m slow tests

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
