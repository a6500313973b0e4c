# One command builds the book (the main job), one runs the tests. Each creates the
# virtual environment if it is missing and installs the pinned versions; both are
# idempotent (the install is skipped while pyproject.toml and the constraints are unchanged).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CONSTRAINTS := requirements/constraints.txt
STAMP := $(VENV)/.installed-stamp

.PHONY: help setup book test test-fast lint pdf clean chromium reproduce

help:
	@echo "make book   - set up the environment and build the Jupyter Book (main job)"
	@echo "make test   - set up the environment and run the whole test suite (lint included)"
	@echo "make test-fast - the tests without the slow end-to-end ones"
	@echo "make pdf    - a PDF of the built book (headless Chromium)"
	@echo "make setup  - only create/update the virtual environment in $(VENV)"
	@echo "make reproduce - the paper's grid on every core (days: see workflow/README.md), then the book"
	@echo "make reproduce GRID=quick - a small offline grid in minutes, then the book"

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=23"
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

# DEEPDIFF_RESULTS_BUNDLE (a path or an https URL of a results bundle, optionally checked against
# DEEPDIFF_RESULTS_BUNDLE_SHA256, which a plain http URL needs) adds its runs to the results directory
# before the build.
book: setup
	@if [ -n "$$DEEPDIFF_RESULTS_BUNDLE" ]; then \
	  $(VENV)/bin/deepdiff results unpack "$$DEEPDIFF_RESULTS_BUNDLE" "$${DEEPDIFF_RESULTS_DIR:-results}" \
	    $${DEEPDIFF_RESULTS_BUNDLE_SHA256:+--sha256 "$$DEEPDIFF_RESULTS_BUNDLE_SHA256"}; fi
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

# The paper's grid (workflow/Snakefile) on CORES cores (default: all), ending in the book; GRID=NAME
# reads workflow/grids/NAME.yaml on top of workflow/config.yaml (GRID=quick: minutes, offline).
GRID ?= paper
CORES ?= all
reproduce: setup
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/snakemake -s workflow/Snakefile --cores $(CORES) \
	  $(if $(filter-out paper,$(GRID)),--configfile workflow/grids/$(GRID).yaml)
	@echo "The book is at file://$(CURDIR)/book/_build/html/index.html"

clean:
	rm -rf book/_build .pytest_cache .ruff_cache
