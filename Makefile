# One command builds the book (the main job), one runs the tests. Each creates the
# virtual environment if it is missing and installs the pinned versions; both are
# idempotent (the install is skipped while pyproject.toml and the constraints are unchanged).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CONSTRAINTS := requirements/constraints.txt
STAMP := $(VENV)/.installed-stamp

.PHONY: help setup book test test-fast lint pdf clean chromium

help:
	@echo "make book   - set up the environment and build the Jupyter Book (main job)"
	@echo "make test   - set up the environment and run the whole test suite (lint included)"
	@echo "make test-fast - the tests without the slow end-to-end ones"
	@echo "make pdf    - a PDF of the built book (headless Chromium)"
	@echo "make setup  - only create/update the virtual environment in $(VENV)"

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=23"
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

book: setup
	$(VENV)/bin/jupyter-book build book/
	@echo "The book is at file://$(CURDIR)/book/_build/html/index.html"

# The reader's-eye book test drives headless Chromium; install Debian's package where missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium not found: install it (Debian/Ubuntu: sudo apt-get install chromium) for the book test"; \
	  fi; }

test: setup chromium
	$(VENV)/bin/python -m pytest

test-fast: setup
	$(VENV)/bin/python -m pytest -m "not slow"

lint: setup
	$(VENV)/bin/ruff check deepdiff tests benchmarks notebooks
	$(VENV)/bin/ruff format --check deepdiff tests benchmarks notebooks

pdf: setup chromium
	$(VENV)/bin/python scripts/book_pdf.py

clean:
	rm -rf book/_build .pytest_cache .ruff_cache
